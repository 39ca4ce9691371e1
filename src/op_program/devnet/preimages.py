"""Preimage store: every value a proof may ask for, keyed exactly as the client asks for it.

Spec: fault-proof/index.md, "Pre-image key types" (local, keccak256, sha256, blob) and
"Bootstrapping" (local keys 1-7, 9). The devnet fills one store with its L1 and L2 data and the
boot inputs; the client reads it in-process, or the host serves it from a datadir.
"""

from collections.abc import Iterable, Iterator

from op_program.devnet.errors import MissingPreimageError
from op_program.encoding.hashing import keccak256, sha256
from op_program.preimage.blob_roots import blob_evaluation_points
from op_program.preimage.keys import blob_key, keccak256_key, local_key, sha256_key

FIELD_ELEMENT_SIZE = 32


class PreimageStore:
    """A key → preimage dictionary with helpers per key type; ``get`` is the client's source."""

    __slots__ = ("_values", "requests")

    def __init__(self) -> None:
        self._values: dict[bytes, bytes] = {}
        self.requests = 0

    def __len__(self) -> int:
        return len(self._values)

    def __contains__(self, key: object) -> bool:
        return key in self._values

    def items(self) -> Iterator[tuple[bytes, bytes]]:
        """Every (key, value) pair, in insertion order."""
        return iter(self._values.items())

    def put(self, key: bytes, value: bytes) -> None:
        """Store ``value`` under a ready-made 32-byte key."""
        self._values[key] = value

    def add_keccak(self, value: bytes) -> bytes:
        """Store a keccak256 preimage; return its hash."""
        digest = keccak256(value)
        self._values[keccak256_key(digest)] = value
        return digest

    def add_keccak_all(self, values: Iterable[bytes]) -> None:
        """Store many keccak256 preimages."""
        for value in values:
            self.add_keccak(value)

    def add_local(self, index: int, value: bytes) -> None:
        """Store a local (boot) input."""
        self._values[local_key(index)] = value

    def add_blob(self, commitment: bytes, blob: bytes) -> None:
        """Store a blob's commitment (by versioned hash) and its field elements (by root)."""
        versioned_hash = b"\x01" + sha256(commitment)[1:]
        self._values[sha256_key(versioned_hash)] = commitment
        for index, z in enumerate(blob_evaluation_points()):
            start = index * FIELD_ELEMENT_SIZE
            self._values[blob_key(commitment, z)] = blob[start : start + FIELD_ELEMENT_SIZE]

    def update(self, other: "PreimageStore") -> None:
        """Copy every preimage of ``other`` into this store."""
        self._values.update(other._values)

    def copy(self) -> "PreimageStore":
        """A shallow copy (boot inputs can then differ per proof)."""
        out = PreimageStore()
        out._values = dict(self._values)
        return out

    def get(self, key: bytes) -> bytes:
        """Return the preimage of ``key`` (the client's ``PreimageSource``).

        Raises:
            MissingPreimageError: the store does not hold ``key``.
        """
        self.requests += 1
        value = self._values.get(key)
        if value is None:
            raise MissingPreimageError(f"no preimage for key 0x{key.hex()}")
        return value
