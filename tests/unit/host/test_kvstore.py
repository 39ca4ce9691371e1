import os
from pathlib import Path

import pytest

from op_program.host.errors import KVStoreError, UnsupportedFormatError
from op_program.host.kvstore import (
    DataFormat,
    HexFileKV,
    LmdbKV,
    MemoryKV,
    SplitKV,
    open_disk_kv,
    read_format,
)
from op_program.preimage.keys import keccak256_key, local_key

KEY = bytes.fromhex("02" + "ab" * 31)
VALUE = bytes(range(40))


def stores(tmp_path: Path) -> list[object]:
    return [MemoryKV(), HexFileKV(tmp_path / "d"), HexFileKV(tmp_path / "f", flat=True),
            LmdbKV(tmp_path)]


def test_roundtrip_every_store(tmp_path: Path) -> None:
    for store in stores(tmp_path):
        assert store.get(KEY) is None  # type: ignore[attr-defined]
        store.put(KEY, VALUE)  # type: ignore[attr-defined]
        store.put_many([(b"\x02" + bytes(31), b""), (b"\x04" + bytes(31), b"x")])  # type: ignore[attr-defined]
        assert store.get(KEY) == VALUE  # type: ignore[attr-defined]
        assert store.get(b"\x02" + bytes(31)) == b""  # type: ignore[attr-defined]
        assert sorted(store.keys()) == sorted([KEY, b"\x02" + bytes(31), b"\x04" + bytes(31)])  # type: ignore[attr-defined]
        store.close()  # type: ignore[attr-defined]


def test_directory_layout_is_reference_layout(tmp_path: Path) -> None:
    store = HexFileKV(tmp_path)
    store.put(KEY, VALUE)
    hex_key = KEY.hex()
    path = tmp_path / hex_key[:4] / f"{hex_key[4:]}.txt"
    assert path.read_bytes() == VALUE.hex().encode()
    # no temp files left behind
    assert [p.name for p in tmp_path.iterdir()] == [hex_key[:4]]


def test_directory_reads_files_written_by_reference_layout(tmp_path: Path) -> None:
    hex_key = KEY.hex()
    (tmp_path / hex_key[:4]).mkdir()
    (tmp_path / hex_key[:4] / f"{hex_key[4:]}.txt").write_text(VALUE.hex())
    assert HexFileKV(tmp_path).get(KEY) == VALUE


def test_file_layout(tmp_path: Path) -> None:
    HexFileKV(tmp_path, flat=True).put(KEY, VALUE)
    assert (tmp_path / f"0x{KEY.hex()}.txt").read_text() == VALUE.hex()


def test_leftover_temp_files_are_ignored(tmp_path: Path) -> None:
    store = HexFileKV(tmp_path)
    store.put(KEY, VALUE)
    (tmp_path / f"0x{KEY.hex()}.txt.123456").write_text("ab")  # killed mid-write
    assert list(store.keys()) == [KEY]


@pytest.mark.parametrize("flat", [False, True])
def test_values_longer_than_one_read_chunk(tmp_path: Path, flat: bool) -> None:
    store = HexFileKV(tmp_path, flat=flat)
    for size in (32767, 32768, 32769, 100_000):  # hex text of 64 KiB - 2 .. 200,000 bytes
        value = bytes(i % 251 for i in range(size))
        store.put(KEY, value)
        assert store.get(KEY) == value


def test_directory_in_place_of_a_value_file_is_a_typed_error(tmp_path: Path) -> None:
    store = HexFileKV(tmp_path)
    store.path_of(KEY).mkdir(parents=True)
    with pytest.raises(KVStoreError):
        store.get(KEY)


def test_value_files_with_whitespace_or_upper_case_hex_still_read(tmp_path: Path) -> None:
    store = HexFileKV(tmp_path)
    store.put(KEY, VALUE)
    for text in (VALUE.hex() + "\n", VALUE.hex().upper(), " ".join(f"{b:02x}" for b in VALUE)):
        store.path_of(KEY).write_text(text)
        assert store.get(KEY) == VALUE


def test_fifo_in_place_of_a_value_file_is_a_typed_error(tmp_path: Path) -> None:
    store = HexFileKV(tmp_path)
    store.path_of(KEY).parent.mkdir(parents=True)
    os.mkfifo(store.path_of(KEY))  # no writer: read without blocking, then refused
    with pytest.raises(KVStoreError, match="FIFO, not a regular file"):
        store.get(KEY)


def test_corrupt_file_is_a_typed_error(tmp_path: Path) -> None:
    store = HexFileKV(tmp_path)
    store.put(KEY, VALUE)
    store.path_of(KEY).write_text("zz")
    with pytest.raises(KVStoreError):
        store.get(KEY)


def test_kvformat_marker_recorded_and_respected(tmp_path: Path) -> None:
    kv = open_disk_kv(tmp_path, DataFormat.LMDB)
    kv.put(KEY, VALUE)
    kv.close()
    assert (tmp_path / "kvformat").read_bytes() == b"lmdb"
    kv = open_disk_kv(tmp_path, DataFormat.DIRECTORY)  # existing marker wins
    assert isinstance(kv, LmdbKV) and kv.get(KEY) == VALUE
    kv.close()
    other = tmp_path / "x"
    open_disk_kv(other).close()
    assert (other / "kvformat").read_bytes() == b"directory"
    assert read_format(other) is DataFormat.DIRECTORY


def test_unsupported_format(tmp_path: Path) -> None:
    (tmp_path / "kvformat").write_text("pebble")
    with pytest.raises(UnsupportedFormatError, match="pebble"):
        open_disk_kv(tmp_path)


def test_split_serves_local_and_never_writes_them(tmp_path: Path) -> None:
    inner = HexFileKV(tmp_path)
    split = SplitKV({local_key(1): b"head"}, inner)
    assert split.get(local_key(1)) == b"head"
    assert split.get(local_key(2)) is None
    split.put(local_key(2), b"nope")
    split.put_many([(local_key(3), b"nope"), (keccak256_key(bytes(32)), b"v")])
    assert split.get(local_key(2)) is None
    assert list(inner.keys()) == [keccak256_key(bytes(32))]
    assert not any(k[0] == 1 for k in inner.keys())


def test_unwritable_directory_is_typed(tmp_path: Path) -> None:
    # A regular file where the key's prefix directory belongs: the write fails for root too
    # (permission bits would not stop root, and CI runs as root).
    root = tmp_path / "store"
    root.mkdir()
    (root / KEY.hex()[:4]).write_bytes(b"not a directory")
    with pytest.raises(KVStoreError):
        HexFileKV(root).put(KEY, VALUE)
    with pytest.raises(KVStoreError):
        HexFileKV(root).get(KEY)


def test_memory_kv_counts_value_bytes() -> None:
    """Puts, overwrites (same key, new size) and batches keep ``value_bytes`` exact."""
    store = MemoryKV()
    store.put(b"\x02" * 32, b"abc")
    store.put_many([(b"\x03" * 32, b"12345"), (b"\x02" * 32, b"x")])
    assert store.value_bytes == 6 and len(store) == 2

