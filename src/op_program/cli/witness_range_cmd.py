"""``op-program witness generate --from N --to M``: one witness per step, on the distributed engine.

Spec: fault-proof/index.md, "Bootstrapping" (each step's boot inputs), issue 13. ``--from N`` is
the first *claimed* block, as in ``verify-range``: step ``(N-1, N-1+K]`` proves the rollup node's
output root at ``N-1+K`` from its root at ``N-1`` (``host.witness_range.plan_steps``). Each step
is ``host.witness_gen.generate_step`` mapped over the workers of ``op_program.distributed``
(``--workers K`` local processes, or ``--cluster ADDRESS``); this module knows nothing of Dask.

Steps finish in any order: the manifest is rewritten after each one, its entries in block
order. A step that fails stops the run (exit 2): the tasks still running are cancelled, the
witnesses already written stay, each with its manifest entry. Ctrl-C does the same. After the
engine is closed, a planned file that this run did not record as written is removed (a stale
file of an earlier run, or one a cancelled local worker renamed into place before it was
stopped), so the directory's witness files are exactly the manifest's written entries.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from op_program.cli.progress import progress
from op_program.cli.witness_manifest import Manifest
from op_program.errors import UsageError
from op_program.exit_codes import ExitCode
from op_program.redact import redact_urls_in

if TYPE_CHECKING:
    from op_program.cli.progress import Tracker
    from op_program.host.witness_gen import StepParams, StepResult
    from op_program.host.witness_range import RollupNode

_log = logging.getLogger("op_program.cli.witness")


@dataclass(frozen=True, slots=True)
class RangeRun:
    """How a range runs: the steps, where the files go, and the engine's options."""

    steps: list[tuple[int, int]]
    out_dir: Path
    file_format: str
    workers: int
    cluster: str | None
    retries: int
    shared_store: bool


def add_engine_flags(gen: Any) -> None:
    """``--workers``, ``--cluster``, ``--retries`` and ``--no-shared-store`` (as verify-range)."""
    gen.add_argument("--workers", type=int, default=0, metavar="K",
                     help="range: worker processes of the local cluster (default: one per CPU)")
    gen.add_argument("--cluster", default=None, metavar="ADDRESS",
                     help="range: a running Dask scheduler (tcp://host:8786) instead of a local "
                          "cluster; its workers need op-program installed and must be able to "
                          "write OUT")
    gen.add_argument("--retries", type=int, default=2, metavar="R",
                     help="range: re-runs of a step whose worker died (default 2)")
    gen.add_argument("--no-shared-store", dest="shared_store", action="store_false",
                     help="range: do not share a temporary LMDB preimage cache between the "
                          "local workers (each step fetches everything itself)")


def step_file(file_format: str, step: tuple[int, int]) -> str:
    """The witness file name of a range step (in the output directory)."""
    return f"{step[0]}-{step[1]}.{file_format}"


def run_steps(run: RangeRun, node: RollupNode, params_of: Any, print_result: Any) -> int:
    """Generate every step's witness on the engine; return 0, or 2 once a step failed.

    ``params_of(agreed, claimed, out, shared_store)`` builds a step's ``StepParams`` from the
    rollup node's outputs (``node``); ``print_result`` prints one step's line.
    """
    for name, value in (("--workers", run.workers), ("--retries", run.retries)):
        if value < 0:
            raise UsageError(f"{name} must not be negative")
    run.out_dir.mkdir(parents=True, exist_ok=True)
    planned = {step_file(run.file_format, step): step for step in run.steps}
    manifest = Manifest(run.out_dir, set(planned))
    with contextlib.ExitStack() as stack:
        shared: str | None = None
        if run.shared_store and run.cluster is None:
            shared = stack.enter_context(
                tempfile.TemporaryDirectory(prefix="op-program-witness-store-"))
            _create_lmdb(Path(shared))

        def tasks() -> Iterator[StepParams]:
            for step in run.steps:
                out = run.out_dir / step_file(run.file_format, step)
                yield params_of(node, step, str(out), shared)

        try:
            with progress("generating witnesses", unit=f"of {len(run.steps)} steps") as tracker:
                code = _map(run, tasks(), planned, manifest, print_result, tracker)
        except KeyboardInterrupt:
            print("op-program: error: interrupted: the witnesses written so far are kept, "
                  "with their manifest entries", file=sys.stderr, flush=True)
            code = int(ExitCode.ERROR)
        finally:
            _remove_unrecorded(run.out_dir, planned, manifest)
    return code


