"""Time ``witness generate`` (``host.witness_gen.generate_step``) on devnet scenarios; print JSON.

Usage: python bench/witness_generate.py [--scenario NAME ...] [--rtt-ms MS ...]
       [--concurrency K ...] [--reps N] [--extra-l1 N]
       python bench/witness_generate.py --real-hints

For each scenario, simulated round-trip time and ``--fetch.concurrency``: wall seconds of the
online capture and of the offline check, RPC requests and the seconds spent in them, hints run,
preimages and bytes in the witness, lookahead fetches the client used, and per hint type the
count and the seconds the host spent fetching for it (the client waits for exactly that).

The devnet's nodes answer on loopback in well under a millisecond; ``--rtt-ms`` adds that many
milliseconds to every HTTP request the host sends (a sleep before the request, in the host's
HTTP client), which models a remote node: a public RPC provider is 20-150 ms away. The best of
``--reps`` runs is reported.
"""

import argparse
import dataclasses
import json
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))


@contextmanager
def simulated_rtt(seconds: float) -> Iterator[None]:
    """Add ``seconds`` to every request of the host's HTTP client."""
    from op_program.host.rpc import jsonrpc

    original = jsonrpc._Http.request

    def delayed(self: Any, *args: Any, **kwargs: Any) -> Any:
        time.sleep(seconds)
        return original(self, *args, **kwargs)

    jsonrpc._Http.request = delayed  # type: ignore[method-assign]
    try:
        yield
    finally:
        jsonrpc._Http.request = original  # type: ignore[method-assign]


@contextmanager
def timed_handlers(table: dict[str, list[float]]) -> Iterator[None]:
    """Record (count, seconds) per hint type of the handlers the generator uses.

    Fetches on the lookahead's threads are counted apart, as ``<type> (speculative)``; the
    others are the ones the client waited for.
    """
    from op_program.host import witness_gen

    original = getattr(witness_gen, "handlers_for")  # noqa: B009 - patched below

    def wrap(name: str, handler: Callable[..., Any]) -> Callable[..., Any]:
        def timed(sources: Any, payload: bytes) -> Any:
            start = time.perf_counter()
            try:
                return handler(sources, payload)
            finally:
                speculative = threading.current_thread().name.startswith("lookahead")
                entry = table[f"{name} (speculative)" if speculative else name]
                entry[0] += 1
                entry[1] += time.perf_counter() - start
        return timed

    def handlers_for(dialect: Any) -> Any:
        return {name: wrap(name, h) for name, h in original(dialect).items()}

    setattr(witness_gen, "handlers_for", handlers_for)  # noqa: B010
    try:
        yield
    finally:
        setattr(witness_gen, "handlers_for", original)  # noqa: B010


def run_one(scenario: Any, rtt: float, concurrency: int) -> dict[str, Any]:
    from op_program.devnet.host_run import host_config
    from op_program.devnet.rpc_server import serve_devnet
    from op_program.host.witness_gen import StepParams, generate_step

    devnet = scenario.devnet
    inputs = devnet.proof_inputs(scenario.agreed, scenario.claimed, None, scenario.l1_head)
    hints: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
    with tempfile.TemporaryDirectory() as tmp, \
            serve_devnet(devnet.l1, devnet.sequencer, devnet.rollup.l2_chain_id) as endpoints:
        config = dataclasses.replace(
            host_config(inputs, Path(tmp), Path(tmp) / "unused", endpoints, None), datadir=None)
        params = StepParams(config, str(Path(tmp) / "w.json.gz"), fetch_concurrency=concurrency)
        with simulated_rtt(rtt), timed_handlers(hints):
            started = time.monotonic()
            result = generate_step(params)
            total = time.monotonic() - started
    assert result.written, result.message
    return {
        "seconds_total": round(total, 3), "seconds_online": round(result.seconds_online, 3),
        "seconds_offline": round(result.seconds_offline, 3),
        "rpc_requests": result.rpc_requests, "rpc_seconds": round(result.rpc_seconds, 3),
        "hints_run": result.hints_run, "lookahead_used": result.lookahead_used,
        "preimages": result.preimages, "bytes": result.bytes,
        "hint_seconds": {k: {"count": int(v[0]), "seconds": round(v[1], 3)}
                         for k, v in sorted(hints.items())},
    }  # fmt: skip


