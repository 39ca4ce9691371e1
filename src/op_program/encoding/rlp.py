"""RLP (Recursive Length Prefix): our own linear decoder and encoder, with typed errors.

Spec: Ethereum yellow paper, appendix B. Decoding is strict and canonical (no trailing bytes, no
non-minimal length prefixes, no single byte below 0x80 wrapped in a string header), so a decoded
value re-encodes to the exact input bytes.

Why not ``rlp.decode``: the ``rlp`` package builds every list by concatenating its items'
encodings one at a time, which is quadratic in the number of items. L1 data is attacker-controlled
(issue 11): a 1 KB zlib channel holding a singular batch whose transaction list is 1M empty lists
took ~60 s to decode. The decoder below does constant work per byte (one pass, an explicit stack
instead of recursion) and is property-tested equal to ``rlp.decode`` on valid input and in its
accept/reject decisions on invalid input (tests/unit/encoding/test_rlp_decoder.py).
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Final, TypeAlias

from op_program.encoding.errors import RLPDecodeError

RLPItem: TypeAlias = "bytes | list[RLPItem]"
"""A decoded RLP item: a byte string or a list of items."""

RLPEncodable: TypeAlias = "bytes | int | Sequence[RLPEncodable]"
"""A value ``rlp_encode`` accepts: bytes, a non-negative int, or a sequence of those."""

MAX_RLP_DEPTH: Final = 256
"""Deepest list nesting accepted. No format we decode nests deeper than 4 (an access list inside
a transaction, topics inside a log inside a receipt), and every typed consumer rejects deeper
shapes; the bound keeps deep nests away from code that recurses over decoded items (``repr``,
equality), which under py_ecc's raised recursion limit could overflow the C stack."""


def rlp_header(data: bytes, pos: int, end: int) -> tuple[bool, int, int]:
    """Read the canonical RLP header at ``pos``; the item must end at or before ``end``.

    Returns ``(is_list, payload_start, payload_end)``; for a single byte below 0x80 the payload
    is that byte itself.

    Raises:
        RLPDecodeError: a truncated header or item, or a non-canonical header.
    """
    if pos >= end:
        raise RLPDecodeError("unexpected end of RLP data")
    prefix = data[pos]
    if prefix < 0x80:
        return False, pos, pos + 1
    if prefix < 0xB8:
        start, length, is_list = pos + 1, prefix - 0x80, False
        if length == 1 and start < end and data[start] < 0x80:
            raise RLPDecodeError("non-canonical RLP: single byte below 0x80 in a string header")
    elif prefix < 0xC0:
        (start, length), is_list = _long_form(data, pos, end, prefix - 0xB7), False
    elif prefix < 0xF8:
        start, length, is_list = pos + 1, prefix - 0xC0, True
    else:
        (start, length), is_list = _long_form(data, pos, end, prefix - 0xF7), True
    stop = start + length
    if stop > end:
        raise RLPDecodeError("RLP item truncated (or longer than its enclosing list)")
    return is_list, start, stop


def _long_form(data: bytes, pos: int, end: int, size_of_size: int) -> tuple[int, int]:
    start = pos + 1 + size_of_size
    if start > end:
        raise RLPDecodeError("RLP length truncated")
    if data[pos + 1] == 0:
        raise RLPDecodeError("non-canonical RLP size (leading zero bytes)")
    length = int.from_bytes(data[pos + 1 : start], "big")
    if length < 56:
        raise RLPDecodeError("non-canonical RLP size (long form for a short item)")
    return start, length


def rlp_decode(raw: bytes) -> RLPItem:
    """Decode one canonical RLP item that spans all of ``raw``, in time linear in its length.

    The loop reads headers inline rather than through ``rlp_header`` (a proof decodes ~35k
    items: trie nodes, receipts, transactions; the inline loop is ~2x faster); both apply the
    same canonical rules and are property-tested against the ``rlp`` package.

    Raises:
        RLPDecodeError: the bytes are not exactly one canonical RLP item, or nest deeper than
            ``MAX_RLP_DEPTH``.
    """
    if not raw:
        raise RLPDecodeError("empty input is not an RLP item")
    data = raw if type(raw) is bytes else bytes(raw)
    items = _decode_items(data, 0, len(data), 0)
    if len(items) != 1:
        raise RLPDecodeError("RLP item followed by trailing bytes")
    return items[0]


