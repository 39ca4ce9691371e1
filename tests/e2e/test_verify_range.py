"""``op-program verify-range`` on a devnet of 100+ L2 blocks, two Dask worker processes.

One devnet is built per module and served on loopback; the valid run over the whole range is
done once (module fixture) and its store reused: a tampered claim then costs two proofs.
"""

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from op_program.devnet.host_run import write_chain_files
from op_program.devnet.network import Devnet
from op_program.devnet.rpc_server import Endpoints, _handler_class, serve_devnet, serving
from op_program.distributed.engine import ClusterOptions
from op_program.encoding.hex import bytes_to_hex
from op_program.host.config import load_custom_chain
from op_program.verify_range.runner import RangeRequest, verify_range
from op_program.verify_range.task import BlockResult, NodeUrls, StepTask, Verdict, prove_step

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

LAST = 100
"""The range is blocks 1..LAST, each proven from its parent."""
TAMPERED = 50
WRONG_ROOT = bytes.fromhex("33" * 32)


@dataclass
class Net:
    devnet: Devnet
    endpoints: Endpoints
    workdir: Path
    chain_flags: list[str]

    def roots(self) -> dict[int, bytes]:
        return {b.number: b.output.root for b in self.devnet.sequencer.blocks}


def _build_devnet() -> Devnet:
    """L2 blocks up to the L1 head after each L1 block, batched right away: 100+ blocks."""
    devnet = Devnet()
    while len(devnet.sequencer.blocks) <= LAST:
        devnet.mine_l1()
        devnet.batcher.submit(devnet.sequence_to_l1_head())
    devnet.mine_l1()
    return devnet


@pytest.fixture(scope="module")
def net(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Net]:
    devnet = _build_devnet()
    workdir = tmp_path_factory.mktemp("verify-range")
    rollup, genesis, l1 = write_chain_files(devnet.proof_inputs(0, 1), workdir)
    flags = ["--rollup.config", str(rollup), "--l2.genesis", str(genesis),
             "--l1.chainconfig", str(l1)]
    try:
        with serve_devnet(devnet.l1, devnet.sequencer, devnet.rollup.l2_chain_id) as endpoints:
            yield Net(devnet, endpoints, workdir, flags)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _argv(net: Net, store: Path, first: int, last: int, *extra: str) -> list[str]:
    e = net.endpoints
    return [sys.executable, "-m", "op_program", "verify-range", *net.chain_flags,
            "--l1", e.l1, "--l1.beacon", e.beacon, "--l2", e.l2, "--from", str(first),
            "--to", str(last), "--workers", "2", "--store", str(store), "--json", *extra]


@dataclass
class Run:
    code: int
    steps: list[dict[str, Any]]
    summary: dict[str, Any]
    stderr: str


def _parse(code: int, stdout: str, stderr: str) -> Run:
    lines = [json.loads(line) for line in stdout.splitlines() if line.strip()]
    steps = [line for line in lines if "block" in line]
    summaries = [line["summary"] for line in lines if "summary" in line]
    assert len(summaries) == 1, (stdout, stderr)
    return Run(code, steps, summaries[0], stderr)


def _run_cli(argv: list[str]) -> Run:
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    return _parse(proc.returncode, proc.stdout, proc.stderr)


def _stored_blocks(store: Path) -> set[int]:
    with sqlite3.connect(store) as db:
        return {row[0] for row in db.execute("SELECT block FROM results")}


@pytest.fixture(scope="module")
def full_run(net: Net) -> tuple[Run, Path]:
    store = net.workdir / "full.sqlite3"
    return _run_cli(_argv(net, store, 1, LAST)), store


def test_a_valid_range_exits_0_with_a_line_per_block(net: Net,
                                                     full_run: tuple[Run, Path]) -> None:
    run, store = full_run
    assert run.code == 0, run.stderr
    assert sorted(s["block"] for s in run.steps) == list(range(1, LAST + 1))
    roots = net.roots()
    for step in run.steps:
        assert step["verdict"] == "valid" and not step["cached"]
        assert step["computed_root"] == step["claimed_root"] == bytes_to_hex(roots[step["block"]])
        assert step["gas_used"] > 0 and step["preimages"] > 0 and step["seconds"] > 0
    assert run.summary["valid"] == LAST and run.summary["exit_code"] == 0
    assert _stored_blocks(store) == set(range(1, LAST + 1))
    assert net.endpoints.l1.split("://")[1] not in run.stderr  # URLs are redacted in logs