def _map(run: RangeRun, tasks: Iterator[StepParams], planned: dict[str, tuple[int, int]],
         manifest: Manifest, print_result: Any, tracker: Tracker) -> int:
    from op_program.distributed.engine import ClusterOptions, Engine
    from op_program.host.witness_gen import StepResult, generate_step

    options = ClusterOptions(workers=run.workers, address=run.cluster, retries=run.retries)
    with Engine(options) as engine:
        outcomes = engine.map_unordered(generate_step, tasks, name="witness-generate-step")
        try:
            for outcome in outcomes:
                params = outcome.item
                result = outcome.result
                if result is None:
                    result = StepResult(int(ExitCode.ERROR), params.out,
                                        f"task failed after retries: {outcome.error}")
                result = _explained(result, params)
                # Recorded before anything else: a Ctrl-C from here on keeps this witness.
                manifest.record(_entry(params, result, planned[Path(params.out).name]))
                print_result(result)
                tracker.advance()
                if result.exit_code == ExitCode.ERROR:
                    return int(ExitCode.ERROR)
        finally:
            outcomes.close()  # type: ignore[attr-defined]
    return int(ExitCode.VALID)


def _explained(result: StepResult, params: StepParams) -> StepResult:
    """A step whose claim proved invalid: name the likely cause (its batch is past the L1 head)."""
    if result.offline_verdict != ExitCode.INVALID or result.written:
        return result
    config = params.config
    return replace(result, message=(
        f"the rollup node's output root of L2 block {config.l2_claim_block_number} proves "
        f"invalid under L1 head 0x{config.l1_head.hex()}: its batch is most likely posted after "
        "that L1 head (by default the finalized one); use a lower --to or a later --l1.head; no "
        "witness written"))


def _entry(params: StepParams, result: StepResult, step: tuple[int, int]) -> dict[str, Any]:
    config = params.config
    entry: dict[str, Any] = {
        "file": Path(params.out).name, "written": result.written,
        "exit_code": result.exit_code,
        "l1_head": "0x" + config.l1_head.hex(), "l2_head": "0x" + config.l2_head.hex(),
        "l2_outputroot": "0x" + config.l2_output_root.hex(),
        "l2_claim": "0x" + config.l2_claim.hex(), "l2_chain_id": config.chain.l2_chain_id,
        "l2_agreed_blocknumber": step[0], "l2_blocknumber": step[1],
        "seconds": round(result.seconds_online + result.seconds_offline, 3),
        "preimages": result.preimages, "bytes": result.bytes,
        "rpc_requests": result.rpc_requests, "hints_run": result.hints_run,
    }  # fmt: skip
    if not result.written:
        entry["error"] = redact_urls_in(result.message)
    return entry


def _create_lmdb(path: Path) -> None:
    """Create the shared store once, before the workers open it concurrently."""
    from op_program.host.kvstore.base import DataFormat
    from op_program.host.kvstore.disk import open_disk_kv

    open_disk_kv(path, DataFormat.LMDB, label="shared preimage store").close()


def _remove_unrecorded(out_dir: Path, planned: dict[str, tuple[int, int]],
                       manifest: Manifest) -> None:
    written = manifest.written_files()
    for name in planned:
        if name not in written:
            (out_dir / name).unlink(missing_ok=True)

