"""The preimage key-value store interface and the on-disk data formats (DESIGN §4).

Spec: fault-proof/index.md, "Pre-image Oracle" (the host answers keys from a store). Stores map
32-byte typed keys to values; ``get`` returns None on a miss (a miss is the common case while
prefetching, so it is not an exception).
"""

from collections.abc import Iterable, Iterator
from enum import StrEnum
from typing import Protocol


class DataFormat(StrEnum):
    """A datadir format, as recorded in ``<datadir>/kvformat``.

    ``directory`` and ``file`` are the reference op-program layouts; ``lmdb`` is this project's
    single-file embedded store (the reference's ``pebble`` cannot be read here).
    """

    DIRECTORY = "directory"
    FILE = "file"
    LMDB = "lmdb"


class KV(Protocol):
    """A preimage store."""

    def get(self, key: bytes) -> bytes | None:
        """Return the value stored under ``key``, or None."""
        ...

    def put(self, key: bytes, value: bytes) -> None:
        """Store ``value`` under ``key`` (overwriting is allowed: values are content-bound)."""
        ...

    def put_many(self, items: Iterable[tuple[bytes, bytes]]) -> None:
        """Store several pairs, in one transaction where the store has them."""
        ...

    def close(self) -> None:
        """Release the store's resources."""
        ...


class IterableKV(KV, Protocol):
    """A store that can list what it holds (for export and verification)."""

    def keys(self) -> Iterator[bytes]:
        """Yield every stored key once, in no particular order."""
        ...
