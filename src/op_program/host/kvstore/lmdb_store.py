"""The embedded single-file preimage store: LMDB (``--data.format lmdb``; DESIGN §3).

Spec: fault-proof/index.md, "Pre-image Oracle". Chosen over sqlite3 by ``bench/kvstore_pick.py``
(reads are memory-mapped and copy-free, which is what serving a proof does tens of thousands of
times). The datadir holds ``preimages.lmdb`` (and LMDB's ``preimages.lmdb-lock``). Every write
is one LMDB transaction, so a process killed mid-write leaves the last committed state.
"""

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import lmdb

from op_program.host.errors import KVStoreError

DB_FILE = "preimages.lmdb"
MAP_SIZE = 1 << 40
"""Address space reserved for the map (sparse: the file only grows as data is written)."""


class LmdbKV:
    """A store in one LMDB file inside the datadir."""

    __slots__ = ("_env", "path")

    def __init__(self, root: str | os.PathLike[str], readonly: bool = False) -> None:
        self.path = Path(root) / DB_FILE
        try:
            self._env = lmdb.open(
                str(self.path),
                subdir=False,
                map_size=MAP_SIZE,
                readonly=readonly,
                sync=False,  # durability against OS crashes is not needed: data is refetchable
                metasync=False,
                readahead=False,
                max_dbs=0,
                lock=True,
            )
        except lmdb.Error as exc:
            raise KVStoreError(f"cannot open LMDB store {self.path}: {exc}") from exc

    def get(self, key: bytes) -> bytes | None:
        """Return the value of ``key`` or None."""
        try:
            with self._env.begin(buffers=False) as txn:
                value = txn.get(key)
        except lmdb.Error as exc:
            raise KVStoreError(f"cannot read preimage 0x{key.hex()}: {exc}") from exc
        return None if value is None else bytes(value)

    def put(self, key: bytes, value: bytes) -> None:
        """Store ``value`` under ``key`` in its own transaction."""
        self.put_many(((key, value),))

    def put_many(self, items: Iterable[tuple[bytes, bytes]]) -> None:
        """Store every pair in one transaction."""
        try:
            with self._env.begin(write=True) as txn:
                for key, value in items:
                    txn.put(key, value)
        except lmdb.Error as exc:
            raise KVStoreError(f"cannot write preimages: {exc}") from exc

    def keys(self) -> Iterator[bytes]:
        """Yield every stored key in key order."""
        try:
            with self._env.begin() as txn:
                keys = list(txn.cursor().iternext(keys=True, values=False))
        except lmdb.Error as exc:
            raise KVStoreError(f"cannot list preimages: {exc}") from exc
        yield from (bytes(k) for k in keys)

    def __len__(self) -> int:
        return int(self._env.stat()["entries"])

    def close(self) -> None:
        """Flush and close the environment."""
        try:
            self._env.sync(True)
        except lmdb.Error:
            pass  # read-only environments cannot sync; closing is what matters
        self._env.close()
