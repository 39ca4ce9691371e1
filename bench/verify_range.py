"""verify-range scaling: blocks/s with 1 and 2 Dask workers, per-task overhead, shared-store value.

Prints JSON. The devnet (BLOCKS L2 blocks, batched after each L1 block) is built and served by a
separate process, as real nodes would be other machines: the workers' proofs do not share the
bench process's interpreter with the RPC servers. Measured:
- ``start_seconds``: the embedded local cluster of K workers, started and ready;
- ``blocks_per_second``: the range proven on K workers (fresh store, cluster already up),
  online with the shared LMDB preimage store (the default), and offline from a datadir filled
  with every devnet preimage (no node: CPU-bound, the engine's own scaling);
- ``parallelism``: the steps' summed wall time over the run's: how many ran at once (the
  machine is shared: with other load, 2 busy workers get less than 2 cores, see load average);
- ``mean_step_cpu_seconds``: CPU time of a step in its worker (wall time less waiting for
  nodes and for a core);
- ``task_overhead_ms``: a no-op task mapped over 400 inputs on the 2-worker cluster, per task;
- ``sequential_seconds_per_block``: the same task function in this process, no engine;
- ``shared_store``: preimages of STEPS consecutive steps, in all and distinct (what a shared
  preimage store between workers could save at most).
"""

import json
import multiprocessing
import os
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from op_program.distributed.engine import ClusterOptions, Engine
from op_program.host.config import ChainSetup, load_custom_chain
from op_program.host.kvstore.base import DataFormat
from op_program.host.kvstore.disk import open_disk_kv
from op_program.verify_range.runner import RangeRequest, plan
from op_program.verify_range.store import ResultStore
from op_program.verify_range.task import NodeUrls, prove_step

BLOCKS = int(os.environ.get("BENCH_BLOCKS", "100"))
STEPS = 20
SPAN = 5
"""Blocks per step of the CPU-bound offline runs."""


def noop(value: int) -> int:
    return value


REAL_PROOFS = 8
"""Tasks of the real-weight runs: each proves the real OP Sepolia witness once."""


def real_witness_proof(_: int) -> float:
    """Prove the real OP Sepolia block 16491249 witness from memory; return its CPU seconds.

    A devnet step is a few tens of milliseconds of CPU; a step on a real chain is about one
    second of CPU once its preimages are local. This task is that weight, so the 1- and
    2-worker runs over it show the engine's scaling on CPU-bound work of a real step's size.
    The witness table is loaded once per worker process (not timed into the step's CPU).
    """
    import argparse
    import logging
    import sys

    from op_program.client.program import run

    bench_dir = str(Path(__file__).resolve().parent)
    if bench_dir not in sys.path:
        sys.path.insert(0, bench_dir)
    import prove_witness  # type: ignore[import-not-found]  # bench/prove_witness.py's loader

    # Cached on the imported module: this function reaches a worker pickled by value, so an
    # attribute of its own would not outlive the task.
    table = getattr(prove_witness, "bench_table", None)
    if table is None:
        table = prove_witness.load(argparse.Namespace(claim_block=None, claim_root=None))
        prove_witness.bench_table = table
    logging.disable(logging.WARNING)  # "dropping batch" lines are expected on this witness
    cpu = time.process_time()
    assert run(prove_witness.TableOracle(table), prove_witness.TableOracle(table)) == 0
    return time.process_time() - cpu


def _real_weight(workers: int) -> dict[str, Any]:
    with Engine(ClusterOptions(workers=workers)) as engine:
        list(engine.map_unordered(real_witness_proof, range(workers)))  # load the witness
        began = time.perf_counter()
        outcomes = [o.result for o in engine.map_unordered(real_witness_proof,
                                                          range(REAL_PROOFS))]
        seconds = time.perf_counter() - began
    cpus = [c for c in outcomes if isinstance(c, float)]
    assert len(cpus) == REAL_PROOFS, outcomes
    return {"workers": workers, "task": "real OP Sepolia witness proof (in memory)",
            "tasks": REAL_PROOFS, "seconds": round(seconds, 2),
            "proofs_per_second": round(REAL_PROOFS / seconds, 3),
            "mean_task_cpu_seconds": round(sum(cpus) / len(cpus), 3)}


def _serve(workdir: str, queue: Any, stop: Any) -> None:
    from op_program.devnet.host_run import write_chain_files
    from op_program.devnet.network import Devnet
    from op_program.devnet.rpc_server import serve_devnet

    devnet = Devnet()
    while len(devnet.sequencer.blocks) <= BLOCKS:
        devnet.mine_l1()
        devnet.batcher.submit(devnet.sequence_to_l1_head())
    devnet.mine_l1()
    files = write_chain_files(devnet.proof_inputs(0, 1), Path(workdir))
    offline = open_disk_kv(Path(workdir) / "offline", DataFormat.LMDB)
    try:
        offline.put_many(devnet.preimages().items())
    finally:
        offline.close()
    with serve_devnet(devnet.l1, devnet.sequencer, devnet.rollup.l2_chain_id) as endpoints:
        queue.put(([str(f) for f in files], endpoints.l1, endpoints.beacon, endpoints.l2))
        stop.wait()


def _request(chain: ChainSetup, urls: NodeUrls, store: Path, workers: int,
             datadir: Path | None = None, span: int = 1) -> RangeRequest:
    return RangeRequest(chain=chain, urls=urls, rollup_node=urls.l2, first=1, last=BLOCKS,
                        store=store, cluster=ClusterOptions(workers=workers), datadir=datadir,
                        span=span)


