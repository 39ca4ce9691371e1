"""Typed 32-byte preimage keys (fault-proof/index.md, "Pre-image key types").

A key is 32 bytes; byte 0 is its type, the other 31 bytes identify the preimage. Constructors
return raw ``bytes`` (the wire form); :func:`parse_key` checks a key and splits it.
"""

from dataclasses import dataclass
from enum import IntEnum
from typing import Final

from op_program.encoding.hashing import keccak256
from op_program.preimage.errors import InvalidKeyError

KEY_LENGTH: Final = 32
_U64_MAX: Final = 2**64 - 1


class KeyType(IntEnum):
    """The type byte of a preimage key that this program uses.

    Type 0 is illegal, type 3 (global generic) is reserved and unused, 7..255 are reserved or
    application-defined: all of them are rejected by :func:`parse_key`.
    """

    LOCAL = 1
    KECCAK256 = 2
    SHA256 = 4
    BLOB = 5
    PRECOMPILE = 6


@dataclass(frozen=True, slots=True)
class PreimageKey:
    """A parsed preimage key: its type and the 31 bytes that follow the type byte."""

    key_type: KeyType
    body: bytes

    @property
    def key_value(self) -> int:
        """The 31-byte body as a big-endian integer (kona's ``key_value``)."""
        return int.from_bytes(self.body, "big")

    @property
    def raw(self) -> bytes:
        """The 32-byte wire form of the key."""
        return bytes((self.key_type,)) + self.body


def _typed(key_type: KeyType, digest: bytes) -> bytes:
    return bytes((key_type,)) + digest[1:]


def _require_len(name: str, value: bytes, length: int) -> None:
    if len(value) != length:
        raise InvalidKeyError(f"{name} must be {length} bytes, got {len(value)}")


def local_key(index: int) -> bytes:
    """Return the local key of boot input ``index``: ``0x01 ‖ 23 zero bytes ‖ u64_be(index)``."""
    if not 0 <= index <= _U64_MAX:
        raise InvalidKeyError(f"local key index out of u64 range: {index}")
    return b"\x01" + bytes(23) + index.to_bytes(8, "big")


def keccak256_key(hash32: bytes) -> bytes:
    """Return the key of the preimage whose keccak256 is ``hash32``: ``0x02 ‖ hash[1:]``."""
    _require_len("keccak256 hash", hash32, 32)
    return _typed(KeyType.KECCAK256, hash32)


def sha256_key(hash32: bytes) -> bytes:
    """Return the key of the preimage whose sha256 is ``hash32``: ``0x04 ‖ hash[1:]``.

    For blobs the hash is the versioned hash; only its first byte (the version) differs from
    sha256(commitment), and that byte is overwritten by the type.
    """
    _require_len("sha256 hash", hash32, 32)
    return _typed(KeyType.SHA256, hash32)


def blob_key(commitment: bytes, z: bytes) -> bytes:
    """Return the key of a blob field element: ``0x05 ‖ keccak256(commitment ‖ z)[1:]``.

    Args:
        commitment: the 48-byte KZG commitment of the blob.
        z: the 32-byte big-endian evaluation point (see ``blob_roots``), not the index.
    """
    _require_len("KZG commitment", commitment, 48)
    _require_len("evaluation point z", z, 32)
    return _typed(KeyType.BLOB, keccak256(commitment + z))


def precompile_key(address: bytes, required_gas: int, input_data: bytes) -> bytes:
    """Return the key of a precompile result.

    The key is ``0x06 ‖ keccak256(address ‖ u64_be(required_gas) ‖ input)[1:]`` (op-program's
    ``l1-precompile-v2`` scheme).
    """
    _require_len("precompile address", address, 20)
    if not 0 <= required_gas <= _U64_MAX:
        raise InvalidKeyError(f"required gas out of u64 range: {required_gas}")
    return _typed(
        KeyType.PRECOMPILE, keccak256(address + required_gas.to_bytes(8, "big") + input_data)
    )


def key_type_of(key: bytes) -> KeyType:
    """Return the type of a 32-byte key; raise :class:`InvalidKeyError` for any other key."""
    if len(key) != KEY_LENGTH:
        raise InvalidKeyError(f"preimage key must be 32 bytes, got {len(key)}")
    # A dict lookup, not KeyType(byte): this runs for every served preimage (~36k a proof).
    key_type = _KEY_TYPES.get(key[0])
    if key_type is None:
        raise InvalidKeyError(f"invalid key type 0x{key[0]:02x} (key 0x{bytes(key).hex()})")
    return key_type


_KEY_TYPES = {key_type.value: key_type for key_type in KeyType}


def parse_key(key: bytes) -> PreimageKey:
    """Split a 32-byte wire key into its type and body, rejecting unsupported types."""
    return PreimageKey(key_type_of(key), bytes(key[1:]))


def local_index(key: bytes) -> int:
    """Return the u64 index of a local key built by :func:`local_key`."""
    if key_type_of(key) is not KeyType.LOCAL or any(key[1:24]):
        raise InvalidKeyError(f"not an indexed local key: 0x{bytes(key).hex()}")
    return int.from_bytes(key[24:], "big")
