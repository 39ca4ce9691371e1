"""Span-batch primitives: protobuf uvarints and standard bitlists (delta/span-batches.md).

Spec: https://specs.optimism.io/protocol/delta/span-batches.html#span-batch-format — "standard
bitlists are encoded as big-endian integers, left-padded with zeroes to the next multiple of 8
bits"; bit ``i`` of the integer belongs to element ``i``. Uvarints follow Go's
``binary.ReadUvarint``: at most 10 bytes, value below 2**64, non-minimal forms accepted.
"""

from typing import Final

from op_program.protocol.batches.errors import BatchDecodeError

_MAX_VARINT_LEN: Final = 10


class ByteCursor:
    """A read position over a byte string; every read past the end raises ``BatchDecodeError``."""

    __slots__ = ("data", "pos")

    def __init__(self, data: bytes, pos: int = 0) -> None:
        self.data = data
        self.pos = pos

    def remaining(self) -> int:
        """Number of unread bytes."""
        return len(self.data) - self.pos

    def read(self, size: int, what: str) -> bytes:
        """Read exactly ``size`` bytes."""
        end = self.pos + size
        if end > len(self.data):
            raise BatchDecodeError(f"failed to read {what}: unexpected end of data")
        out = self.data[self.pos : end]
        self.pos = end
        return out

    def read_uvarint(self, what: str) -> int:
        """Read one unsigned varint (Go ``binary.ReadUvarint`` rules)."""
        value = 0
        shift = 0
        data = self.data
        for index in range(_MAX_VARINT_LEN):
            if self.pos >= len(data):
                raise BatchDecodeError(f"failed to read {what}: unexpected end of data")
            byte = data[self.pos]
            self.pos += 1
            if byte < 0x80:
                if index == _MAX_VARINT_LEN - 1 and byte > 1:
                    break
                return value | (byte << shift)
            value |= (byte & 0x7F) << shift
            shift += 7
        raise BatchDecodeError(f"failed to read {what}: varint overflows a 64-bit integer")

    def read_bits(self, bit_length: int, what: str) -> int:
        """Read a standard bitlist of ``bit_length`` bits as an int (bit i = element i)."""
        raw = self.read((bit_length + 7) // 8, what)
        bits = int.from_bytes(raw, "big")
        if bits.bit_length() > bit_length:
            raise BatchDecodeError(f"{what}: bitfield has more than {bit_length} bits")
        return bits


def encode_uvarint(value: int) -> bytes:
    """Encode a non-negative integer below 2**64 as a minimal uvarint."""
    if not 0 <= value < 1 << 64:
        raise ValueError("uvarint out of range")
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def encode_bits(bits: int, bit_length: int) -> bytes:
    """Encode a bitlist of ``bit_length`` bits, left-padded to whole bytes."""
    if bits < 0 or bits.bit_length() > bit_length:
        raise ValueError("bitfield is larger than its bit length")
    return bits.to_bytes((bit_length + 7) // 8, "big")


def bits_from_flags(flags: "list[bool] | tuple[bool, ...]") -> int:
    """Pack booleans into a bitlist integer (flag i becomes bit i)."""
    value = 0
    for index, flag in enumerate(flags):
        if flag:
            value |= 1 << index
    return value


def bit(bits: int, index: int) -> int:
    """Return bit ``index`` of a bitlist integer.

    One shift of the whole integer: fine for one bit, quadratic in a loop over all of them
    (use ``bit_flags``).
    """
    return (bits >> index) & 1


_FLAGS_OF_BYTE = [bytes((value >> k) & 1 for k in range(8)) for value in range(256)]


def bit_flags(bits: int, bit_length: int) -> bytes:
    """Return every bit of a bitlist as one byte each (``flags[i]`` is bit ``i``: 0 or 1).

    Linear in ``bit_length``: a span batch's origin bits have one bit per block (up to
    ``MAX_SPAN_BATCH_ELEMENT_COUNT``), and shifting the integer once per block took 115 s for
    2M blocks (issue 11).
    """
    raw = bits.to_bytes((bit_length + 7) // 8, "little")
    return b"".join(map(_FLAGS_OF_BYTE.__getitem__, raw))[:bit_length]