def _decode_items(data: bytes, pos: int, end: int, depth: int) -> list[RLPItem]:
    """Decode the consecutive items in ``data[pos:end]`` (a list's payload, or the input).

    Recursion is bounded by ``MAX_RLP_DEPTH``, far below any interpreter limit.
    """
    if depth > MAX_RLP_DEPTH:
        raise RLPDecodeError(f"RLP nesting deeper than {MAX_RLP_DEPTH}")
    out: list[RLPItem] = []
    append = out.append
    while pos < end:
        first = data[pos]
        if first < 0x80:
            append(data[pos : pos + 1])
            pos += 1
            continue
        if first < 0xB8:
            start = pos + 1
            pos = start + first - 0x80
            if pos > end:
                raise RLPDecodeError("RLP item truncated (or longer than its enclosing list)")
            if first == 0x81 and data[start] < 0x80:
                raise RLPDecodeError(
                    "non-canonical RLP: single byte below 0x80 in a string header")
            append(data[start:pos])
        elif first < 0xC0:
            start, size = _long_form(data, pos, end, first - 0xB7)
            pos = start + size
            if pos > end:
                raise RLPDecodeError("RLP item truncated (or longer than its enclosing list)")
            append(data[start:pos])
        else:
            if first < 0xF8:
                start = pos + 1
                pos = start + first - 0xC0
            else:
                start, size = _long_form(data, pos, end, first - 0xF7)
                pos = start + size
            if pos > end:
                raise RLPDecodeError("RLP item truncated (or longer than its enclosing list)")
            append(_decode_items(data, start, pos, depth + 1))
    return out


def iter_rlp_items(data: bytes, start: int, stop: int) -> Iterator[tuple[bool, int, int]]:
    """Yield the header ``(is_list, payload_start, payload_end)`` of each item of a list payload.

    Lets a decoder check a list's shape item by item before (or instead of) building objects.

    Raises:
        RLPDecodeError: a non-canonical or truncated item header.
    """
    pos = start
    while pos < stop:
        header = rlp_header(data, pos, stop)
        yield header
        pos = header[2]


def rlp_fields(data: bytes, count: int, what: str) -> list[tuple[bool, int, int]]:
    """Read ``data`` as one RLP list of exactly ``count`` items and return their headers.

    Raises:
        RLPDecodeError: not one canonical list spanning ``data``, or another number of items.
    """
    if not data:
        raise RLPDecodeError(f"{what}: empty input is not an RLP item")
    is_list, start, stop = rlp_header(data, 0, len(data))
    if stop != len(data):
        raise RLPDecodeError(f"{what}: RLP item followed by {len(data) - stop} trailing bytes")
    if not is_list:
        raise RLPDecodeError(f"{what}: expected an RLP list, got a byte string")
    fields: list[tuple[bool, int, int]] = []
    for header in iter_rlp_items(data, start, stop):
        if len(fields) == count:
            raise RLPDecodeError(f"{what}: expected {count} items, got more")
        fields.append(header)
    if len(fields) != count:
        raise RLPDecodeError(f"{what}: expected {count} items, got {len(fields)}")
    return fields


@dataclass(frozen=True, slots=True)
class ListOf:
    """An RLP shape: a list of any length whose items all have shape ``item``."""

    item: "RLPShape"


RLPShape: TypeAlias = "None | ListOf | tuple[RLPShape, ...]"
"""The shape a decoder expects: ``None`` a byte string, ``ListOf`` a homogeneous list, a tuple a
list of exactly those items in order."""


def check_rlp_shape(data: bytes, shape: RLPShape, what: str) -> None:
    """Check that ``data`` is one canonical RLP item of ``shape``, reading headers only.

    Decoders of attacker-supplied RLP call this before ``rlp_decode``: a wrong shape is then
    rejected at its first bad header, before any Python object is built (issue 11: a list of
    millions of empty lists costs ~60 bytes of memory per input byte once decoded).

    Raises:
        RLPDecodeError: not one canonical item spanning ``data``, or not of ``shape``.
    """
    if not data:
        raise RLPDecodeError(f"{what}: empty input is not an RLP item")
    header = rlp_header(data, 0, len(data))
    if header[2] != len(data):
        raise RLPDecodeError(f"{what}: RLP item followed by {len(data) - header[2]} trailing bytes")
    _check_shape(data, header, shape, what)


def _check_shape(data: bytes, header: tuple[bool, int, int], shape: RLPShape, what: str) -> None:
    is_list, start, stop = header
    if shape is None:
        if is_list:
            raise RLPDecodeError(f"{what}: expected a byte string, got a list")
        return
    if not is_list:
        raise RLPDecodeError(f"{what}: expected an RLP list, got a byte string")
    if isinstance(shape, ListOf):
        for item in iter_rlp_items(data, start, stop):
            _check_shape(data, item, shape.item, what)
        return
    count = 0
    for item in iter_rlp_items(data, start, stop):
        if count == len(shape):
            raise RLPDecodeError(f"{what}: expected {len(shape)} items, got more")
        _check_shape(data, item, shape[count], what)
        count += 1
    if count != len(shape):
        raise RLPDecodeError(f"{what}: expected {len(shape)} items, got {count}")


def rlp_list_strings(data: bytes, start: int, stop: int, what: str) -> list[bytes]:
    """Decode the payload ``data[start:stop]`` of an RLP list whose items must all be strings.

    Shape-directed: a nested list is rejected as soon as its header is read, so a hostile list
    of millions of empty lists costs one header read, not millions of Python lists.

    Raises:
        RLPDecodeError: a non-canonical or truncated item, or an item that is a list.
    """
    out: list[bytes] = []
    pos = start
    while pos < stop:
        is_list, item_start, item_stop = rlp_header(data, pos, stop)
        if is_list:
            raise RLPDecodeError(f"{what}: expected a byte string, got a list")
        out.append(data[item_start:item_stop])
        pos = item_stop
    return out


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
