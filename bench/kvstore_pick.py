"""Pick the embedded single-file store: LMDB vs sqlite3 on the real fpp witness (or random data).

Prints JSON: puts/s (batched, as the prefetcher writes) and gets/s (random order, as a proof
reads) for each candidate. The winner is implemented in host/kvstore/lmdb_store.py.
"""

import json
import os
import random
import sqlite3
import tempfile
import time
from pathlib import Path

from op_program.host.kvstore.lmdb_store import LmdbKV
from op_program.host.witness import read_witness

FPP = "tests/fixtures/fpp/op-sepolia-16491249/preimages.json.gz"


class SqliteKV:
    def __init__(self, root: str) -> None:
        self.db = sqlite3.connect(os.path.join(root, "preimages.sqlite"))
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("CREATE TABLE IF NOT EXISTS kv (k BLOB PRIMARY KEY, v BLOB) WITHOUT ROWID")

    def get(self, key: bytes) -> bytes | None:
        row = self.db.execute("SELECT v FROM kv WHERE k=?", (key,)).fetchone()
        return None if row is None else bytes(row[0])

    def put_many(self, items: list[tuple[bytes, bytes]]) -> None:
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO kv VALUES (?,?)", items)

    def close(self) -> None:
        self.db.close()


def load_items() -> list[tuple[bytes, bytes]]:
    path = Path(__file__).resolve().parents[1] / FPP
    if path.exists():
        return list(read_witness(path))
    rng = random.Random(1)
    return [(rng.randbytes(32), rng.randbytes(rng.randint(32, 600))) for _ in range(60_000)]


def measure(name: str, store_factory, items) -> dict[str, object]:  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as root:
        store = store_factory(root)
        start = time.perf_counter()
        for i in range(0, len(items), 500):
            store.put_many(items[i : i + 500])
        put_s = time.perf_counter() - start
        keys = [k for k, _ in items]
        random.Random(2).shuffle(keys)
        start = time.perf_counter()
        for key in keys:
            store.get(key)
        get_s = time.perf_counter() - start
        store.close()
        size = sum(f.stat().st_size for f in Path(root).iterdir())
    return {"store": name, "entries": len(items), "puts_per_s": round(len(items) / put_s),
            "gets_per_s": round(len(items) / get_s), "bytes_on_disk": size}


def main() -> None:
    items = load_items()
    results = [measure("lmdb", LmdbKV, items), measure("sqlite3", SqliteKV, items)]
    print(json.dumps({"bench": "kvstore_pick", "results": results}, indent=2))


if __name__ == "__main__":
    main()
