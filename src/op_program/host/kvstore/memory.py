"""The in-memory preimage store (the reference's MemKV; DESIGN §3 host/kvstore).

Spec: fault-proof/index.md, "Pre-image Oracle". Used when no ``--datadir`` is given (online
only) and by tests; a whole real proof (~60k preimages) fits comfortably.
"""

from collections.abc import Iterable, Iterator


class MemoryKV:
    """A dict-backed store."""

    __slots__ = ("_data",)

    def __init__(self) -> None:
        self._data: dict[bytes, bytes] = {}

    def get(self, key: bytes) -> bytes | None:
        """Return the stored value of ``key`` or None."""
        return self._data.get(key)

    def put(self, key: bytes, value: bytes) -> None:
        """Store ``value`` under ``key``."""
        self._data[bytes(key)] = bytes(value)

    def put_many(self, items: Iterable[tuple[bytes, bytes]]) -> None:
        """Store every pair of ``items``."""
        for key, value in items:
            self._data[bytes(key)] = bytes(value)

    def keys(self) -> Iterator[bytes]:
        """Yield the stored keys."""
        yield from list(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def close(self) -> None:
        """Nothing to release."""
