"""Fixed-width big-endian binary readers for the byte layouts of the protocol (DESIGN §4).

Used by codecs whose fields are packed without framing (hint payloads, local keys, L1-info
calldata, frames). ``Reader`` walks a ``memoryview`` so slicing never copies until a field is
returned.
"""

from op_program.encoding.errors import BinaryDecodeError


def u64_be(value: int) -> bytes:
    """Encode an unsigned 64-bit integer as 8 big-endian bytes."""
    return value.to_bytes(8, "big")


def read_u64_be(data: bytes, offset: int = 0) -> int:
    """Read an unsigned 64-bit big-endian integer at ``offset``.

    Raises:
        BinaryDecodeError: fewer than 8 bytes remain.
    """
    if offset < 0 or offset + 8 > len(data):
        raise BinaryDecodeError(f"u64 at offset {offset} is past the end of {len(data)} bytes")
    return int.from_bytes(data[offset : offset + 8], "big")


class Reader:
    """A cursor over bytes that reads fixed-width fields and fails with a typed error."""

    __slots__ = ("_view", "_pos")

    def __init__(self, data: bytes) -> None:
        self._view = memoryview(data)
        self._pos = 0

    @property
    def position(self) -> int:
        """Offset of the next unread byte."""
        return self._pos

    @property
    def remaining(self) -> int:
        """Number of unread bytes."""
        return len(self._view) - self._pos

    def read(self, size: int) -> bytes:
        """Read exactly ``size`` bytes.

        Raises:
            BinaryDecodeError: fewer than ``size`` bytes remain.
        """
        end = self._pos + size
        if size < 0 or end > len(self._view):
            raise BinaryDecodeError(
                f"read of {size} bytes at offset {self._pos} is past the end of"
                f" {len(self._view)} bytes"
            )
        out = self._view[self._pos : end].tobytes()
        self._pos = end
        return out

    def read_uint(self, size: int) -> int:
        """Read a ``size``-byte unsigned big-endian integer."""
        return int.from_bytes(self.read(size), "big")

    def read_u8(self) -> int:
        """Read one byte as an unsigned integer."""
        return self.read_uint(1)

    def read_u16(self) -> int:
        """Read an unsigned 16-bit big-endian integer."""
        return self.read_uint(2)

    def read_u32(self) -> int:
        """Read an unsigned 32-bit big-endian integer."""
        return self.read_uint(4)

    def read_u64(self) -> int:
        """Read an unsigned 64-bit big-endian integer."""
        return self.read_uint(8)

    def read_rest(self) -> bytes:
        """Read every remaining byte."""
        return self.read(self.remaining)

    def expect_end(self) -> None:
        """Require that every byte was consumed.

        Raises:
            BinaryDecodeError: bytes remain.
        """
        if self.remaining:
            raise BinaryDecodeError(f"{self.remaining} trailing bytes")
