import pytest

from op_program.encoding.errors import HexDecodeError
from op_program.encoding.hex import bytes_to_hex, hex_to_bytes, hex_to_int, int_to_hex


def test_hex_to_bytes_round_trip() -> None:
    assert hex_to_bytes("0x00ff10") == b"\x00\xff\x10"
    assert hex_to_bytes("0X") == b""
    assert hex_to_bytes("0xABcd", 2) == b"\xab\xcd"
    assert bytes_to_hex(b"\x00\xff") == "0x00ff"


@pytest.mark.parametrize("text", ["00ff", "0x0", "0xzz", "0x00 ff", "0x 00", "", "0x00\n"])
def test_hex_to_bytes_rejects_malformed(text: str) -> None:
    with pytest.raises(HexDecodeError):
        hex_to_bytes(text)


def test_hex_to_bytes_checks_length() -> None:
    with pytest.raises(HexDecodeError):
        hex_to_bytes("0x0011", 3)


def test_hex_to_bytes_rejects_non_strings() -> None:
    with pytest.raises(HexDecodeError):
        hex_to_bytes(17)  # type: ignore[arg-type]


def test_quantities() -> None:
    assert hex_to_int("0x0") == 0
    assert hex_to_int("0x1a") == 26
    assert hex_to_int("0x001a") == 26
    assert int_to_hex(0) == "0x0"
    assert int_to_hex(26) == "0x1a"


@pytest.mark.parametrize("text", ["0x", "1a", "0x-1", "0x1_0", "0xg", " 0x1"])
def test_hex_to_int_rejects_malformed(text: str) -> None:
    with pytest.raises(HexDecodeError):
        hex_to_int(text)
