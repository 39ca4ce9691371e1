"""Prove the real op-sepolia-16491249 witness in-process; print JSON timings.

Usage: python bench/prove_witness.py [--claim-block N] [--claim-root 0x..] [--child | --cli]

Reports: seconds for the whole proof, preimages requested (from the raw oracle, i.e. cache
misses), hints, peak RSS, exit code, and the split of wall time between derivation (pipeline),
execution (block building) and oracle traffic (time spent inside the raw oracle's get/hint).
With --child the client runs as an op-program-client child process on real pipes (both sides
pinned to one CPU) and only the total, requests and exit code are reported.
With --cli the real command line runs start to exit, ``op-program --network op-sepolia ...
--datadir DIR`` on a ``directory`` datadir made by ``op-program witness import`` (into a
temporary directory unless --datadir names an existing one); it reports the CLI's wall time and
peak RSS (of the child process), and the import's wall time.
"""

import argparse
import cProfile
import json
import os
import pstats
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
WITNESS = ROOT / "tests" / "fixtures" / "fpp" / "op-sepolia-16491249"


def load(args: argparse.Namespace) -> dict[bytes, bytes]:
    from op_program.host.witness import read_witness
    from op_program.preimage.keys import local_key

    table = dict(read_witness(WITNESS / "preimages.json.gz"))
    boot = json.loads((WITNESS / "boot.json").read_text())
    claim_block = args.claim_block or boot["claimed_l2_block_number"]
    claim_root = args.claim_root or boot["claimed_l2_output_root"]
    table[local_key(1)] = bytes.fromhex(boot["l1_head"][2:])
    table[local_key(2)] = bytes.fromhex(boot["agreed_l2_output_root"][2:])
    table[local_key(3)] = bytes.fromhex(claim_root[2:])
    table[local_key(4)] = int(claim_block).to_bytes(8, "big")
    table[local_key(5)] = int(boot["l2_chain_id"]).to_bytes(8, "big")
    return table


class TimedOracle:
    def __init__(self, table: dict[bytes, bytes]) -> None:
        self.table = table
        self.requests = 0
        self.hints = 0
        self.seconds = 0.0

    def get(self, key: bytes) -> bytes:
        start = time.perf_counter()
        self.requests += 1
        value = self.table[key]
        self.seconds += time.perf_counter() - start
        return value

    def hint(self, hint: str) -> None:
        self.hints += 1


SPLIT = {
    # name in the JSON: (file suffix, function) whose cumulative time is reported
    "derivation": ("derive/pipeline.py", "next_attributes"),
    "blobs_incl_kzg": ("client/blobs.py", "get_blobs"),
    "kzg_setup_load": ("protocol/kzg.py", "lagrange_points"),
    "execution": ("client/execution.py", "build"),
    "oracle_get_and_verify": ("client/oracle.py", "get_uncached"),
    "hints": ("client/oracle.py", "hint"),
}


def _split(profile: cProfile.Profile) -> dict[str, float]:
    stats = pstats.Stats(profile)
    out = dict.fromkeys(SPLIT, 0.0)
    for (filename, _, name), row in stats.stats.items():  # type: ignore[attr-defined]
        for label, (suffix, function) in SPLIT.items():
            if filename.endswith(suffix) and name == function:
                out[label] = max(out[label], row[3])
    return out


def in_process(args: argparse.Namespace) -> dict[str, Any]:
    from op_program.client.program import run

    oracle = TimedOracle(load(args))
    profile = cProfile.Profile() if args.profile else None
    start, cpu = time.perf_counter(), time.process_time()
    if profile is not None:
        profile.enable()
    code = run(oracle, oracle)
    if profile is not None:
        profile.disable()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    result: dict[str, Any] = {
        "mode": "in-process",
        "exit_code": code,
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 3),
        "preimages_requested": oracle.requests,
        "hints": oracle.hints,
        "oracle_seconds": round(oracle.seconds, 3),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    if profile is not None:
        result["split_seconds"] = {k: round(v, 3) for k, v in _split(profile).items()}
    return result


def child(args: argparse.Namespace) -> dict[str, Any]:
    from op_program.preimage.process import pin_to_cpu, shared_cpu, spawn_client
    from op_program.preimage.server import HintServer, OracleServer

    oracle = TimedOracle(load(args))
    cpu = shared_cpu()
    pin_to_cpu(cpu)
    start = time.perf_counter()
    proc = spawn_client([sys.executable, "-m", "op_program.client.entrypoint"], cpu=cpu)
    hints = threading.Thread(target=HintServer(proc.channels.hint).serve, args=(oracle.hint,))
    hints.start()
    try:
        OracleServer(proc.channels.preimage).serve(oracle.get)
    except KeyError:
        pass  # a preimage the witness lacks: the client sees end of stream and exits 2
    finally:
        proc.channels.preimage.close()
        code = proc.wait()
        proc.channels.hint.close()
        hints.join()
    return {
        "mode": "child-process",
        "exit_code": code,
        "seconds": round(time.perf_counter() - start, 3),
        "preimages_requested": oracle.requests,
        "hints": oracle.hints,
        "peak_rss_mib_host": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_rss_mib_client": round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
        ),
    }


def _op_program(*args: str) -> list[str]:
    return [sys.executable, "-m", "op_program.cli.main", *args]


def cli(args: argparse.Namespace) -> dict[str, Any]:
    boot = json.loads((WITNESS / "boot.json").read_text())
    own = args.datadir is None
    datadir = tempfile.mkdtemp(prefix="prove-witness-") if own else args.datadir
    result: dict[str, Any] = {"mode": "cli-directory-datadir"}
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    try:
        if own:
            start = time.perf_counter()
            subprocess.run(
                _op_program("witness", "import", "--data.format", "directory",
                            str(WITNESS / "preimages.json.gz"), datadir),
                check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            result["import_seconds"] = round(time.perf_counter() - start, 3)
        argv = _op_program(
            "--network", boot["network"], "--l1.head", boot["l1_head"],
            "--l2.head", boot["agreed_l2_head_hash"],
            "--l2.outputroot", boot["agreed_l2_output_root"],
            "--l2.claim", args.claim_root or boot["claimed_l2_output_root"],
            "--l2.blocknumber", str(args.claim_block or boot["claimed_l2_block_number"]),
            "--datadir", datadir, "--log.level", "error")
        start = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        # wait4 gives this child's own resource usage (getrusage(RUSAGE_CHILDREN) would report
        # the largest child so far, i.e. the import when it ran).
        _, status, usage = os.wait4(proc.pid, 0)
        result["seconds"] = round(time.perf_counter() - start, 3)
        proc.returncode = result["exit_code"] = os.waitstatus_to_exitcode(status)
        # CPU time (user + system) is less disturbed than wall time on a shared machine.
        result["cpu_seconds"] = round(usage.ru_utime + usage.ru_stime, 3)
        result["peak_rss_mib"] = round(usage.ru_maxrss / 1024, 1)
    finally:
        if own:
            shutil.rmtree(datadir, ignore_errors=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--claim-block", type=int)
    parser.add_argument("--claim-root")
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--cli", action="store_true", help="op-program from a directory datadir")
    parser.add_argument("--datadir", help="with --cli: an existing datadir of the witness")
    parser.add_argument("--profile", action="store_true", help="measure the time split")
    args = parser.parse_args()
    if args.cli:
        result = cli(args)
    else:
        result = child(args) if args.child else in_process(args)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
