"""Hex text at the edges: JSON, JSON-RPC, hint strings and logs (DESIGN §7).

JSON-RPC quantities are ``0x``-prefixed big-endian numbers without leading zeros; data fields are
``0x``-prefixed even-length byte strings. Parsing is lenient about case and about leading zeros
in quantities (real nodes and fixtures differ), strict about everything else.
"""

from op_program.encoding.errors import HexDecodeError

_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


def _strip_prefix(text: str) -> str:
    if not isinstance(text, str):
        raise HexDecodeError(f"expected a hex string, got {type(text).__name__}")
    if text[:2] not in ("0x", "0X"):
        raise HexDecodeError(f"hex string without 0x prefix: {text[:20]!r}")
    return text[2:]


def hex_to_bytes(text: str, length: int | None = None) -> bytes:
    """Parse ``0x``-prefixed hex data into bytes, optionally requiring an exact byte length.

    Raises:
        HexDecodeError: not a string, no prefix, odd length, non-hex digit, or wrong length.
    """
    body = _strip_prefix(text)
    try:
        data = bytes.fromhex(body)
    except ValueError as exc:
        raise HexDecodeError(f"invalid hex data: {text[:40]!r}") from exc
    # bytes.fromhex skips whitespace between bytes; the wire format never has any.
    if len(body) != 2 * len(data):
        raise HexDecodeError(f"invalid hex data: {text[:40]!r}")
    if length is not None and len(data) != length:
        raise HexDecodeError(f"expected {length} bytes of hex, got {len(data)}")
    return data


def hex_to_int(text: str) -> int:
    """Parse a ``0x``-prefixed hex quantity (``"0x0"``, ``"0x1a"``) into a non-negative int.

    Raises:
        HexDecodeError: not a string, no prefix, empty, or non-hex digits.
    """
    body = _strip_prefix(text)
    if not body or not _HEX_DIGITS.issuperset(body):
        raise HexDecodeError(f"invalid hex quantity: {text[:40]!r}")
    return int(body, 16)


def bytes_to_hex(data: bytes) -> str:
    """Format bytes as ``0x``-prefixed lower-case hex data."""
    return "0x" + data.hex()


def int_to_hex(value: int) -> str:
    """Format a non-negative int as a JSON-RPC hex quantity (``0x0``, ``0x1a``)."""
    if value < 0:
        raise ValueError("hex quantities are non-negative")
    return hex(value)