def _tampered_rollup_node(net: Net, block: int, root: bytes) -> Any:
    """A rollup node that reports ``root`` at ``block`` and the sequencer's roots elsewhere."""
    blocks = net.devnet.sequencer.blocks

    def output_at(params: list[Any]) -> Any:
        b = blocks[int(params[0], 16)]
        reported = root if b.number == block else b.output.root
        return {"outputRoot": bytes_to_hex(reported),
                "blockRef": {"hash": bytes_to_hex(b.header.hash), "number": b.number}}

    return serving(_handler_class({"optimism_outputAtBlock": output_at}, None))


def test_a_tampered_claim_exits_1_naming_the_block(net: Net, full_run: tuple[Run, Path],
                                                   tmp_path: Path) -> None:
    store = tmp_path / "tampered.sqlite3"
    shutil.copy(full_run[1], store)
    with _tampered_rollup_node(net, TAMPERED, WRONG_ROOT) as rollup_node:
        run = _run_cli(_argv(net, store, 1, LAST, "--rollup.node", rollup_node))
    assert run.code == 1, run.stderr
    by_block = {s["block"]: s for s in run.steps}
    bad = by_block[TAMPERED]
    assert bad["verdict"] == "invalid" and not bad["cached"]
    assert bad["claimed_root"] == bytes_to_hex(WRONG_ROOT)
    assert bad["computed_root"] == bytes_to_hex(net.roots()[TAMPERED])
    # The next step starts from the wrong root: it cannot be proven, and is not an error.
    assert by_block[TAMPERED + 1]["verdict"] == "unverified"
    proven = {b for b, s in by_block.items() if not s["cached"]}
    assert proven == {TAMPERED, TAMPERED + 1}  # every other verdict came from the store
    assert run.summary["first_invalid"] == {
        "block": TAMPERED, "claimed_root": bytes_to_hex(WRONG_ROOT),
        "computed_root": bytes_to_hex(net.roots()[TAMPERED])}
    assert run.summary["error"] == 0 and run.summary["valid"] == LAST - 2


def kill_worker_once(victim: int, marker: Path, task: StepTask) -> BlockResult:
    """The real step, but the first attempt at ``victim`` SIGKILLs its worker process."""
    if task.block == victim and not marker.exists():
        marker.write_text(str(os.getpid()))
        os.kill(os.getpid(), signal.SIGKILL)
    return prove_step(task)


def test_a_killed_worker_is_retried_with_the_same_result(net: Net, tmp_path: Path,
                                                         full_run: tuple[Run, Path]) -> None:
    rollup, genesis, l1 = write_chain_files(net.devnet.proof_inputs(0, 1), tmp_path)
    e = net.endpoints
    request = RangeRequest(
        chain=load_custom_chain(rollup, genesis, l1), urls=NodeUrls(e.l1, e.beacon, e.l2),
        rollup_node=e.l2, first=20, last=27, store=tmp_path / "killed.sqlite3",
        cluster=ClusterOptions(workers=2), datadir=tmp_path / "preimages")  # fmt: skip
    marker = tmp_path / "killed"
    seen: list[BlockResult] = []
    report = verify_range(request, seen.append, partial(kill_worker_once, 23, marker))
    assert marker.exists(), "the victim step never ran"
    assert report.exit_code == 0
    expected = {s["block"]: s for s in full_run[0].steps}
    assert sorted(r.block for r in seen) == list(range(20, 28))
    for result in seen:
        assert result.verdict is Verdict.VALID
        assert bytes_to_hex(result.computed_root or b"") == expected[result.block]["computed_root"]
        assert result.gas_used == expected[result.block]["gas_used"]
    assert (tmp_path / "preimages" / "preimages.lmdb").stat().st_size > 0  # kept after the run


