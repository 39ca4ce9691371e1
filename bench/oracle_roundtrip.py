"""Preimage oracle round trips per second over OS pipes between two processes.

The parent serves preimages (and hints) like the host; a child process, wired on fds 3-6 by
``spawn_client``, is the client and times its requests. Each case runs unpinned and with both
processes pinned to one CPU (DESIGN §12). Prints one JSON document.

    python bench/oracle_roundtrip.py [--seconds 1.0] [--repeat 3]
"""

import argparse
import json
import os
import sys
import threading
import time
from typing import Any

from op_program.preimage.hints import HintClient
from op_program.preimage.keys import keccak256_key
from op_program.preimage.oracle import OracleClient
from op_program.preimage.process import client_channels_from_fds, shared_cpu, spawn_client
from op_program.preimage.server import HintServer, OracleServer

SIZES = {"32B": 32, "100KB": 100 * 1024}
HINT = "l2-state-node 0x" + "ab" * 32


def child(size: int, seconds: float) -> None:
    """Client side: time preimage requests, then hints; print the counts as JSON."""
    channels = client_channels_from_fds()
    oracle, hinter = OracleClient(channels.preimage), HintClient(channels.hint)
    results: dict[str, Any] = {}
    for name, call in (
        ("preimage", lambda i: oracle.get(keccak256_key(i.to_bytes(32, "big")))),
        ("hint", lambda i: hinter.hint(HINT)),
    ):
        for i in range(200):  # warm up
            call(i)
        count, start, cpu_start = 0, time.perf_counter(), time.process_time()
        deadline = start + seconds
        while True:
            for i in range(256):
                value = call(i)
            count += 256
            now = time.perf_counter()
            if now >= deadline:
                break
        if name == "preimage":
            assert value is not None and len(value) == size
        cpu = time.process_time() - cpu_start
        results[name] = {"round_trips": count, "seconds": now - start, "client_cpu": cpu}
    print(json.dumps(results), flush=True)


def run_case(size: int, seconds: float, pinned: bool) -> dict[str, Any]:
    """Host side: spawn the client, serve until it exits, return its measurements."""
    value = os.urandom(size)
    cpu = shared_cpu() if pinned else None
    original = os.sched_getaffinity(0)
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})
    out_read, out_write = os.pipe()
    try:
        client = spawn_client(
            [sys.executable, __file__, "--child", str(size), "--seconds", str(seconds)],
            stdio={1: out_write},
            cpu=cpu,
        )
        os.close(out_write)
        hints = threading.Thread(
            target=HintServer(client.channels.hint).serve, args=(lambda hint: None,), daemon=True
        )
        hints.start()
        OracleServer(client.channels.preimage).serve(lambda key: value)
        hints.join()
        with os.fdopen(out_read, "rb") as stdout:
            measured: dict[str, Any] = json.loads(stdout.read())
        client.wait()
        client.channels.close()
    finally:
        os.sched_setaffinity(0, original)
    return {
        kind: {key: m[key] for key in ("round_trips", "seconds", "client_cpu")}
        for kind, m in measured.items()
    }


def summarize(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Best of the repeated runs (the machine is shared; the best run is the least disturbed)."""
    rates = [m["round_trips"] / m["seconds"] for m in runs]
    best = max(rates)
    cpu = min(m["client_cpu"] / m["round_trips"] for m in runs)
    return {
        "round_trips_per_s": round(best),
        "us_per_round_trip": round(1e6 / best, 2),
        "client_cpu_us_per_round_trip": round(1e6 * cpu, 2),
        "all_runs_per_s": [round(rate) for rate in rates],
    }


def main() -> None:
    """Run every case and print the JSON report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=1.0, help="time per measurement")
    parser.add_argument("--repeat", type=int, default=3, help="runs per case (best reported)")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child, args.seconds)
        return
    results = []
    for label, size in SIZES.items():
        for pinned in (False, True):
            runs = [run_case(size, args.seconds, pinned) for _ in range(args.repeat)]
            results.append(
                {
                    "preimage": label,
                    "size": size,
                    "pinned": pinned,
                    **summarize([run["preimage"] for run in runs]),
                }
            )
            if label == "32B":
                hint_stats = summarize([run["hint"] for run in runs])
                results.append({"hint_bytes": len(HINT), "pinned": pinned, **hint_stats})
    print(
        json.dumps(
            {
                "bench": "oracle_roundtrip",
                "transport": "OS pipes, two processes (client child on fds 3-6)",
                "cpus_available": sorted(os.sched_getaffinity(0)),
                "seconds_per_run": args.seconds,
                "load_average_1m": os.getloadavg()[0],
                "results": results,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
