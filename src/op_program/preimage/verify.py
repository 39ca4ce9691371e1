"""Verification of preimages against their keys (DESIGN §5: the client trusts nothing).

keccak256 (type 2) and sha256 (type 4) values are re-hashed and compared with the key's last 31
bytes. Local, blob and precompile values cannot be checked from the key alone and pass through.
Spec: fault-proof/index.md, "Pre-image key types".
"""

from op_program.encoding.hashing import keccak256, sha256
from op_program.preimage.errors import PreimageMismatchError
from op_program.preimage.keys import KeyType, key_type_of
from op_program.preimage.oracle import PreimageOracle
from op_program.preimage.server import PreimageGetter


def verify_preimage(key: bytes, value: bytes) -> None:
    """Check ``value`` against ``key``.

    Raises:
        InvalidKeyError: ``key`` is malformed or of an unsupported type.
        PreimageMismatchError: a keccak256 or sha256 value does not hash to its key (it is also
            an ``InvalidPreimageError``).
    """
    key_type = key_type_of(key)
    if key_type is KeyType.KECCAK256:
        digest = keccak256(value)
    elif key_type is KeyType.SHA256:
        digest = sha256(value)
    else:
        return
    if digest[1:] != key[1:]:
        raise PreimageMismatchError(
            f"{key_type.name.lower()} preimage of key 0x{bytes(key).hex()} hashes to "
            f"0x{digest.hex()} ({len(value)} bytes)"
        )


class VerifyingOracle:
    """A :class:`PreimageOracle` that checks every value its inner oracle returns."""

    __slots__ = ("_inner",)

    def __init__(self, inner: PreimageOracle) -> None:
        self._inner = inner

    def get(self, key: bytes) -> bytes:
        """Return the inner oracle's preimage of ``key`` after :func:`verify_preimage`."""
        value = self._inner.get(key)
        verify_preimage(key, value)
        return value


def verifying_getter(getter: PreimageGetter) -> PreimageGetter:
    """Wrap a host-side getter so it never serves a value that does not match its key."""

    def get_verified(key: bytes) -> bytes:
        value = getter(key)
        verify_preimage(key, value)
        return value

    return get_verified
