"""JSON field readers for config files: typed values out of untrusted JSON, or ConfigError.

Spec: specs/protocol/configurability.md (the values a rollup config carries). Config JSON writes
integers as numbers, decimal strings or ``0x`` quantities, and byte strings as ``0x`` hex; these
readers accept each form and fail with ``ConfigError`` naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from op_program.errors import ConfigError

U64_MAX = (1 << 64) - 1


def as_object(value: object, name: str) -> Mapping[str, Any]:
    """``value`` as a JSON object."""
    if not isinstance(value, Mapping):
        raise ConfigError(f"{name}: expected an object, got {type(value).__name__}")
    return value


def as_int(value: object, name: str, maximum: int = U64_MAX) -> int:
    """A non-negative integer from a JSON number, decimal string or 0x quantity."""
    if isinstance(value, bool):
        raise ConfigError(f"{name}: expected an integer, got a boolean")
    if isinstance(value, int):
        result = value
    elif isinstance(value, str):
        text = value.strip()
        try:
            result = int(text[2:], 16) if text[:2].lower() == "0x" else int(text, 10)
        except ValueError:
            raise ConfigError(f"{name}: not an integer: {value!r}") from None
    else:
        raise ConfigError(f"{name}: expected an integer, got {type(value).__name__}")
    if result < 0 or result > maximum:
        raise ConfigError(f"{name}: {result} is out of range 0..{maximum}")
    return result


def as_bytes(value: object, name: str, length: int, left_pad: bool = False) -> bytes:
    """Exactly ``length`` bytes from 0x hex; ``left_pad`` accepts a shorter quantity."""
    if not isinstance(value, str):
        raise ConfigError(f"{name}: expected a hex string, got {type(value).__name__}")
    text = value[2:] if value[:2].lower() == "0x" else value
    if left_pad:
        text = text.rjust(2 * length, "0")
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raise ConfigError(f"{name}: not valid hex: {value!r}") from None
    if len(raw) != length:
        raise ConfigError(f"{name}: expected {length} bytes, got {len(raw)}")
    return raw


def get(obj: Mapping[str, Any], *names: str) -> object:
    """The first present, non-null value among ``names`` (aliases), else None."""
    for name in names:
        value = obj.get(name)
        if value is not None:
            return value
    return None


def require(obj: Mapping[str, Any], *names: str) -> object:
    """Like ``get`` but a missing field is a ConfigError."""
    value = get(obj, *names)
    if value is None:
        raise ConfigError(f"missing field {names[0]!r}")
    return value


def opt_int(obj: Mapping[str, Any], *names: str, maximum: int = U64_MAX) -> int | None:
    """An optional integer field (absent or null → None)."""
    value = get(obj, *names)
    return None if value is None else as_int(value, names[0], maximum)


def req_int(obj: Mapping[str, Any], *names: str, maximum: int = U64_MAX) -> int:
    """A required integer field."""
    return as_int(require(obj, *names), names[0], maximum)


def req_address(obj: Mapping[str, Any], *names: str) -> bytes:
    """A required 20-byte address field."""
    return as_bytes(require(obj, *names), names[0], 20)


def opt_address(obj: Mapping[str, Any], *names: str) -> bytes | None:
    """An optional 20-byte address field."""
    value = get(obj, *names)
    return None if value is None else as_bytes(value, names[0], 20)


def hex_int(value: int) -> str:
    """An integer as a 0x quantity."""
    return hex(value)


def hex_bytes(value: bytes) -> str:
    """Bytes as 0x hex."""
    return "0x" + value.hex()
