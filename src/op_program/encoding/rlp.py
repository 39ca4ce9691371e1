"""RLP (Recursive Length Prefix) through the ``rlp`` package, with typed errors.

Spec: Ethereum yellow paper, appendix B. Decoding is strict and canonical (no trailing bytes, no
non-minimal length prefixes, no leading zeros in integers), so a decoded value re-encodes to the
exact input bytes. The ``rlp`` package's exceptions are translated here, once.
"""

from collections.abc import Sequence
from typing import TypeAlias

import rlp as _rlp

from op_program.encoding.errors import RLPDecodeError

RLPItem: TypeAlias = "bytes | list[RLPItem]"
"""A decoded RLP item: a byte string or a list of items."""

RLPEncodable: TypeAlias = "bytes | int | Sequence[RLPEncodable]"
"""A value ``rlp_encode`` accepts: bytes, a non-negative int, or a sequence of those."""

_FOREIGN_ERRORS = (_rlp.exceptions.RLPException, IndexError, ValueError, TypeError)


def rlp_decode(raw: bytes) -> RLPItem:
    """Decode one canonical RLP item that spans all of ``raw``.

    Raises:
        RLPDecodeError: the bytes are not exactly one canonical RLP item.
    """
    if not raw:
        raise RLPDecodeError("empty input is not an RLP item")
    try:
        item: RLPItem = _rlp.decode(raw, strict=True)
    except RecursionError as exc:
        raise RLPDecodeError("RLP nesting too deep") from exc
    except _FOREIGN_ERRORS as exc:
        raise RLPDecodeError(f"invalid RLP: {exc}") from exc
    return item


def rlp_decode_list(raw: bytes, what: str = "RLP list") -> list[RLPItem]:
    """Decode ``raw`` as one canonical RLP list.

    Raises:
        RLPDecodeError: not canonical RLP, or a byte string instead of a list.
    """
    item = rlp_decode(raw)
    if not isinstance(item, list):
        raise RLPDecodeError(f"{what}: expected an RLP list, got a byte string")
    return item


def rlp_encode(value: RLPEncodable) -> bytes:
    """Encode bytes, non-negative ints and (nested) sequences of them as RLP.

    Encoding is written out here rather than calling ``rlp.encode``: it measured ~5x faster on
    transaction payloads (no sedes inference) and is property-tested equal to ``rlp.encode``.

    Raises:
        ValueError: a negative integer.
        TypeError: a value that is not bytes, int or a sequence of them (``str`` included).
    """
    if isinstance(value, bytes | bytearray):
        if len(value) == 1 and value[0] < 0x80:
            return bytes(value)
        return _length_prefix(len(value), 0x80) + value
    if isinstance(value, int):
        if value < 0:
            raise ValueError("RLP cannot encode negative integers")
        if value < 0x80:
            return bytes((value,)) if value else b"\x80"
        data = value.to_bytes((value.bit_length() + 7) // 8, "big")
        return _length_prefix(len(data), 0x80) + data
    if isinstance(value, list | tuple) or (
        isinstance(value, Sequence) and not isinstance(value, str)
    ):
        payload = b"".join([rlp_encode(item) for item in value])
        return _length_prefix(len(payload), 0xC0) + payload
    raise TypeError(f"cannot RLP-encode {type(value).__name__}")


def encode_bytes_item(data: bytes) -> bytes:
    """RLP-encode one byte string (a fast path for hand-assembled lists, e.g. trie nodes)."""
    size = len(data)
    if size == 1 and data[0] < 0x80:
        return data
    return _length_prefix(size, 0x80) + data


def encode_list_payload(encoded_items: bytes) -> bytes:
    """Wrap the concatenated RLP encodings of a list's items in the list's length prefix."""
    return _length_prefix(len(encoded_items), 0xC0) + encoded_items


def _length_prefix(size: int, offset: int) -> bytes:
    if size < 56:
        return bytes((offset + size,))
    size_bytes = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes((offset + 55 + len(size_bytes),)) + size_bytes


def as_list(item: RLPItem, what: str, length: int | None = None) -> list[RLPItem]:
    """Require an RLP list, optionally of exactly ``length`` items.

    Raises:
        RLPDecodeError: a byte string, or a list of another length.
    """
    if not isinstance(item, list):
        raise RLPDecodeError(f"{what}: expected an RLP list, got a byte string")
    if length is not None and len(item) != length:
        raise RLPDecodeError(f"{what}: expected {length} items, got {len(item)}")
    return item


def as_bytes(item: RLPItem, what: str) -> bytes:
    """Require an RLP byte string.

    Raises:
        RLPDecodeError: the item is a list.
    """
    if not isinstance(item, bytes):
        raise RLPDecodeError(f"{what}: expected a byte string, got a list")
    return item


def as_fixed(item: RLPItem, length: int, what: str) -> bytes:
    """Require an RLP byte string of exactly ``length`` bytes (hashes, addresses, blooms).

    Raises:
        RLPDecodeError: a list, or a string of another length.
    """
    if not isinstance(item, bytes) or len(item) != length:
        raise RLPDecodeError(f"{what}: expected {length} bytes")
    return item


def as_address_or_none(item: RLPItem, what: str) -> bytes | None:
    """Decode a transaction ``to`` field: 20 bytes, or empty for contract creation.

    Raises:
        RLPDecodeError: a list, or a string that is neither empty nor 20 bytes.
    """
    if item == b"":
        return None
    return as_fixed(item, 20, what)


def as_uint(item: RLPItem, what: str, max_bits: int = 256) -> int:
    """Decode a canonical RLP unsigned integer (no leading zero bytes) of at most ``max_bits``.

    Raises:
        RLPDecodeError: a list, leading zero bytes, or a value wider than ``max_bits``.
    """
    if not isinstance(item, bytes):
        raise RLPDecodeError(f"{what}: expected an integer, got a list")
    if item[:1] == b"\x00":
        raise RLPDecodeError(f"{what}: non-canonical integer (leading zero bytes)")
    if len(item) * 8 > max_bits:
        raise RLPDecodeError(f"{what}: integer wider than {max_bits} bits")
    return int.from_bytes(item, "big")


def as_bool(item: RLPItem, what: str) -> bool:
    """Decode an RLP boolean: empty string is false, ``0x01`` is true.

    Raises:
        RLPDecodeError: any other value.
    """
    if item == b"":
        return False
    if item == b"\x01":
        return True
    raise RLPDecodeError(f"{what}: invalid boolean")
