"""Errors of the byte encodings: RLP, hex text and fixed-width binary fields (DESIGN §7).

Every hostile or corrupt input to an ``encoding`` decoder raises one of these, never a foreign
exception (the ``rlp`` package's exceptions are translated in ``encoding.rlp``).
"""

from op_program.errors import DecodeError


class RLPDecodeError(DecodeError):
    """Bytes that are not canonical RLP, or an RLP item of the wrong shape for its field."""


class HexDecodeError(DecodeError):
    """Text that is not the ``0x``-prefixed hex a field requires."""


class BinaryDecodeError(DecodeError):
    """A fixed-width binary read past the end of its input."""


class JSONTextError(DecodeError):
    """Text that is not JSON, or JSON nested deeper than a reader accepts."""
