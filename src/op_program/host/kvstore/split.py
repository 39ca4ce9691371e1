"""The split store: local keys from the config, every other key from the global store.

Spec: fault-proof/index.md, "Pre-image key types" (type 1 keys are local to one proof); the
reference host's PreimageSourceSplitter. Local values are never written to the global store,
so a datadir can be shared between proofs of different claims.
"""

from collections.abc import Iterable

from op_program.host.kvstore.base import KV
from op_program.preimage.keys import KeyType


class SplitKV:
    """A :class:`KV` that answers type-1 keys from a fixed table and drops writes of them."""

    __slots__ = ("_global", "_local")

    def __init__(self, local: dict[bytes, bytes], global_kv: KV) -> None:
        self._local = dict(local)
        self._global = global_kv

    def get(self, key: bytes) -> bytes | None:
        """Return the local value of a type-1 key, else the global store's value."""
        if key[:1] == bytes((KeyType.LOCAL,)):
            return self._local.get(key)
        return self._global.get(key)

    def put(self, key: bytes, value: bytes) -> None:
        """Store a non-local key in the global store; local keys are never written."""
        if key[:1] != bytes((KeyType.LOCAL,)):
            self._global.put(key, value)

    def put_many(self, items: Iterable[tuple[bytes, bytes]]) -> None:
        """Store the non-local pairs of ``items`` in the global store."""
        local = bytes((KeyType.LOCAL,))
        self._global.put_many((k, v) for k, v in items if k[:1] != local)

    def close(self) -> None:
        """Close the global store."""
        self._global.close()
