"""RLP item boundaries in a byte stream, with go-ethereum's canonical-size rules.

Channels hold a stream of RLP strings, span batches hold RLP lists back to back, and op-node
reads them with ``rlp.Stream``: each item's header must be canonical (no leading zeros in the
length, long form only for 56+ bytes, a single byte below 0x80 not wrapped in a string header).
Spec: Ethereum yellow paper appendix B; https://specs.optimism.io/protocol/derivation.html#batch-format
"""

from dataclasses import dataclass

from op_program.protocol.batches.errors import BatchDecodeError


class RLPItemTooLargeError(BatchDecodeError):
    """An RLP item whose declared size exceeds the input limit (go ``rlp.ErrValueTooLarge``)."""


@dataclass(frozen=True, slots=True)
class ItemBounds:
    """Where one RLP item sits: header start, payload start and end (exclusive)."""

    is_list: bool
    start: int
    payload_start: int
    end: int


def _long_length(data: bytes, pos: int, size_of_size: int) -> int:
    raw = data[pos : pos + size_of_size]
    if len(raw) < size_of_size:
        raise BatchDecodeError("RLP length truncated")
    if raw[0] == 0:
        raise BatchDecodeError("non-canonical RLP size (leading zero bytes)")
    length = int.from_bytes(raw, "big")
    if length < 56:
        raise BatchDecodeError("non-canonical RLP size (long form for short item)")
    return length


def item_bounds(data: bytes, pos: int, limit: int | None = None) -> ItemBounds:
    """Locate the RLP item that starts at ``pos``.

    ``limit`` (go's input limit) caps the item's total size; ``None`` means the end of data.

    Raises:
        RLPItemTooLargeError: the item is larger than ``limit``.
        BatchDecodeError: empty input, a non-canonical header, or a truncated item.
    """
    if pos >= len(data):
        raise BatchDecodeError("unexpected end of RLP data")
    prefix = data[pos]
    if prefix < 0x80:
        return ItemBounds(False, pos, pos, pos + 1)
    if prefix < 0xB8:
        is_list, head, length = False, 1, prefix - 0x80
        if length == 1 and pos + 1 < len(data) and data[pos + 1] < 0x80:
            raise BatchDecodeError("non-canonical RLP size (single byte in a string header)")
    elif prefix < 0xC0:
        head = 1 + prefix - 0xB7
        is_list, length = False, _long_length(data, pos + 1, prefix - 0xB7)
    elif prefix < 0xF8:
        is_list, head, length = True, 1, prefix - 0xC0
    else:
        head = 1 + prefix - 0xF7
        is_list, length = True, _long_length(data, pos + 1, prefix - 0xF7)
    end = pos + head + length
    if limit is not None and head + length > limit:
        raise RLPItemTooLargeError(f"RLP item of {head + length} bytes exceeds limit {limit}")
    if end > len(data):
        raise BatchDecodeError("RLP item truncated")
    return ItemBounds(is_list, pos, pos + head, end)
