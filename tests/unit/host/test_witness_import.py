"""``witness import`` is atomic and reports bad entries with exit 2 (issue 11).

A new datadir is built in a hidden sibling and renamed into place; nothing is left behind on
failure. Bad entries are counted, the first few named on stderr, the good ones still written,
and the exit code is 2 because the import is incomplete.
"""

import json
from pathlib import Path

import pytest

from op_program.cli.main import main
from op_program.encoding.hashing import keccak256
from op_program.host.errors import KVStoreError
from op_program.host.kvstore import HexFileKV, LmdbKV
from op_program.host.kvstore.staging import PARTIAL_MARK, staged_datadir
from op_program.preimage.keys import keccak256_key
from tests.unit.host.test_witness import GOOD, write_witness


def _import(witness: Path, datadir: Path, fmt: str = "directory") -> int:
    return main(["witness", "import", str(witness), str(datadir), "--data.format", fmt])


def _leftovers(parent: Path) -> list[str]:
    return [p.name for p in parent.iterdir() if PARTIAL_MARK in p.name]


@pytest.mark.parametrize("fmt", ["directory", "file", "lmdb"])
def test_new_datadir_appears_complete(tmp_path: Path, fmt: str) -> None:
    write_witness(tmp_path / "w.json", GOOD)
    assert _import(tmp_path / "w.json", tmp_path / "data", fmt) == 0
    assert (tmp_path / "data" / "kvformat").read_text() == fmt
    assert _leftovers(tmp_path) == []
    assert main(["witness", "verify", str(tmp_path / "data")]) == 0


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b"", b"\x1f\x8b broken gzip"])
def test_unreadable_witness_leaves_nothing(tmp_path: Path, content: bytes,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "w.json").write_bytes(content)
    assert _import(tmp_path / "w.json", tmp_path / "data") == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.json"]
    assert "witness" in capsys.readouterr().err


def test_bad_entries_are_reported_good_ones_kept_exit_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    entries = {"0x" + k.hex(): "0x" + v.hex() for k, v in GOOD.items()}
    wrong = keccak256_key(keccak256(b"z"))
    entries["0x" + wrong.hex()] = "0x" + b"not z".hex()
    entries["0x" + "02" * 32] = "0xzz"
    entries["nonsense"] = "0x00"
    (tmp_path / "w.json").write_text(json.dumps(entries))
    assert _import(tmp_path / "w.json", tmp_path / "data") == 2
    out, err = capsys.readouterr()
    assert "imported: 7 entries, 4 ok, 3 bad" in out
    assert f"bad preimage 0x{wrong.hex()}" in err and "nonsense" in err
    assert "3 bad entries not imported" in err
    store = HexFileKV(tmp_path / "data")
    assert sorted(store.keys()) == sorted(GOOD)
    assert main(["witness", "verify", str(tmp_path / "data")]) == 0


def test_only_the_first_bad_entries_are_named(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    bad = {keccak256_key(keccak256(bytes([i]))): b"wrong" for i in range(9)}
    write_witness(tmp_path / "w.json", {**GOOD, **bad})
    assert _import(tmp_path / "w.json", tmp_path / "data", "lmdb") == 2
    err = capsys.readouterr().err
    assert err.count("bad preimage 0x") == 5 and "(4 more not shown)" in err
    store = LmdbKV(tmp_path / "data")
    assert len(store) == len(GOOD)
    store.close()


def test_failed_write_removes_the_half_built_datadir(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_witness(tmp_path / "w.json", GOOD)
    real_put = HexFileKV.put

    def put_then_fail(self: HexFileKV, key: bytes, value: bytes) -> None:
        real_put(self, key, value)
        if sum(1 for _ in self.keys()) >= 2:
            raise KVStoreError("disk full (simulated)")

    monkeypatch.setattr(HexFileKV, "put", put_then_fail)
    assert _import(tmp_path / "w.json", tmp_path / "data") == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.json"]


def test_existing_datadir_is_untouched_by_an_unreadable_witness(tmp_path: Path) -> None:
    write_witness(tmp_path / "w.json", GOOD)
    assert _import(tmp_path / "w.json", tmp_path / "data") == 0
    before = sorted(str(p.relative_to(tmp_path)) for p in (tmp_path / "data").rglob("*"))
    (tmp_path / "bad.json").write_text("{truncated")
    assert _import(tmp_path / "bad.json", tmp_path / "data") == 2
    after = sorted(str(p.relative_to(tmp_path)) for p in (tmp_path / "data").rglob("*"))
    assert after == before and _leftovers(tmp_path) == []


def test_existing_datadir_gets_the_new_entries(tmp_path: Path) -> None:
    first = dict(list(GOOD.items())[:2])
    write_witness(tmp_path / "a.json", first)
    write_witness(tmp_path / "b.json", GOOD)
    assert _import(tmp_path / "a.json", tmp_path / "data") == 0
    assert _import(tmp_path / "b.json", tmp_path / "data") == 0
    assert sorted(HexFileKV(tmp_path / "data").keys()) == sorted(GOOD)


def test_empty_target_directory_counts_as_new(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    with pytest.raises(RuntimeError), staged_datadir(tmp_path / "data") as where:
        assert where != tmp_path / "data"
        (where / "x").write_text("partial")
        raise RuntimeError("stop")
    assert list((tmp_path / "data").iterdir()) == [] and _leftovers(tmp_path) == []
    with staged_datadir(tmp_path / "data") as where:
        (where / "x").write_text("whole")
    assert (tmp_path / "data" / "x").read_text() == "whole"


def test_datadir_that_is_a_file_is_named(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    write_witness(tmp_path / "w.json", GOOD)
    (tmp_path / "data").write_text("a file")
    assert _import(tmp_path / "w.json", tmp_path / "data") == 2
    assert (tmp_path / "data").read_text() == "a file"
    assert "is a file, not a directory" in capsys.readouterr().err
