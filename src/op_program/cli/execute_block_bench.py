"""``op-program execute-block --reps N DIR...``: time block building as kona-exec-bench does.

Why: ``kona-exec-bench`` (of the reference binaries, see their README) loads a
fixture's preimages into a map once, then N times makes a new ``StatelessL2Builder`` over that map
and times ``build_block`` alone; its process start-up and input loading are not timed. Timing
``op-program execute-block`` as a whole process compares a Python start-up (~0.5-0.8 s of
imports) with milliseconds of kona's block building. This mode measures what kona measures:

- the fixture is read and parsed once (``load_seconds``, not in the build times);
- every repetition builds from a fresh state: a new ``MappingStateSource`` over the parsed
  preimage map (kona: a new builder over its map), so every trie node is fetched, hash-checked
  and decoded again and every contract's code loaded again; the executor's per-code caches
  (jump destinations, straight-line blocks) are emptied before each repetition
  (``evm_backend.code_caches``, which also lists what stays warm and why), and the garbage of the
  repetition before is collected outside the timing;
- ``seconds_first`` is the first (cold) repetition: the first block built in this process pays
  for the interpreter's bytecode specialisation and for tables built on first use; it is counted
  in ``seconds_min`` / ``seconds_median`` as kona counts its own first repetition;
- wall seconds (``time.perf_counter``; kona's ``Instant``) and CPU seconds of this process
  (``time.process_time``; the figure to compare on a shared machine) are both reported;
  ``seconds_median`` is the element at index ``N // 2`` of the sorted times, kona's definition;
- ``startup_seconds``: the process's age when the executor has been imported and the first
  fixture is about to be read (interpreter start plus all imports), from ``/proc/self/stat``
  (Linux, clock-tick resolution, 10 ms here; null elsewhere); ``import_seconds`` the part of it
  spent importing the executor.

Output: one JSON line per fixture, in the order given. Exit 0 when every block matched, 1 when
one did not (and none failed), 2 when a fixture could not be read or built (its line then has
``error``; a failure is never a verdict), as the one-fixture mode.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from op_program.encoding.hex import bytes_to_hex
from op_program.errors import OpProgramError
from op_program.exit_codes import ExitCode

if TYPE_CHECKING:
    from op_program.executor.builder import BlockResult
    from op_program.executor.fixture import BlockFixture

MAX_REPS = 1000
"""Upper bound of ``--reps`` (a typo such as 10000000 would otherwise run for days)."""


def reps_argument(text: str) -> int:
    """``--reps``: an integer from 1 to ``MAX_REPS`` (a usage error, exit 2, otherwise)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_REPS:
        raise argparse.ArgumentTypeError(f"must be an integer from 1 to {MAX_REPS}, not {text!r}")
    return value


def process_age_seconds() -> float | None:
    """Seconds since this process started (Linux ``/proc``, clock-tick resolution), or None."""
    try:
        stat = Path("/proc/self/stat").read_text()
        start_ticks = int(stat.rsplit(")", 1)[1].split()[19])  # field 22, starttime
        return time.clock_gettime(time.CLOCK_BOOTTIME) - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def _kona_median(values: Sequence[float]) -> float:
    return sorted(values)[len(values) // 2]


def time_builds(fixture: BlockFixture, reps: int) -> tuple[BlockResult, list[float], list[float]]:
    """Build the fixture's block ``reps`` times from a fresh state; wall and CPU seconds each.

    Raises:
        OpProgramError: a build failed, or two repetitions built different blocks.
    """
    from op_program.executor.builder import build_block
    from op_program.executor.evm_backend.code_caches import clear_per_code_caches
    from op_program.executor.source import MappingStateSource

    walls: list[float] = []
    cpus: list[float] = []
    first: BlockResult | None = None
    for _ in range(reps):
        clear_per_code_caches()
        gc.collect()
        source = MappingStateSource(fixture.preimages)
        wall, cpu = time.perf_counter(), time.process_time()
        result = build_block(fixture.config, fixture.parent, fixture.attributes, source)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        walls.append(round(wall, 6))
        cpus.append(round(cpu, 6))
        if first is None:
            first = result
        elif result.block_hash != first.block_hash:
            raise OpProgramError(
                f"repetitions built different blocks: {bytes_to_hex(first.block_hash)} "
                f"and {bytes_to_hex(result.block_hash)}"
            )
    assert first is not None  # reps >= 1
    return first, walls, cpus


def bench_line(path: Path, reps: int, ready: dict[str, Any]) -> dict[str, Any]:
    """Load, build ``reps`` times and describe one fixture (``error`` set when that failed)."""
    from op_program.cli.execute_block_cmd import load_fixture_dir

    line: dict[str, Any] = {"fixture": str(path)}
    try:
        start = time.perf_counter()
        fixture = load_fixture_dir(path)
        line["load_seconds"] = round(time.perf_counter() - start, 4)
        result, walls, cpus = time_builds(fixture, reps)
    except OpProgramError as exc:
        line["error"] = f"{type(exc).__name__}: {exc}"
        return line
    line.update({
        "block_number": result.header.number,
        "match": result.block_hash == fixture.expected_block_hash,
        "gas_used": result.header.gas_used,
        "transactions": len(result.transactions),
        "reps": reps,
        "seconds_first": walls[0],
        "seconds_min": min(walls),
        "seconds_median": _kona_median(walls),
        "cpu_seconds_first": cpus[0],
        "cpu_seconds_min": min(cpus),
        "cpu_seconds_median": _kona_median(cpus),
        "seconds_all": walls,
        **ready,
    })
    return line


def run_bench(paths: Sequence[Path], reps: int) -> int:
    """Time every fixture; print one JSON line each; return the exit code."""
    start = time.perf_counter()
    import op_program.executor.builder  # noqa: F401 - imported before any timing

    ready = {"startup_seconds": process_age_seconds(),
             "import_seconds": round(time.perf_counter() - start, 4)}
    if ready["startup_seconds"] is not None:
        ready["startup_seconds"] = round(ready["startup_seconds"], 3)
    codes = []
    for path in paths:
        line = bench_line(path, reps, ready)
        print(json.dumps(line), flush=True)
        if "error" in line:
            print(f"op-program: execute-block: {path}: {line['error']}", file=sys.stderr)
            codes.append(ExitCode.ERROR)
        else:
            codes.append(ExitCode.VALID if line["match"] else ExitCode.INVALID)
    if ExitCode.ERROR in codes:
        return int(ExitCode.ERROR)
    return int(ExitCode.INVALID if ExitCode.INVALID in codes else ExitCode.VALID)
