"""The embedded single-file preimage store: LMDB (``--data.format lmdb``; DESIGN §3).

Spec: fault-proof/index.md, "Pre-image Oracle". Chosen over sqlite3 by ``bench/kvstore_pick.py``
(reads are memory-mapped and copy-free, which is what serving a proof does tens of thousands of
times). The datadir holds ``preimages.lmdb`` (and LMDB's ``preimages.lmdb-lock``). Every write
is one LMDB transaction, so a process killed mid-write leaves the last committed state.

LMDB memory-maps the data file and trusts its header: a file shorter than the pages its header
says are in use (a truncated copy, a full disk) makes the first read past the end kill the
process with SIGBUS. So the store is checked on open, before any data page is touched: the data
and lock files must be regular files, and the data file must hold ``(last_pgno + 1) * psize``
bytes (both read from the header LMDB has just parsed into its meta page).
"""

import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

import lmdb

from op_program.host.errors import KVStoreError
from op_program.preimage.process import file_kind

DB_FILE = "preimages.lmdb"
LOCK_SUFFIX = "-lock"
MAP_SIZE = 1 << 40
"""Address space reserved for the map (sparse: the file only grows as data is written)."""


class LmdbKV:
    """A store in one LMDB file inside the datadir."""

    __slots__ = ("_env", "path")

    def __init__(self, root: str | os.PathLike[str], readonly: bool = False) -> None:
        self.path = Path(root) / DB_FILE
        _check_files(self.path)
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
        try:
            _check_length(self._env, self.path)
        except BaseException:
            self._env.close()
            raise

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


def _check_files(path: Path) -> None:
    """Refuse a data or lock file that is not a regular file, or an empty data file."""
    for name in (path, path.with_name(path.name + LOCK_SUFFIX)):
        try:
            info = os.stat(name)
        except FileNotFoundError:
            continue  # a new store
        except OSError as exc:
            raise KVStoreError(f"cannot open LMDB store {path}: {exc}") from exc
        if not stat.S_ISREG(info.st_mode):
            raise KVStoreError(f"LMDB store file {name} is a {file_kind(info.st_mode)}, "
                               "not a regular file")
        if name == path and info.st_size == 0:
            # LMDB would silently start an empty store over it.
            raise KVStoreError(f"LMDB store {path} is empty (truncated?): remove the datadir "
                               "or restore the file")


def _check_length(env: lmdb.Environment, path: Path) -> None:
    """Raise unless the data file holds every page the header says is in use."""
    try:
        needed = (int(env.info()["last_pgno"]) + 1) * int(env.stat()["psize"])
        size = os.stat(path).st_size
    except (lmdb.Error, OSError) as exc:
        raise KVStoreError(f"cannot open LMDB store {path}: {exc}") from exc
    if size < needed:
        raise KVStoreError(f"LMDB store {path} is truncated: {size} bytes, its header says "
                           f"{needed} are in use")