def test_a_rerun_after_an_interruption_proves_only_the_rest(net: Net, tmp_path: Path) -> None:
    store = tmp_path / "interrupted.sqlite3"
    first, last = 60, 83
    proc = subprocess.Popen(_argv(net, store, first, last), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    seen_before = 0
    for line in proc.stdout:
        if '"block"' in line:
            seen_before += 1
            if seen_before == 4:
                proc.send_signal(signal.SIGINT)
                break
    stdout, stderr = proc.communicate(timeout=120)
    interrupted = _parse(proc.returncode, stdout, stderr)
    assert proc.returncode == 2, stderr
    assert interrupted.summary["interrupted"] is True
    done = _stored_blocks(store)
    assert seen_before <= len(done) < last - first + 1
    rerun = _run_cli(_argv(net, store, first, last))
    assert rerun.code == 0, rerun.stderr
    cached = {s["block"] for s in rerun.steps if s["cached"]}
    proven = {s["block"] for s in rerun.steps if not s["cached"]}
    assert cached == done
    assert proven == set(range(first, last + 1)) - done
    assert _stored_blocks(store) == set(range(first, last + 1))


def test_span_steps_and_a_limit_then_the_rest(net: Net, tmp_path: Path) -> None:
    store = tmp_path / "span.sqlite3"
    limited = _run_cli(_argv(net, store, 31, 45, "--span", "5", "--limit", "2"))
    assert limited.code == 2, limited.stderr  # steps left undone: not a verdict
    assert len(limited.steps) == 2 and limited.summary["done"] == 2
    rest = _run_cli(_argv(net, store, 31, 45, "--span", "5"))
    assert rest.code == 0, rest.stderr
    assert sorted((s["block"], s["span"]) for s in rest.steps) == [(35, 5), (40, 5), (45, 5)]
    assert sum(1 for s in rest.steps if s["cached"]) == 2
    roots = net.roots()
    assert all(s["computed_root"] == bytes_to_hex(roots[s["block"]]) for s in rest.steps)


def test_a_block_not_yet_batched_is_refused_not_judged_invalid(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Blocks past the safe L2 block under the default (latest) L1 head: exit 2, one line.

    The last blocks are sequenced but never batched: under the latest L1 head the client judges
    the chain's own claim at such a block invalid (shown with that head given explicitly, which
    skips the check). The rollup node's ``optimism_syncStatus`` says which block is safe.
    """
    from op_program.cli.main import main
    from op_program.devnet.rpc_views import l2_handlers

    devnet = Devnet()
    devnet.mine_l1()
    batched = devnet.sequence_to_l1_head()
    devnet.batcher.submit(batched)
    devnet.mine_l1()
    safe = devnet.sequencer.head.ref.number
    devnet.sequence_to_l1_head()  # never batched
    devnet.mine_l1()
    last = devnet.sequencer.head.ref.number
    assert last > safe
    rollup, genesis, l1 = write_chain_files(devnet.proof_inputs(0, 1), tmp_path)
    status = {"safe_l2": {"number": safe}, "finalized_l2": {"number": 0}}
    node_methods = {"optimism_outputAtBlock": l2_handlers(
        devnet.sequencer, devnet.rollup.l2_chain_id)["optimism_outputAtBlock"],
        "optimism_syncStatus": lambda _: status}
    with serve_devnet(devnet.l1, devnet.sequencer, devnet.rollup.l2_chain_id) as e, \
            serving(_handler_class(node_methods, None)) as rollup_node:
        argv = ["verify-range", "--rollup.config", str(rollup), "--l2.genesis", str(genesis),
                "--l1.chainconfig", str(l1), "--l1", e.l1, "--l1.beacon", e.beacon, "--l2", e.l2,
                "--rollup.node", rollup_node, "--from", str(last), "--to", str(last),
                "--workers", "1", "--json"]
        capsys.readouterr()
        assert main([*argv, "--store", str(tmp_path / "a.sqlite3")]) == 2
        err = capsys.readouterr().err
        errors = [line for line in err.splitlines() if "error" in line.lower()]
        assert len(errors) == 1, err
        assert (f"L2 block {last} is not safe yet (the rollup node's safe L2 block is {safe})"
                in errors[0])
        assert _stored_blocks(tmp_path / "a.sqlite3") == set()  # nothing proven
        # What the check prevents: the same claim under the latest L1 head, given explicitly.
        head = bytes_to_hex(devnet.l1.head.hash)
        assert main([*argv, "--store", str(tmp_path / "b.sqlite3"), "--l1.head", head]) == 1
        # The safe block itself passes the check and proves valid.
        argv[argv.index("--from") + 1] = argv[argv.index("--to") + 1] = str(safe)
        assert main([*argv, "--store", str(tmp_path / "c.sqlite3")]) == 0
