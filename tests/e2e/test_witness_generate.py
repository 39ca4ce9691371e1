"""``op-program witness generate``: online capture, offline check, and proofs from the file alone.

A devnet scenario with blob batches (keccak256, sha256 and blob keys) is served on loopback;
each witness is then proved by the plain ``op-program`` command from the file alone: imported
into a fresh datadir and proved with no RPC flags at all.
"""

import dataclasses
import gzip
import json
import pickle
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from op_program.cli.main import main
from op_program.devnet.host_run import host_config, write_chain_files
from op_program.devnet.proof import ProofInputs
from op_program.devnet.rpc_server import Endpoints, serve_devnet
from op_program.encoding.hex import bytes_to_hex
from op_program.host import witness_gen
from op_program.host.runner import run_client
from op_program.host.witness_gen import StepParams, generate_step
from op_program.host.witness_range import RollupNode
from op_program.shutdown import signals_deferred
from tests.e2e.scenarios import SCENARIOS, Scenario

pytestmark = pytest.mark.e2e

WRONG_CLAIM = "0x" + "22" * 32


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    """Blob batches, span batch, zlib: built once."""
    return SCENARIOS["blobs-span-zlib"]()


@pytest.fixture(scope="module")
def endpoints(scenario: Scenario) -> Iterator[Endpoints]:
    """The devnet's L1, beacon and L2 nodes on loopback for the module."""
    devnet = scenario.devnet
    with serve_devnet(devnet.l1, devnet.sequencer, devnet.rollup.l2_chain_id) as served:
        yield served


def _inputs(scenario: Scenario) -> ProofInputs:
    return scenario.devnet.proof_inputs(scenario.agreed, scenario.claimed, None,
                                        scenario.l1_head)


def _chain_flags(inputs: ProofInputs, workdir: Path) -> list[str]:
    rollup, genesis, l1 = write_chain_files(inputs, workdir / "chain")
    return ["--rollup.config", str(rollup), "--l2.genesis", str(genesis),
            "--l1.chainconfig", str(l1)]


def _boot_flags(inputs: ProofInputs, claim: str | None = None,
                with_claim: bool = True) -> list[str]:
    flags = ["--l1.head", bytes_to_hex(inputs.l1_head), "--l2.head", bytes_to_hex(inputs.l2_head),
             "--l2.outputroot", bytes_to_hex(inputs.agreed_output_root),
             "--l2.blocknumber", str(inputs.claimed_block_number)]
    if with_claim:
        flags += ["--l2.claim", claim or bytes_to_hex(inputs.claimed_output_root)]
    return flags


def _rpc_flags(endpoints: Endpoints) -> list[str]:
    return ["--l1", endpoints.l1, "--l1.beacon", endpoints.beacon, "--l2", endpoints.l2]


def _prove_from_file(witness: Path, boot: list[str], chain: list[str], datadir: Path) -> int:
    """Import the witness into a fresh datadir and prove offline; return the exit code."""
    assert not datadir.exists()
    assert main(["witness", "import", str(witness), str(datadir)]) == 0
    return main([*boot, *chain, "--datadir", str(datadir)])


