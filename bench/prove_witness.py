"""Prove the real op-sepolia-16491249 witness: in-process, through the CLI, and with kona.

Usage: python bench/prove_witness.py [--reps N] [--no-kona] [--profile] [--datadir DIR]
       python bench/prove_witness.py --child     (the client as a child process on real pipes)

Prints one JSON document (issue 12), every process fresh:

- ``in_process``: ``client.program.run`` from memory (the witness loaded into a dict first, not
  timed), wall and CPU seconds (min and median of ``--reps`` runs, each in a new interpreter).
- ``cli``: ``op-program --network op-sepolia ... --datadir DIR`` start to exit on a
  ``directory`` datadir made by ``op-program witness import``, wall and CPU (user + sys of the
  child, by wait4) and its peak RSS. The source tree is byte-compiled first (``compileall``),
  as an installed package is: without ``.pyc`` files (``PYTHONDONTWRITEBYTECODE``) every start
  compiles ~180 modules again (+0.2-0.3 s).
- ``*_phases_seconds``: one extra run of each, instrumented: exclusive wall seconds per phase
  (a phase's time minus the phases it calls), by wrapping the functions named in ``PHASES``;
  the wrappers cost time too (``instrumented_total`` against the clean total).
- ``kona_native``: ``kona-host-kvbin single --native`` (kona's host and client in one process,
  the reference build of /work/shared/reference) on the same preimages (``kv.bin``), same
  claim; skipped with the reason when the reference binaries are absent.
- ``--profile``: the top functions (cProfile, in-process run) by own time.

CPU seconds are the figures to compare on a loaded machine; wall seconds include waiting.
"""

import time

_STARTED = (time.monotonic(), time.process_time())  # before any other import (phase runs)

import argparse  # noqa: E402
import cProfile  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import pstats  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
WITNESS = ROOT / "tests" / "fixtures" / "fpp" / "op-sepolia-16491249"
TARGETS = {"in_process_seconds": 1.0, "cli_seconds": 2.0, "peak_rss_mib": 300}


def boot_inputs(args: argparse.Namespace) -> dict[str, Any]:
    boot: dict[str, Any] = json.loads((WITNESS / "boot.json").read_text())
    boot["claimed_l2_block_number"] = args.claim_block or boot["claimed_l2_block_number"]
    boot["claimed_l2_output_root"] = args.claim_root or boot["claimed_l2_output_root"]
    return boot


def load(args: argparse.Namespace) -> dict[bytes, bytes]:
    from op_program.host.witness import read_witness
    from op_program.preimage.keys import local_key

    table = dict(read_witness(WITNESS / "preimages.json.gz"))
    boot = boot_inputs(args)
    table[local_key(1)] = bytes.fromhex(boot["l1_head"][2:])
    table[local_key(2)] = bytes.fromhex(boot["agreed_l2_output_root"][2:])
    table[local_key(3)] = bytes.fromhex(boot["claimed_l2_output_root"][2:])
    table[local_key(4)] = int(boot["claimed_l2_block_number"]).to_bytes(8, "big")
    table[local_key(5)] = int(boot["l2_chain_id"]).to_bytes(8, "big")
    return table


class TableOracle:
    """The witness as the client's preimage source and hint sink (counting, nothing else)."""

    def __init__(self, table: dict[bytes, bytes]) -> None:
        self.table = table
        self.requests = 0
        self.hints = 0

    def get(self, key: bytes) -> bytes:
        self.requests += 1
        return self.table[key]

    def hint(self, hint: str) -> None:
        self.hints += 1


# ---------------------------------------------------------------- phase instrumentation

PHASES: list[tuple[str, str, str, str]] = [
    # (phase, module, owner class or "" for a module function, attribute)
    ("prologue", "op_program.client.program", "", "load_boot_info"),
    ("prologue", "op_program.client.program", "", "_agreed_chain"),
    ("derivation", "op_program.derive.pipeline", "DerivationPipeline", "next_attributes"),
    ("blob_fetch", "op_program.client.blobs", "OracleBlobSource", "_fetch"),
    ("kzg", "op_program.client.blobs", "", "blobs_match_commitments"),
    ("kzg", "op_program.client.blobs", "", "verify_blob"),
    ("execution", "op_program.client.execution", "OracleBlockBuilder", "build"),
    ("output_root", "op_program.client.program", "", "output_root_of"),
    ("client_oracle", "op_program.client.oracle", "ClientOracle", "get_uncached"),
    ("host_prefetcher", "op_program.host.prefetcher", "Prefetcher", "get"),
    ("datadir_reads", "op_program.host.kvstore.directory", "HexFileKV", "get"),
]
"""Where each phase's time is taken. Nested phases are exclusive: the oracle's time is not
counted in the derivation that asked; the datadir's not in the oracle's."""


