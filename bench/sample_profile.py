"""Sampling profile of the executor on the real fixtures: per phase and per hot function.

Usage: python bench/sample_profile.py [--interval-ms 1] [--top 30] [--reps 1] [FIXTURE_DIR ...]

cProfile's per-call overhead inflates call-heavy code (the interpreter's opcode functions,
py-evm's journal) three- to four-fold and distorts the shares; this profiler instead samples
the running stack on a CPU-time timer (``ITIMER_PROF``), so the shares are those of the
unprofiled program. A sample is attributed to the first phase whose marker function is on
the stack (innermost first), and to its innermost function ("self") and to every function
on the stack ("total"). Prints one JSON object.
"""

import argparse
import collections
import json
import signal
import sys
import time
from pathlib import Path
from types import FrameType
from typing import Any

from op_program.cli.execute_block_cmd import execute_fixture, load_fixture_dir
from op_program.executor.evm_backend.code_caches import clear_per_code_caches

DEFAULT_DIR = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "executor"
# (phase, marker function names): the innermost marker on the stack names the phase.
PHASES: tuple[tuple[str, frozenset[str]], ...] = (
    ("precompiles", frozenset({"precompile_table.py:run"})),
    ("state commit / roots", frozenset({"backend.py:_roots", "world_state.py:make_state_root"})),
    ("state reads (storage/account/code, trie)", frozenset({
        "state.py:get_storage", "state.py:get_balance", "state.py:get_code",
        "state.py:get_nonce", "state.py:get_code_hash", "state.py:account_exists",
        "state.py:account_is_empty", "account.py:get_storage", "account.py:get_code",
        "state.py:is_storage_warm", "state.py:set_storage", "account.py:set_storage",
        "state_db.py:get", "state_db.py:get_code", "account.py:_get_encoded_account",
        "store.py:get_storage", "store.py:get_account", "store.py:get_code",
        "store.py:set_storage",
    })),
    ("frames: snapshot/commit/revert, message set-up", frozenset({
        "state.py:snapshot", "state.py:revert", "state.py:commit",
        "computation.py:generate_child_computation", "computation.py:apply_child_computation",
        "computation.py:__init__", "computation.py:__exit__", "message.py:__init__",
        "frames.py:run_message", "frames.py:snapshot", "frames.py:revert",
        "backend.py:snapshot", "backend.py:revert", "backend.py:commit",
        "message.py:run_message", "creation.py:run_create", "computation.py:top_frame",
        "computation.py:hand_back",
    })),
    ("interpreter", frozenset({"loop.py:run_frame"})),
    ("transaction set-up / settle (py-evm executor)", frozenset({
        "backend.py:execute", "backend.py:system_call",
    })),
    ("tx decode, sender recovery, validity, fees, receipts", frozenset({
        "builder.py:build_block",
    })),
    ("fixture load / other", frozenset({"execute_block_cmd.py:execute_fixture"})),
)


def _name(frame: FrameType) -> str:
    return f"{Path(frame.f_code.co_filename).name}:{frame.f_code.co_name}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dirs", nargs="*", type=Path)
    parser.add_argument("--interval-ms", type=float, default=1.0)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument(
        "--reps", type=int, default=1,
        help="build each fixture this many times, the per-code caches emptied before each "
             "(as `op-program execute-block --reps` times it)")
    args = parser.parse_args()
    dirs = args.dirs or sorted(p for p in DEFAULT_DIR.glob("*") if (p / "fixture.json").exists())
    phases: collections.Counter[str] = collections.Counter()
    self_hits: collections.Counter[str] = collections.Counter()
    total_hits: collections.Counter[str] = collections.Counter()
    active = False

    def sample(_signum: int, frame: FrameType | None) -> None:
        if not active or frame is None:
            return
        names = []
        while frame is not None:
            names.append(_name(frame))
            frame = frame.f_back
        self_hits[names[0]] += 1
        for name in set(names):
            total_hits[name] += 1
        for name in names:
            for phase, markers in PHASES:
                if name in markers:
                    phases[phase] += 1
                    return
        phases["outside"] += 1

    fixtures = [load_fixture_dir(path) for path in dirs]
    import op_program.executor.builder  # noqa: F401 - imports are not the executor's time
    signal.signal(signal.SIGPROF, sample)
    interval = args.interval_ms / 1000
    signal.setitimer(signal.ITIMER_PROF, interval, interval)
    cpu = time.process_time()
    active = True
    for fixture in fixtures:
        for _ in range(args.reps):
            clear_per_code_caches()
            execute_fixture(fixture)
    active = False
    cpu = time.process_time() - cpu
    signal.setitimer(signal.ITIMER_PROF, 0, 0)
    count = sum(phases.values()) or 1

    def share(counter: collections.Counter[str], top: int) -> list[Any]:
        return [[name, round(100 * hits / count, 1)] for name, hits in counter.most_common(top)]

    print(json.dumps({
        "cpu_seconds": round(cpu, 3), "samples": count,
        "phases_percent": share(phases, len(PHASES) + 1),
        "self_percent": share(self_hits, args.top),
        "total_percent": share(total_hits, args.top),
    }, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
