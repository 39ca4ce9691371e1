import pytest

from op_program.mpt.errors import TrieDecodeError
from op_program.mpt.nibbles import (
    bytes_to_nibbles,
    hex_prefix_decode,
    hex_prefix_encode,
    nibbles_to_bytes,
)


def test_nibbles_round_trip() -> None:
    assert bytes_to_nibbles(b"\x12\xab") == b"\x01\x02\x0a\x0b"
    assert nibbles_to_bytes(b"\x01\x02\x0a\x0b") == b"\x12\xab"
    with pytest.raises(TrieDecodeError):
        nibbles_to_bytes(b"\x01")


# Yellow paper appendix C examples.
@pytest.mark.parametrize(
    ("nibbles", "leaf", "encoded"),
    [
        (b"\x01\x02\x03\x04\x05", False, b"\x11\x23\x45"),
        (b"\x00\x01\x02\x03\x04\x05", False, b"\x00\x01\x23\x45"),
        (b"\x00\x0f\x01\x0c\x0b\x08", True, b"\x20\x0f\x1c\xb8"),
        (b"\x0f\x01\x0c\x0b\x08", True, b"\x3f\x1c\xb8"),
        (b"", True, b"\x20"),
    ],
)
def test_hex_prefix(nibbles: bytes, leaf: bool, encoded: bytes) -> None:
    assert hex_prefix_encode(nibbles, leaf) == encoded
    assert hex_prefix_decode(encoded) == (nibbles, leaf)


@pytest.mark.parametrize("encoded", [b"", b"\x40", b"\x01\x23", b"\x21"])
def test_hex_prefix_rejects_malformed(encoded: bytes) -> None:
    with pytest.raises(TrieDecodeError):
        hex_prefix_decode(encoded)