class PhaseClock:
    """Exclusive wall time per phase, from wrappers around the functions of ``PHASES``."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = {}
        self._children: list[float] = []

    def install(self) -> None:
        import importlib

        for phase, module_name, owner_name, attribute in PHASES:
            module = importlib.import_module(module_name)
            owner = getattr(module, owner_name) if owner_name else module
            setattr(owner, attribute, self._timed(phase, getattr(owner, attribute)))

    def _timed(self, phase: str, function: Callable[..., Any]) -> Callable[..., Any]:
        clock, children, counter = self, self._children, time.perf_counter
        self.totals.setdefault(phase, 0.0)

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = counter()
            children.append(0.0)
            try:
                return function(*args, **kwargs)
            finally:
                elapsed = counter() - start
                clock.totals[phase] += elapsed - children.pop()
                if children:
                    children[-1] += elapsed

        return timed


def _rounded(values: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 3) for k, v in values.items()}


# ---------------------------------------------------------------- in-process

def in_process_once(args: argparse.Namespace) -> dict[str, Any]:
    """One timed run in this (fresh) interpreter; with --phases an instrumented one."""
    import logging

    from op_program.client.program import run

    logging.disable(logging.WARNING)  # "dropping batch" lines are expected on this witness
    oracle = TableOracle(load(args))
    clock = PhaseClock() if args.phases else None
    if clock is not None:
        clock.install()
    profile = cProfile.Profile() if args.profile else None
    start, cpu = time.perf_counter(), time.process_time()
    if profile is not None:
        profile.enable()
    code = run(oracle, oracle)
    if profile is not None:
        profile.disable()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    result: dict[str, Any] = {
        "exit_code": code, "seconds": round(seconds, 3), "cpu_seconds": round(cpu, 3),
        "preimages_requested": oracle.requests, "hints": oracle.hints,
        "peak_rss_mib_incl_witness_table":
            round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    if clock is not None:
        phases = dict(clock.totals)
        phases["driver_and_other"] = seconds - sum(phases.values())
        result["phases"] = _rounded(phases)
    if profile is not None:
        result["top_functions"] = _top_functions(profile)
    return result


def _top_functions(profile: cProfile.Profile, count: int = 20) -> list[str]:
    stats = pstats.Stats(profile)
    rows = sorted(stats.stats.items(), key=lambda item: -item[1][2])  # type: ignore[attr-defined]
    out = []
    for (filename, line, name), (_, calls, own, cumulative, _) in rows[:count]:
        where = filename.split("/src/")[-1].split("site-packages/")[-1]
        out.append(f"{own:.3f}s own {cumulative:.3f}s cum {calls} calls {where}:{line}({name})")
    return out


def _python(*argv: str) -> list[str]:
    return [sys.executable, *argv]


def _env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT / "src"))


def _run_json(argv: list[str]) -> dict[str, Any]:
    done = subprocess.run(argv, env=_env(), capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise SystemExit(f"{argv} failed: {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    cpu = [r["cpu_seconds"] for r in runs]
    wall = [r["seconds"] for r in runs]
    summary = {k: v for k, v in runs[0].items() if k not in ("seconds", "cpu_seconds")}
    summary.update({
        "runs": len(runs), "exit_codes": sorted({r["exit_code"] for r in runs}),
        "cpu_seconds_min": min(cpu), "cpu_seconds_median": round(statistics.median(cpu), 3),
        "seconds_min": min(wall), "seconds_median": round(statistics.median(wall), 3),
    })
    summary.pop("exit_code", None)
    return summary


def _claim_flags(args: argparse.Namespace) -> list[str]:
    flags = []
    if args.claim_block:
        flags += ["--claim-block", str(args.claim_block)]
    if args.claim_root:
        flags += ["--claim-root", args.claim_root]
    return flags


def in_process(args: argparse.Namespace) -> tuple[dict[str, Any], dict[str, Any]]:
    me = str(Path(__file__).resolve())
    runs = [_run_json(_python(me, "--in-process-once", *_claim_flags(args)))
            for _ in range(args.reps)]
    phased = _run_json(_python(me, "--in-process-once", "--phases", *_claim_flags(args)))
    summary = _summary(runs)
    phases = _with_cpu_estimate(phased.pop("phases"), phased["seconds"],
                                summary["cpu_seconds_min"])
    if args.profile:
        profiled = _run_json(_python(me, "--in-process-once", "--profile", *_claim_flags(args)))
        summary["top_functions_cprofile"] = profiled["top_functions"]
    return summary, phases


def _with_cpu_estimate(phases: dict[str, float], instrumented: float,
                       clean_cpu: float) -> dict[str, Any]:
    """The instrumented run's wall seconds per phase, and each phase's share of the clean CPU.

    The wrappers read a wall clock (a CPU clock costs ~1 us a call, ~0.3 s over the 150k
    wrapped calls); on a loaded machine waiting is spread over all phases, so shares of the
    clean run's CPU time are the figures to compare.
    """
    total = sum(phases.values()) or 1.0
    return {
        "wall_seconds_instrumented": _rounded(phases),
        "instrumented_total_seconds": round(instrumented, 3),
        "cpu_seconds_estimate": {k: round(v / total * clean_cpu, 3) for k, v in phases.items()},
    }


# ---------------------------------------------------------------- CLI

def cli_argv(boot: dict[str, Any], datadir: str) -> list[str]:
    return [
        "--network", boot["network"], "--l1.head", boot["l1_head"],
        "--l2.head", boot["agreed_l2_head_hash"],
        "--l2.outputroot", boot["agreed_l2_output_root"],
        "--l2.claim", boot["claimed_l2_output_root"],
        "--l2.blocknumber", str(boot["claimed_l2_block_number"]),
        "--datadir", datadir, "--log.level", "error"]


def _wait(argv: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env or _env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    # wait4: this child's own usage (RUSAGE_CHILDREN would give the largest child so far).
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {"exit_code": proc.returncode, "seconds": round(time.perf_counter() - start, 3),
            "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3),
            "peak_rss_mib": round(usage.ru_maxrss / 1024, 1)}


def cli(args: argparse.Namespace, datadir: str) -> tuple[dict[str, Any], dict[str, Any]]:
    subprocess.run(_python("-m", "compileall", "-q", str(ROOT / "src" / "op_program")),
                   check=True, stdout=subprocess.DEVNULL)
    argv = cli_argv(boot_inputs(args), datadir)
    runs = [_wait(_python("-m", "op_program.cli.main", *argv)) for _ in range(args.reps)]
    summary = _summary(runs)
    summary["peak_rss_mib"] = max(r["peak_rss_mib"] for r in runs)
    summary["bytecode"] = "compiled (compileall), as installed"
    with tempfile.TemporaryDirectory(prefix="prove-witness-phases-") as tmp:
        out = Path(tmp) / "phases.json"
        spawned = time.monotonic()
        phased = _wait(_python(str(Path(__file__).resolve()), "--cli-phases", str(out), "--",
                               *argv))
        phases = json.loads(out.read_text())
    phases["interpreter_start"] = round(phases.pop("started_monotonic") - spawned, 3)
    summary["interpreter_start_cpu_seconds"] = phases.pop("started_cpu")
    return summary, _with_cpu_estimate(phases, phased["seconds"], summary["cpu_seconds_min"])


def cli_phases(out: str, argv: list[str]) -> int:
    """The instrumented CLI run (a fresh interpreter): imports, then the phases of the proof."""
    started = time.perf_counter()
    import op_program.cli.main as cli_main
    import op_program.client.program
    import op_program.host.runner  # noqa: F401 - imported to time it

    imported = time.perf_counter()
    clock = PhaseClock()
    clock.install()
    code = cli_main.main(argv)
    finished = time.perf_counter()
    phases = dict(clock.totals)
    phases["imports"] = imported - started
    phases["host_setup_driver_and_other"] = finished - imported - sum(clock.totals.values())
    result = _rounded(phases)
    result["started_monotonic"] = _STARTED[0]
    result["started_cpu"] = round(_STARTED[1], 3)
    Path(out).write_text(json.dumps(result))
    return code


def import_datadir(datadir: str) -> float:
    start = time.perf_counter()
    subprocess.run(_python("-m", "op_program.cli.main", "witness", "import", "--data.format",
                           "directory", str(WITNESS / "preimages.json.gz"), datadir),
                   check=True, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return round(time.perf_counter() - start, 3)


# ---------------------------------------------------------------- kona

def kona_native(args: argparse.Namespace) -> dict[str, Any]:
    """kona-host-kvbin in native mode (host and kona's client in one process) on kv.bin."""
    sys.path.insert(0, str(ROOT))
    from tests.reference_bins import reference_binary

    try:
        host = reference_binary("kona-host-kvbin")
    except BaseException as exc:  # noqa: BLE001 - pytest's skip/fail outcome: report it
        return {"skipped": str(exc)}
    boot = boot_inputs(args)
    with tempfile.TemporaryDirectory(prefix="prove-witness-kona-") as tmp:
        write_kv_bin(Path(tmp) / "kv.bin")
        argv = [str(host), "single", "--native", "--data-dir", tmp,
                "--l1-head", boot["l1_head"],
                "--agreed-l2-head-hash", boot["agreed_l2_head_hash"],
                "--agreed-l2-output-root", boot["agreed_l2_output_root"],
                "--claimed-l2-output-root", boot["claimed_l2_output_root"],
                "--claimed-l2-block-number", str(boot["claimed_l2_block_number"]),
                "--l2-chain-id", str(boot["l2_chain_id"]), "-q"]
        runs = [_wait(argv, env=dict(os.environ)) for _ in range(args.reps)]
    summary = _summary(runs)
    summary["peak_rss_mib"] = max(r["peak_rss_mib"] for r in runs)
    summary["binary"] = "kona-host-kvbin single --native (kona-client program in-process)"
    return summary


def write_kv_bin(path: Path) -> None:
    """kona-host-kvbin's store: repeated 32-byte typed key, u32 big-endian length, value."""
    from op_program.host.witness import read_witness

    with path.open("wb") as out:
        for key, value in read_witness(WITNESS / "preimages.json.gz"):
            out.write(key + len(value).to_bytes(4, "big") + value)


# ---------------------------------------------------------------- child (real pipes)

def child(args: argparse.Namespace) -> dict[str, Any]:
    from op_program.preimage.process import pin_to_cpu, shared_cpu, spawn_client
    from op_program.preimage.server import HintServer, OracleServer

    oracle = TableOracle(load(args))
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


# ---------------------------------------------------------------- main

def everything(args: argparse.Namespace) -> dict[str, Any]:
    result: dict[str, Any] = {
        "witness": "op-sepolia-16491249 (tests/fixtures/fpp)",
        "cpus": os.cpu_count(), "load_average_1m_at_start": round(os.getloadavg()[0], 2),
        "targets": TARGETS,
    }
    result["in_process"], result["in_process_phases_seconds"] = in_process(args)
    own = args.datadir is None
    datadir = tempfile.mkdtemp(prefix="prove-witness-") if own else args.datadir
    try:
        if own:
            result["datadir_import_seconds"] = import_datadir(datadir)
        result["cli"], result["cli_phases_seconds"] = cli(args, datadir)
    finally:
        if own:
            shutil.rmtree(datadir, ignore_errors=True)
    if not args.no_kona:
        result["kona_native"] = kona_native(args)
    result["load_average_1m_at_end"] = round(os.getloadavg()[0], 2)
    return result


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--cli-phases":
        return cli_phases(sys.argv[2], sys.argv[4:])
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claim-block", type=int)
    parser.add_argument("--claim-root")
    parser.add_argument("--reps", type=int, default=3, help="clean runs per mode (default 3)")
    parser.add_argument("--no-kona", action="store_true", help="skip the kona comparison")
    parser.add_argument("--datadir", help="an existing directory datadir of the witness")
    parser.add_argument("--profile", action="store_true", help="cProfile top functions")
    parser.add_argument("--child", action="store_true", help="the client on real pipes")
    parser.add_argument("--in-process-once", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--phases", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.in_process_once:
        result = in_process_once(args)
    elif args.child:
        result = child(args)
    else:
        result = everything(args)
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