def real_hints() -> dict[str, Any]:
    """Replay the real OP Sepolia witness in-process; count the distinct hints by type.

    An online host runs a hint when the client asks for a key it does not hold, so the distinct
    hints a proof sends are (about) the fetches, i.e. the sequential round trips, an online run
    of it would make: what a real network's latency multiplies.
    """
    from op_program.client.program import run
    from op_program.host.witness import read_witness
    from op_program.preimage.keys import local_key

    fixture = ROOT / "tests" / "fixtures" / "fpp" / "op-sepolia-16491249"
    table = dict(read_witness(fixture / "preimages.json.gz"))
    boot = json.loads((fixture / "boot.json").read_text())
    for number, value in ((1, boot["l1_head"]), (2, boot["agreed_l2_output_root"]),
                          (3, boot["claimed_l2_output_root"])):
        table[local_key(number)] = bytes.fromhex(value[2:])
    table[local_key(4)] = int(boot["claimed_l2_block_number"]).to_bytes(8, "big")
    table[local_key(5)] = int(boot["l2_chain_id"]).to_bytes(8, "big")
    seen: set[str] = set()
    counts: dict[str, int] = defaultdict(int)
    served = 0

    class Oracle:
        def get(self, key: bytes) -> bytes:
            nonlocal served
            served += 1
            return table[key]

        def hint(self, hint: str) -> None:
            if hint not in seen:
                seen.add(hint)
                counts[hint.partition(" ")[0]] += 1

    started = time.monotonic()
    code = run(Oracle(), Oracle())
    return {"witness": fixture.name, "exit_code": code, "seconds": round(time.monotonic() -
                                                                         started, 3),
            "preimages_served": served, "distinct_hints": len(seen),
            "distinct_hints_by_type": dict(sorted(counts.items()))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", action="append",
                        help="tests/e2e/scenarios.py name (default calldata-span-brotli)")
    parser.add_argument("--rtt-ms", action="append", type=float, help="default 0 and 50")
    parser.add_argument("--concurrency", action="append", type=int, help="default 0 and 4")
    parser.add_argument("--reps", type=int, default=1)
    parser.add_argument("--real-hints", action="store_true",
                        help="only replay the real OP Sepolia witness and count its hints")
    parser.add_argument("--extra-l1", type=int, default=0, metavar="N",
                        help="mine N more L1 blocks after the scenario: the client walks back "
                             "N more L1 headers from the L1 head (real proofs walk back "
                             "tens to hundreds)")
    args = parser.parse_args()
    if args.real_hints:
        print(json.dumps({"bench": "witness_generate", "real": real_hints()}, indent=1))
        return
    from tests.e2e.scenarios import SCENARIOS

    results = []
    for name in args.scenario or ["calldata-span-brotli"]:
        scenario = SCENARIOS[name]()
        if args.extra_l1:
            scenario.devnet.mine_l1(args.extra_l1)
        for rtt in args.rtt_ms or [0.0, 50.0]:
            for concurrency in args.concurrency or [0, 4]:
                runs = [run_one(scenario, rtt / 1000, concurrency) for _ in range(args.reps)]
                best = min(runs, key=lambda r: r["seconds_online"])
                results.append({"scenario": name, "extra_l1": args.extra_l1, "rtt_ms": rtt,
                                "concurrency": concurrency, **best})
    print(json.dumps({"bench": "witness_generate", "results": results}, indent=1))


if __name__ == "__main__":
    main()
