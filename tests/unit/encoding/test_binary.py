import pytest

from op_program.encoding.binary import Reader, read_u64_be, u64_be
from op_program.encoding.errors import BinaryDecodeError


def test_u64_round_trip() -> None:
    assert u64_be(0x0102030405060708) == bytes(range(1, 9))
    assert read_u64_be(b"\xff" + bytes(range(1, 9)), 1) == 0x0102030405060708


def test_read_u64_past_end() -> None:
    with pytest.raises(BinaryDecodeError):
        read_u64_be(b"\x00" * 7)


def test_reader_reads_fields_in_order() -> None:
    reader = Reader(b"\x01\x00\x02\x00\x00\x00\x03" + b"\x00" * 7 + b"\x04rest")
    assert reader.read_u8() == 1
    assert reader.read_u16() == 2
    assert reader.read_u32() == 3
    assert reader.read_u64() == 4
    assert reader.remaining == 4
    assert reader.read_rest() == b"rest"
    reader.expect_end()


def test_reader_past_end_and_trailing() -> None:
    reader = Reader(b"\x01\x02")
    with pytest.raises(BinaryDecodeError):
        reader.read(3)
    with pytest.raises(BinaryDecodeError):
        reader.expect_end()
