"""``op-program execute-block FIXTURE_DIR``: rebuild one L2 block and compare its hash (DESIGN §8).

Spec: DESIGN §8 (exit 0 match, 1 mismatch, 2 error) over the ``tests/fixtures/executor``
format (fixtures/README.md). Prints one JSON object: ``block_hash``, ``expected_block_hash``,
``match``, ``gas_used``, ``transactions``, ``seconds``, plus ``output_root`` when the state it
needs is at hand. The executor (py-evm) is imported only when a block is built, so the
command line starts fast. ``--reps N`` is the benchmark mode of ``execute_block_bench`` (timed
like kona-exec-bench; one JSON line per fixture, several fixtures at once).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from op_program.cli.execute_block_bench import reps_argument, run_bench
from op_program.cli.progress import progress
from op_program.encoding.hex import bytes_to_hex
from op_program.errors import OpProgramError
from op_program.exit_codes import ExitCode

if TYPE_CHECKING:
    from op_program.executor.builder import BlockResult
    from op_program.executor.fixture import BlockFixture


def register(subparsers: Any) -> None:
    """Add the ``execute-block`` subcommand."""
    parser = subparsers.add_parser(
        "execute-block", help="build one L2 block from a fixture directory",
        description=(
            "Build the block described by FIXTURE_DIR (fixture.json + preimages.json.gz) and "
            "compare its hash with the expected one. Exit 0 on a match, 1 on a mismatch, "
            "2 on an error."
        ),
    )
    parser.add_argument("fixture_dir", metavar="FIXTURE_DIR", help="fixture directory")
    parser.add_argument(
        "more_dirs", nargs="*", metavar="FIXTURE_DIR",
        help="further fixture directories (only with --reps)",
    )
    parser.add_argument(
        "--reps", type=reps_argument, default=None, metavar="N",
        help=(
            "benchmark mode, as kona-exec-bench: load each fixture once, build its block N "
            "times from a fresh state (first, cold, build reported apart) and print one JSON "
            "line per fixture with match, gas_used, seconds_first/min/median (wall and CPU), "
            "load, import and start-up seconds"
        ),
    )
    parser.set_defaults(func=run)


def load_fixture_dir(path: Path) -> BlockFixture:
    """Read and parse ``fixture.json`` and ``preimages.json.gz`` from ``path``.

    Raises:
        FixtureError: a file is missing, unreadable or malformed.
    """
    import gzip

    from op_program.executor.fixture import FixtureError, parse_fixture

    try:
        fixture = json.loads((path / "fixture.json").read_text())
        with gzip.open(path / "preimages.json.gz", "rt") as fh:
            preimages = json.load(fh)
    except (OSError, EOFError, ValueError) as exc:
        raise FixtureError(f"cannot read fixture at {path}: {exc}") from exc
    if not isinstance(fixture, dict) or not isinstance(preimages, dict):
        raise FixtureError(f"fixture at {path} is not a JSON object")
    return parse_fixture(fixture, preimages)


def execute_fixture(fixture: BlockFixture) -> tuple[BlockResult, float]:
    """Build the fixture's block; return it with the seconds the build took."""
    from op_program.executor.builder import build_block
    from op_program.executor.source import MappingStateSource

    source = MappingStateSource(fixture.preimages)
    start = time.perf_counter()
    result = build_block(fixture.config, fixture.parent, fixture.attributes, source)
    return result, time.perf_counter() - start


def report(fixture: BlockFixture, result: BlockResult, seconds: float) -> dict[str, Any]:
    """The JSON report of one execution."""
    from op_program.executor.source import MappingStateSource

    out: dict[str, Any] = {
        "block_number": result.header.number,
        "block_hash": bytes_to_hex(result.block_hash),
        "expected_block_hash": bytes_to_hex(fixture.expected_block_hash),
        "match": result.block_hash == fixture.expected_block_hash,
        "gas_used": result.header.gas_used,
        "transactions": len(result.transactions),
        "seconds": round(seconds, 4),
    }
    try:
        out["output_root"] = bytes_to_hex(
            result.output_root(MappingStateSource(fixture.preimages).node_by_hash)
        )
    except OpProgramError:
        out["output_root"] = None  # the fixture's witness lacks the message-passer path
    return out


def run(args: argparse.Namespace) -> int:
    """Execute the fixture (or, with ``--reps``, benchmark each); return the exit code."""
    more = getattr(args, "more_dirs", None) or []
    reps = getattr(args, "reps", None)
    if reps is not None:
        return run_bench([Path(args.fixture_dir), *map(Path, more)], reps)
    if more:
        print("op-program: execute-block: several fixture directories need --reps",
              file=sys.stderr)
        return int(ExitCode.ERROR)
    try:
        with progress("execute-block") as tracker:
            tracker.status("reading the fixture")
            fixture = load_fixture_dir(Path(args.fixture_dir))
            tracker.status(f"building block with {len(fixture.attributes.transactions)} "
                           "transactions")
            result, seconds = execute_fixture(fixture)
    except OpProgramError as exc:
        print(f"op-program: execute-block: {type(exc).__name__}: {exc}", file=sys.stderr)
        return int(ExitCode.ERROR)
    out = report(fixture, result, seconds)
    print(json.dumps(out, indent=2))
    return int(ExitCode.VALID if out["match"] else ExitCode.INVALID)
