"""The in-memory preimage store (the reference's MemKV; DESIGN §3 host/kvstore).

Spec: fault-proof/index.md, "Pre-image Oracle". Used when no ``--datadir`` is given (online
only) and by tests; a whole real proof (~60k preimages) fits comfortably.
"""

from collections.abc import Iterable, Iterator


class MemoryKV:
    """A dict-backed store.

    ``value_bytes`` is the size of the values it holds: a memory bound for long-lived stores
    such as ``witness generate``'s range cache.
    """

    __slots__ = ("_data", "value_bytes")

    def __init__(self) -> None:
        self._data: dict[bytes, bytes] = {}
        self.value_bytes = 0

    def get(self, key: bytes) -> bytes | None:
        """Return the stored value of ``key`` or None."""
        return self._data.get(key)

    def put(self, key: bytes, value: bytes) -> None:
        """Store ``value`` under ``key``."""
        self.put_many(((key, value),))

    def put_many(self, items: Iterable[tuple[bytes, bytes]]) -> None:
        """Store every pair of ``items``."""
        data = self._data
        for key, value in items:
            stored = bytes(key)
            old = data.get(stored)
            data[stored] = bytes(value)
            self.value_bytes += len(value) - (0 if old is None else len(old))

    def keys(self) -> Iterator[bytes]:
        """Yield the stored keys."""
        yield from list(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def close(self) -> None:
        """Nothing to release."""