def test_generate_then_prove_from_the_file_alone(scenario: Scenario, endpoints: Endpoints,
                                                 tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Right claim: witness written (exit 0); offline from the file: 0; with a wrong claim: 1."""
    inputs = _inputs(scenario)
    chain = _chain_flags(inputs, tmp_path)
    out = tmp_path / "witness.json.gz"
    assert main(["witness", "generate", *_rpc_flags(endpoints), *chain, *_boot_flags(inputs),
                 str(out)]) == 0
    assert "witness written" in capsys.readouterr().out
    entries = json.loads(gzip.decompress(out.read_bytes()))
    assert len(entries) > 100
    assert {bytes.fromhex(k[2:])[0] for k in entries} == {2, 4, 5}  # keccak, sha256, blob
    assert list(entries) == sorted(entries)
    assert _prove_from_file(out, _boot_flags(inputs), chain, tmp_path / "d1") == 0
    assert _prove_from_file(out, _boot_flags(inputs, WRONG_CLAIM), chain, tmp_path / "d2") == 1


def test_wrong_claim_expected_valid_writes_nothing(scenario: Scenario, endpoints: Endpoints,
                                                   tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """A wrong claim with the default ``--expect valid``: exit 2, one line, no file."""
    inputs = _inputs(scenario)
    out = tmp_path / "witness.json"
    code = main(["witness", "generate", *_rpc_flags(endpoints), *_chain_flags(inputs, tmp_path),
                 *_boot_flags(inputs, WRONG_CLAIM), str(out)])
    assert code == 2
    err = capsys.readouterr().err
    assert "the claim is invalid (1), expected valid; no witness written" in err
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["chain"]


def test_wrong_claim_witness_proves_invalid(scenario: Scenario, endpoints: Endpoints,
                                            tmp_path: Path) -> None:
    """``--expect invalid``: the witness of a wrong claim is written (exit 1) and proves 1."""
    inputs = _inputs(scenario)
    chain = _chain_flags(inputs, tmp_path)
    boot = _boot_flags(inputs, WRONG_CLAIM)
    out = tmp_path / "wrong.json"
    assert main(["witness", "generate", "--expect", "invalid", *_rpc_flags(endpoints), *chain,
                 *boot, str(out)]) == 1
    assert _prove_from_file(out, boot, chain, tmp_path / "d") == 1


def test_tampered_witness_is_never_a_verdict(scenario: Scenario, endpoints: Endpoints,
                                             tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """One value changed: import exits 2 (entry refused), the offline proof exits 2."""
    inputs = _inputs(scenario)
    chain = _chain_flags(inputs, tmp_path)
    out = tmp_path / "witness.json"
    assert main(["witness", "generate", *_rpc_flags(endpoints), *chain, *_boot_flags(inputs),
                 str(out)]) == 0
    entries = json.loads(out.read_text())
    header_key = "0x02" + bytes_to_hex(inputs.l2_head)[4:]  # the agreed L2 head's header
    assert header_key in entries
    value = bytearray(bytes.fromhex(entries[header_key][2:]))
    value[-1] ^= 1
    entries[header_key] = "0x" + value.hex()
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(entries))
    datadir = tmp_path / "d"
    capsys.readouterr()
    assert main(["witness", "import", str(tampered), str(datadir)]) == 2
    assert "1 bad entries not imported" in capsys.readouterr().err
    assert main([*_boot_flags(inputs), *chain, "--datadir", str(datadir)]) == 2


def test_claim_from_the_rollup_node(scenario: Scenario, endpoints: Endpoints,
                                    tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No ``--l2.claim``: the claim is the rollup node's output root (the devnet's L2 node).

    It is printed: the offline proof needs it as a boot input.
    """
    inputs = _inputs(scenario)
    chain = _chain_flags(inputs, tmp_path)
    out = tmp_path / "w.json"
    assert main(["witness", "generate", "--rollup.node", endpoints.l2, *_rpc_flags(endpoints),
                 *chain, *_boot_flags(inputs, with_claim=False), str(out)]) == 0
    claim = bytes_to_hex(inputs.claimed_output_root)
    assert f"--l2.claim {claim} (the rollup node's output root" in capsys.readouterr().out
    assert _prove_from_file(out, _boot_flags(inputs), chain, tmp_path / "d") == 0


@pytest.fixture(scope="module")
def calldata_scenario() -> Scenario:
    """Calldata batches (span, brotli): cheaper to import and prove than 4096 blob elements."""
    return SCENARIOS["calldata-span-brotli"]()


@pytest.fixture(scope="module")
def calldata_endpoints(calldata_scenario: Scenario) -> Iterator[Endpoints]:
    """The calldata devnet's nodes for the module."""
    devnet = calldata_scenario.devnet
    with serve_devnet(devnet.l1, devnet.sequencer, devnet.rollup.l2_chain_id) as served:
        yield served


def _range_manifest(endpoints: Endpoints, chain: list[str], last: int, span: int,
                    out_dir: Path, *extra: str) -> list[dict[str, Any]]:
    assert main(["witness", "generate", "--rollup.node", endpoints.l2, *_rpc_flags(endpoints),
                 *chain, "--from", "1", "--to", str(last), "--span", str(span), *extra,
                 str(out_dir)]) == 0
    steps: list[dict[str, Any]] = json.loads((out_dir / "manifest.json").read_text())["steps"]
    return steps


def test_range_writes_one_witness_per_step(calldata_scenario: Scenario,
                                           calldata_endpoints: Endpoints,
                                           tmp_path: Path) -> None:
    """``--from 1 --to M --span K``: one file per step (the first agreed on block 0) and a
    manifest in block order; two workers write byte-identical files to one worker's, and each
    step proves from its file alone."""
    scenario, endpoints = calldata_scenario, calldata_endpoints
    inputs = _inputs(scenario)
    chain = _chain_flags(inputs, tmp_path)
    last = scenario.claimed
    span = max(1, last // 2)
    one = _range_manifest(endpoints, chain, last, span, tmp_path / "one", "--workers", "1")
    two = _range_manifest(endpoints, chain, last, span, tmp_path / "two", "--workers", "2")
    expected = [(a, min(a + span, last)) for a in range(0, last, span)]
    assert [(s["l2_agreed_blocknumber"], s["l2_blocknumber"]) for s in one] == expected
    assert [s["file"] for s in two] == [s["file"] for s in one]
    assert sorted(p.name for p in (tmp_path / "two").iterdir()) == sorted(
        ["manifest.json", *(s["file"] for s in one)])
    for step in one:
        assert (tmp_path / "one" / step["file"]).read_bytes() == (
            tmp_path / "two" / step["file"]).read_bytes()
    # One worker runs the steps in a row over the shared store: the second fetches less.
    alone_inputs = scenario.devnet.proof_inputs(*expected[1])
    config = dataclasses.replace(host_config(alone_inputs, tmp_path / "alone", tmp_path / "x",
                                             endpoints, None), datadir=None)
    alone = generate_step(StepParams(config, str(tmp_path / "alone.json")))
    assert alone.preimages == one[1]["preimages"]
    assert 0 < one[1]["rpc_requests"] < alone.rpc_requests
    blocks = scenario.devnet.sequencer.blocks
    for n, step in enumerate(two):
        agreed, claimed = expected[n]
        assert step["written"] and step["exit_code"] == 0
        assert step["l2_claim"] == bytes_to_hex(blocks[claimed].output.root)
        assert step["l1_head"] == bytes_to_hex(scenario.devnet.l1.head.hash)  # the finalized
        boot = ["--l1.head", step["l1_head"], "--l2.head", step["l2_head"],
                "--l2.outputroot", step["l2_outputroot"], "--l2.claim", step["l2_claim"],
                "--l2.blocknumber", str(claimed)]
        assert blocks[agreed].header.hash.hex() == step["l2_head"][2:]
        assert _prove_from_file(tmp_path / "two" / step["file"], boot, chain,
                                tmp_path / f"d{n}") == 0


def test_usage_errors_exit_2(scenario: Scenario, endpoints: Endpoints, tmp_path: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    """A datadir, no RPC, a range without a rollup node or with boot flags, too many threads,
    a directory as the witness file (refused before the proof): exit 2, no file."""
    inputs = _inputs(scenario)
    chain = _chain_flags(inputs, tmp_path)
    out = str(tmp_path / "w.json")
    rpc = _rpc_flags(endpoints)
    assert main(["witness", "generate", *rpc, *chain, *_boot_flags(inputs), "--datadir",
                 str(tmp_path / "d"), out]) == 2
    assert main(["witness", "generate", *chain, *_boot_flags(inputs), out]) == 2
    assert main(["witness", "generate", *rpc, *chain, "--from", "1", "--to", "2", out]) == 2
    assert main(["witness", "generate", *rpc, *chain, "--rollup.node", endpoints.l2,
                 *_boot_flags(inputs), "--from", "1", "--to", "2", out]) == 2
    assert main(["witness", "generate", *rpc, *chain, "--rollup.node", endpoints.l2,
                 "--from", "0", "--to", "2", out]) == 2  # block 0 has no parent to prove from
    assert main(["witness", "generate", *rpc, *chain, "--rollup.node", "ftp://x",
                 *_boot_flags(inputs), out]) == 2
    assert main(["witness", "generate", *rpc, *chain, *_boot_flags(inputs),
                 "--fetch.concurrency", "17", out]) == 2
    assert main(["witness", "generate", *rpc, *chain, *_boot_flags(inputs), "--workers", "2",
                 out]) == 2  # the engine runs ranges only
    assert main(["witness", "generate", *rpc, *chain, *_boot_flags(inputs), str(tmp_path)]) == 2
    assert "is a directory" in capsys.readouterr().err
    assert not (tmp_path / "w.json").exists() and not (tmp_path / "d").exists()


def test_lookahead_changes_round_trips_not_the_witness(tmp_path: Path) -> None:
    """With 4 lookahead threads the client waits for fewer fetches; the witness is identical.

    ``StepParams`` and ``StepResult`` survive pickling (a range engine maps ``generate_step``).
    """
    scenario = SCENARIOS["calldata-span-brotli"]()
    scenario.devnet.mine_l1(12)  # a longer L1 walk-back from the head
    devnet = scenario.devnet
    inputs = _inputs(scenario)
    results = {}
    with serve_devnet(devnet.l1, devnet.sequencer, devnet.rollup.l2_chain_id) as served:
        config = dataclasses.replace(
            host_config(inputs, tmp_path, tmp_path / "unused", served, None), datadir=None)
        for threads in (0, 4):
            out = tmp_path / f"w{threads}.json"
            params = StepParams(config, str(out), fetch_concurrency=threads)
            assert pickle.loads(pickle.dumps(params)) == params  # for a range engine's workers
            results[threads] = generate_step(params)
            assert results[threads].exit_code == 0, results[threads].message
            assert pickle.loads(pickle.dumps(results[threads])) == results[threads]
    assert (tmp_path / "w0.json").read_bytes() == (tmp_path / "w4.json").read_bytes()
    assert results[0].lookahead_used == 0
    assert results[4].lookahead_used >= 12
    assert results[4].hints_run + results[4].lookahead_used == results[0].hints_run
    assert results[4].hints_run < results[0].hints_run - 12


def test_secrets_in_urls_never_reach_the_output(scenario: Scenario, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str],
                                                caplog: pytest.LogCaptureFixture) -> None:
    """An unreachable rollup node whose URL holds a key: exit 2, the key printed nowhere."""
    inputs = _inputs(scenario)
    secret = "SECRETKEY123"
    dead = f"http://127.0.0.1:1/{secret}?apikey={secret}"
    code = main(["witness", "generate", "--l1", dead, "--l1.beacon", dead, "--l2", dead,
                 *_chain_flags(inputs, tmp_path), *_boot_flags(inputs, with_claim=False),
                 "--rollup.node", dead, str(tmp_path / "w.json")])
    assert code == 2
    captured = capsys.readouterr()
    assert secret not in captured.out + captured.err + caplog.text
    assert not (tmp_path / "w.json").exists()


def test_range_step_beyond_the_l1_head_is_an_error_not_a_verdict(
        calldata_scenario: Scenario, calldata_endpoints: Endpoints, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """An L1 head before the range's batches: exit 2, a line naming the L1 head, no witness.

    Run after a successful run into the same directory, the failed step's earlier file is
    removed and the manifest keeps the entries of files the rerun does not plan.

    The client judges such a claim invalid (the claimed block is not derivable from L1 up to
    that head); for a range, whose claims are the rollup node's own, that is never a verdict,
    and ``--expect invalid|any`` (which would write it and exit 1) is refused.
    """
    scenario, endpoints = calldata_scenario, calldata_endpoints
    chain = _chain_flags(_inputs(scenario), tmp_path)
    early = bytes_to_hex(scenario.devnet.l1.blocks[2].header.hash)  # the batch is in block 3
    out_dir = tmp_path / "range"
    common = ["witness", "generate", "--rollup.node", endpoints.l2, *_rpc_flags(endpoints),
              *chain, "--from", "1", "--to", str(scenario.claimed),
              "--span", str(scenario.claimed)]
    capsys.readouterr()
    for expect in ("any", "invalid"):
        assert main([*common, "--l1.head", early, "--expect", expect, str(out_dir)]) == 2
        assert "only --expect valid" in capsys.readouterr().err
    assert not out_dir.exists()
    # A first run (finalized L1 head) writes the step; an earlier run's entry is kept.
    assert main([*common, str(out_dir)]) == 0
    manifest = out_dir / "manifest.json"
    first = json.loads(manifest.read_text())["steps"]
    assert [s["file"] for s in first] == [f"0-{scenario.claimed}.json.gz"]
    assert first[0]["l2_chain_id"] == scenario.devnet.rollup.l2_chain_id
    older = {"file": "100-101.json.gz", "written": True}
    manifest.write_text(json.dumps({"steps": [older, *first]}))
    # The rerun's step fails: exit 2, one line naming the L1 head, the stale file removed.
    capsys.readouterr()
    assert main([*common, "--l1.head", early, str(out_dir)]) == 2
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if line.startswith("op-program: error")]
    assert len(errors) == 1 and f"proves invalid under L1 head {early}" in errors[0]
    steps = json.loads(manifest.read_text())["steps"]
    assert steps[0] == older
    assert [(s["file"], s["written"], s["exit_code"]) for s in steps[1:]] == [
        (first[0]["file"], False, 2)]
    assert [p.name for p in out_dir.iterdir()] == ["manifest.json"]


def test_a_signal_during_the_client_run_stops_the_generation(
        calldata_scenario: Scenario, calldata_endpoints: Endpoints, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """SIGINT landing where signals are deferred (the end of a client run): exit 2, no file.

    Such a signal raises nothing and later ones are ignored, so without a check the offline
    proof, the write (and a range's remaining steps) would go on regardless.
    """
    def run_then_signal(*args: Any, **kwargs: Any) -> int:
        code = run_client(*args, **kwargs)
        with signals_deferred():
            signal.raise_signal(signal.SIGINT)
        return code

    monkeypatch.setattr(witness_gen, "run_client", run_then_signal)
    inputs = _inputs(calldata_scenario)
    out = tmp_path / "w.json"
    assert main(["witness", "generate", *_rpc_flags(calldata_endpoints),
                 *_chain_flags(inputs, tmp_path), *_boot_flags(inputs), str(out)]) == 2
    assert "interrupted by SIGINT; no witness written" in capsys.readouterr().err
    assert not out.exists()


def test_range_past_the_finalized_l2_block_is_refused_first(
        calldata_scenario: Scenario, calldata_endpoints: Endpoints, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Default L1 head (finalized) and ``--to`` past the node's finalized L2 block: exit 2 at once.

    The devnet node does not serve ``optimism_syncStatus`` (the other range tests run through
    that: no check); here the node reports an earlier finalized block.
    """
    monkeypatch.setattr(RollupNode, "sync_l2",
                        lambda self, field: 1 if field == "finalized_l2" else None)
    scenario, endpoints = calldata_scenario, calldata_endpoints
    out_dir = tmp_path / "range"
    assert main(["witness", "generate", "--rollup.node", endpoints.l2, *_rpc_flags(endpoints),
                 *_chain_flags(_inputs(scenario), tmp_path), "--from", "1", "--to", "2",
                 str(out_dir)]) == 2
    assert ("L2 block 2 is not finalized yet (the rollup node's finalized L2 block is 1)"
            in capsys.readouterr().err)
    assert not out_dir.exists()


def test_ctrl_c_in_a_range_keeps_finished_witnesses_and_a_consistent_manifest(
        calldata_scenario: Scenario, calldata_endpoints: Endpoints, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Ctrl-C after the first finished step: exit 2, that witness and its entry kept, every
    other planned file gone (here a stale one of an earlier run), whatever finished next."""
    from op_program.cli import witness_generate_cmd

    scenario, endpoints = calldata_scenario, calldata_endpoints
    last = scenario.claimed
    span = max(1, last // 2)
    out_dir = tmp_path / "range"
    out_dir.mkdir()
    files = [f"{a}-{min(a + span, last)}.json.gz" for a in range(0, last, span)]
    (out_dir / files[1]).write_bytes(b"stale")
    printed = witness_generate_cmd._print

    def print_then_interrupt(result: Any) -> None:
        printed(result)
        raise KeyboardInterrupt

    monkeypatch.setattr(witness_generate_cmd, "_print", print_then_interrupt)
    assert main(["witness", "generate", "--rollup.node", endpoints.l2, *_rpc_flags(endpoints),
                 *_chain_flags(_inputs(scenario), tmp_path), "--from", "1", "--to", str(last),
                 "--span", str(span), "--workers", "2", str(out_dir)]) == 2
    assert "interrupted: the witnesses written so far are kept" in capsys.readouterr().err
    steps = json.loads((out_dir / "manifest.json").read_text())["steps"]
    assert len(steps) == 1 and steps[0]["written"] and steps[0]["file"] in files
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(["manifest.json", steps[0]["file"]])
