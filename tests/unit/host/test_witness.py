import gzip
import json
from pathlib import Path

import pytest

from op_program.cli.main import main
from op_program.encoding.hashing import keccak256, sha256
from op_program.host.kvstore import HexFileKV, LmdbKV, open_disk_kv
from op_program.host.witness import (
    WitnessFileError,
    check_preimage,
    import_witness,
    read_witness,
)
from op_program.preimage.keys import keccak256_key, local_key, sha256_key
from tests.fixture_paths import fixtures_path

GOOD = {keccak256_key(keccak256(b"a")): b"a", sha256_key(sha256(b"bb")): b"bb",
        b"\x05" + bytes(31): bytes(32), b"\x06" + bytes(31): b"\x01out"}


def write_witness(path: Path, entries: dict[bytes, bytes]) -> None:
    text = json.dumps({"0x" + k.hex(): "0x" + v.hex() for k, v in entries.items()})
    path.write_bytes(gzip.compress(text.encode()) if path.name.endswith(".gz") else text.encode())


def test_check_preimage() -> None:
    for key, value in GOOD.items():
        assert check_preimage(key, value) is None
    assert "hashes to" in (check_preimage(keccak256_key(keccak256(b"a")), b"b") or "")
    assert check_preimage(local_key(1), b"x") is not None
    assert check_preimage(b"\x05" + bytes(31), b"x") is not None
    assert check_preimage(b"\x06" + bytes(31), b"\x07") is not None
    assert check_preimage(b"\x03" + bytes(31), b"") is not None


def test_import_skips_bad_entries(tmp_path: Path) -> None:
    bad = dict(GOOD)
    bad[keccak256_key(keccak256(b"z"))] = b"not z"
    write_witness(tmp_path / "w.json.gz", bad)
    store = HexFileKV(tmp_path / "d")
    report = import_witness(read_witness(tmp_path / "w.json.gz"), store)
    assert (report.total, report.bad) == (5, 1)
    assert sorted(store.keys()) == sorted(GOOD)


@pytest.mark.parametrize("content", [b"[1]", b"{bad", b'{"0x00": "0x"}', b'{"0x' + b"00" * 32
                                     + b'": "zz"}'])
def test_malformed_witness_files(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "w.json").write_bytes(content)
    with pytest.raises(WitnessFileError):
        list(read_witness(tmp_path / "w.json"))


def test_cli_import_export_verify_roundtrip(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                           ) -> None:
    write_witness(tmp_path / "w.json", GOOD)
    for fmt in ("directory", "file", "lmdb"):
        datadir = tmp_path / fmt
        assert main(["witness", "import", str(tmp_path / "w.json"), str(datadir),
                     "--data.format", fmt]) == 0
        assert (datadir / "kvformat").read_text() == fmt
        assert main(["witness", "verify", str(datadir)]) == 0
        out = tmp_path / f"{fmt}.json.gz"
        assert main(["witness", "export", str(datadir), str(out)]) == 0
        assert dict(read_witness(out)) == GOOD
    capsys.readouterr()


def test_verify_finds_tampered_entry(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = open_disk_kv(tmp_path)
    store.put_many(GOOD.items())
    key = keccak256_key(keccak256(b"a"))
    assert isinstance(store, HexFileKV)
    store.path_of(key).write_text(b"b".hex())
    assert main(["witness", "verify", str(tmp_path)]) == 1
    assert f"bad preimage 0x{key.hex()}" in capsys.readouterr().out


def test_verify_requires_a_datadir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["witness", "verify", str(tmp_path / "none")]) == 2


@pytest.mark.slow
@pytest.mark.conformance
@pytest.mark.parametrize("fmt", ["directory", "lmdb"])
def test_real_fpp_witness_imports_and_verifies(tmp_path: Path, fmt: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    witness = fixtures_path("fpp", "op-sepolia-16491249", "preimages.json.gz")
    datadir = tmp_path / "data"
    assert main(["witness", "import", str(witness), str(datadir), "--data.format", fmt]) == 0
    assert main(["witness", "verify", str(datadir)]) == 0
    out = capsys.readouterr().out
    assert "imported: 60533 entries, 60533 ok, 0 bad" in out
    assert "verified: 60533 entries, 60533 ok, 0 bad" in out
    if fmt == "directory":
        files = [p for p in datadir.rglob("*.txt")]
        assert len(files) == 60533
        sample = files[0]
        key = bytes.fromhex(sample.parent.name + sample.stem)
        assert keccak256_key(keccak256(bytes.fromhex(sample.read_text()))) == key or key[0] != 2
    else:
        store = LmdbKV(datadir)
        assert len(store) == 60533
        store.close()


def test_a_gzip_bomb_witness_is_refused_at_the_cap(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import op_program.host.witness as witness_module

    monkeypatch.setattr(witness_module, "MAX_WITNESS_BYTES", 10_000)
    bomb = tmp_path / "w.json.gz"
    bomb.write_bytes(gzip.compress(b"{" + b" " * 1_000_000 + b"}"))
    with pytest.raises(WitnessFileError, match="larger than 10000 bytes"):
        list(read_witness(bomb))
    write_witness(tmp_path / "ok.json.gz", GOOD)
    assert dict(read_witness(tmp_path / "ok.json.gz")) == GOOD


def test_write_witness_formats_and_kvbin_import(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """write_witness picks the format by name; ``witness import`` reads kv.bin and re-hashes it."""
    from op_program.host.kvbin import decode_kvbin, encode_kvbin
    from op_program.host.witness import write_witness as write_file

    for name in ("w.json", "w.json.gz", "kv.bin"):
        assert write_file(GOOD.items(), tmp_path / name) == len(GOOD)
        assert dict(read_witness(tmp_path / name)) == GOOD
    records = list(decode_kvbin((tmp_path / "kv.bin").read_bytes()))
    assert [key for key, _ in records] == sorted(GOOD)
    assert main(["witness", "import", str(tmp_path / "kv.bin"), str(tmp_path / "d")]) == 0
    bad = [(k, v if i else v + b"!") for i, (k, v) in enumerate(records)]
    (tmp_path / "bad.bin").write_bytes(encode_kvbin(bad))
    assert main(["witness", "import", str(tmp_path / "bad.bin"), str(tmp_path / "d2")]) == 2
    (tmp_path / "cut.bin").write_bytes(encode_kvbin(records)[:-1])
    with pytest.raises(WitnessFileError):
        list(read_witness(tmp_path / "cut.bin"))
    assert main(["witness", "import", str(tmp_path / "cut.bin"), str(tmp_path / "d3")]) == 2
    assert not (tmp_path / "d3").exists()
    capsys.readouterr()