def _scaling(chain: ChainSetup, urls: NodeUrls, workdir: Path, workers: int,
             shared: bool = False, offline: bool = False, span: int = 1) -> dict[str, Any]:
    datadir = workdir / f"shared-w{workers}" if shared else None
    if datadir is not None:
        open_disk_kv(datadir, DataFormat.LMDB).close()
    if offline:
        datadir = workdir / "offline"
    started = time.perf_counter()
    with Engine(ClusterOptions(workers=workers)) as engine:
        start_seconds = time.perf_counter() - started
        request = _request(chain, urls, workdir / f"w{workers}{shared}{span}.sqlite3", workers,
                           datadir, span)
        with ResultStore(request.store, chain.l2_chain_id) as store:
            tasks = plan(request, store).tasks
        if offline:  # no node URLs: the host serves the filled datadir only (CPU-bound)
            tasks = [replace(t, urls=NodeUrls("", "", "")) for t in tasks]
        began = time.perf_counter()
        results = [o.result for o in engine.map_unordered(prove_step, tasks)]
        seconds = time.perf_counter() - began
    assert all(r is not None and r.verdict.value == "valid" for r in results), results
    blocks = request.last - request.first + 1
    busy = sum(r.seconds for r in results if r is not None)
    cpu = sum(r.cpu_seconds for r in results if r is not None)
    return {"workers": workers, "nodes": "none (filled datadir)" if offline else "devnet RPC",
            "shared_lmdb_datadir": shared or offline, "span": span,
            "start_seconds": round(start_seconds, 2), "blocks": blocks, "steps": len(tasks),
            "seconds": round(seconds, 2),
            "blocks_per_second": round(blocks / seconds, 2),
            "mean_step_seconds": round(busy / len(tasks), 3),
            "mean_step_cpu_seconds": round(cpu / len(tasks), 3),
            "parallelism": round(busy / seconds, 2)}


def _overhead() -> float:
    with Engine(ClusterOptions(workers=2)) as engine:
        list(engine.map_unordered(noop, range(20)))  # warm
        began = time.perf_counter()
        list(engine.map_unordered(noop, range(400)))
        return (time.perf_counter() - began) / 400 * 1000


def _shared_store(chain: ChainSetup, urls: NodeUrls, workdir: Path) -> dict[str, Any]:
    from op_program.host.config import HostConfig
    from op_program.host.runner import run_host

    request = _request(chain, urls, workdir / "shared.sqlite3", 1)
    with ResultStore(request.store, chain.l2_chain_id) as store:
        tasks = plan(request, store).tasks[:STEPS]
    counts, keys = [], set()
    for index, task in enumerate(tasks):
        datadir = workdir / f"dd{index}"
        config = HostConfig(chain=chain, l1_head=task.l1_head, l2_head=task.l2_head,
                            l2_output_root=task.agreed_root, l2_claim=task.claimed_root,
                            l2_claim_block_number=task.block, datadir=datadir, l1_url=urls.l1,
                            l1_beacon_url=urls.l1_beacon, l2_url=urls.l2).check()
        assert run_host(config) == 0
        names = {p.name for p in datadir.rglob("*.txt")}
        counts.append(len(names))
        keys |= names
    total = sum(counts)
    return {"steps": len(tasks), "preimages": total, "distinct": len(keys),
            "fetches_a_shared_store_saves": round(1 - len(keys) / total, 3)}


def main() -> None:
    load_before = round(os.getloadavg()[0], 2)
    context = multiprocessing.get_context("spawn")
    queue, stop = context.Queue(), context.Event()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        server = context.Process(target=_serve, args=(tmp, queue, stop), daemon=True)
        server.start()
        try:
            files, l1, beacon, l2 = queue.get(timeout=300)
            chain = load_custom_chain(*(Path(f) for f in files))
            urls = NodeUrls(l1, beacon, l2)
            request = _request(chain, urls, workdir / "seq.sqlite3", 1)
            with ResultStore(request.store, chain.l2_chain_id) as store:
                sample = plan(request, store).tasks[:STEPS]
            began = time.perf_counter()
            for task in sample:
                assert prove_step(task).verdict.value == "valid"
            sequential = (time.perf_counter() - began) / len(sample)
            runs = [_scaling(chain, urls, workdir, k, shared=True) for k in (1, 2)]
            runs += [_scaling(chain, urls, workdir, k, offline=True) for k in (1, 2)]
            # Steps of SPAN blocks: enough CPU per task (no node, no per-task overhead to speak
            # of) to show the engine's scaling on CPU-bound work.
            runs += [_scaling(chain, urls, workdir, k, offline=True, span=SPAN) for k in (1, 2)]
            overhead = _overhead()
            real = [_real_weight(k) for k in (1, 2)]
            shared = _shared_store(chain, urls, workdir)
        finally:
            stop.set()
            server.join(timeout=10)
    print(json.dumps({
        "cpus": os.cpu_count(), "load_average_1m_before": load_before,
        "load_average_1m": round(os.getloadavg()[0], 2),
        "l2_blocks": BLOCKS, "sequential_seconds_per_block": round(sequential, 3),
        "runs": runs,
        "speedup_2_workers_online": round(runs[1]["blocks_per_second"]
                                          / runs[0]["blocks_per_second"], 2),
        "speedup_2_workers_offline": round(runs[3]["blocks_per_second"]
                                           / runs[2]["blocks_per_second"], 2),
        f"speedup_2_workers_offline_span_{SPAN}": round(runs[5]["blocks_per_second"]
                                                        / runs[4]["blocks_per_second"], 2),
        "task_overhead_ms": round(overhead, 2), "shared_store": shared,
        "real_weight_runs": real,
        "speedup_2_workers_real_weight": round(real[1]["proofs_per_second"]
                                               / real[0]["proofs_per_second"], 2),
    }, indent=2))


if __name__ == "__main__":
    main()
