"""Preimages served per second by the host, offline, from each store: in-process and child.

Loads the real fpp witness (60,533 preimages; random data if the fixtures are absent) into a
memory store, a ``directory`` datadir and an LMDB datadir, then asks for every key in a fixed
shuffled order: once with the client in-process (direct oracle object, DESIGN §12) and once as
a child process speaking the wire protocol on fds 3-6 (host and child pinned to one CPU).
Every served keccak/sha256 preimage is re-hashed by the host, as in a real run. Prints JSON.
"""

import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from op_program.host.kvstore.base import KV, DataFormat
from op_program.host.kvstore.disk import open_disk_kv
from op_program.host.kvstore.memory import MemoryKV
from op_program.host.kvstore.split import SplitKV
from op_program.host.prefetcher import Prefetcher
from op_program.host.runner import run_child
from op_program.host.witness import read_witness
from op_program.preimage.keys import keccak256_key, local_key

FPP = Path(__file__).resolve().parents[1] / "tests/fixtures/fpp/op-sepolia-16491249"

CHILD = """
import json, sys, time
from op_program.preimage.keys import local_key
from op_program.preimage.oracle import OracleClient
from op_program.preimage.process import client_channels_from_fds
keys = [bytes.fromhex(k) for k in open(sys.argv[1]).read().split()]
oracle = OracleClient(client_channels_from_fds().preimage)
oracle.get(local_key(3))  # the host passes on 0/1 only from a client that read the claim
start = time.perf_counter()
total = 0
for key in keys:
    total += len(oracle.get(key))
elapsed = time.perf_counter() - start
json.dump({"served": len(keys), "seconds": elapsed, "bytes": total}, open(sys.argv[2], "w"))
"""


def load_items() -> list[tuple[bytes, bytes]]:
    path = FPP / "preimages.json.gz"
    if path.exists():
        return list(read_witness(path))
    from op_program.encoding.hashing import keccak256

    rng = random.Random(1)
    values = [rng.randbytes(rng.randint(32, 600)) for _ in range(60_000)]
    return [(keccak256_key(keccak256(v)), v) for v in values]


def in_process(store: KV, keys: list[bytes]) -> dict[str, float]:
    prefetcher = Prefetcher(SplitKV({}, store))
    start = time.perf_counter()
    for key in keys:
        prefetcher.get(key)
    elapsed = time.perf_counter() - start
    return {"served": len(keys), "seconds": round(elapsed, 3),
            "per_second": round(len(keys) / elapsed)}


def child(store: KV, keys: list[bytes], workdir: Path) -> dict[str, float]:
    keys_file = workdir / "keys.txt"
    keys_file.write_text("\n".join(k.hex() for k in keys))
    result_file = workdir / "result.json"
    claim = {local_key(3): bytes(32)}
    code = run_child(Prefetcher(SplitKV(claim, store)),
                     [sys.executable, "-c", CHILD, str(keys_file), str(result_file)])
    result = json.loads(result_file.read_text())
    return {"served": result["served"], "seconds": round(result["seconds"], 3),
            "per_second": round(result["served"] / result["seconds"]), "exit_code": code}


def main() -> None:
    items = load_items()
    keys = [k for k, _ in items]
    random.Random(7).shuffle(keys)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        stores: dict[str, KV] = {"memory": MemoryKV()}
        for fmt in (DataFormat.DIRECTORY, DataFormat.LMDB):
            stores[fmt.value] = open_disk_kv(Path(tmp) / fmt.value, fmt)
        for name, store in stores.items():
            start = time.perf_counter()
            store.put_many(items)
            load_s = time.perf_counter() - start
            results.append({"store": name, "load_seconds": round(load_s, 2),
                            "in_process": in_process(store, keys),
                            "child_process": child(store, keys, Path(tmp))})
            store.close()
    print(json.dumps({"bench": "host_serve", "preimages": len(items), "cpus": os.cpu_count(),
                      "results": results}, indent=2))


if __name__ == "__main__":
    main()
