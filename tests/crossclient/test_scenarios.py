"""Every devnet scenario judged by other clients through our online host (issue 14).

For each e2e scenario (tests/e2e/scenarios.py) our host fetches online from the devnet's
loopback nodes whatever the client asks for: kona-client (dialect kona) on every scenario, the
pre-2025 Go client (op-program-2024) on the scenarios whose forks stop at Granite, and the Go
host (``op-program-go --exec op-program-client``) serving our client on those too. The
sequencer's claim must exit 0 and a wrong claim 1, with the client's own invalid-claim log line
(kona-client exits 1 for every error). Our own client on the same scenarios is covered by
tests/e2e/test_devnet_host.py.
"""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from op_program.devnet.host_run import host_argv, run_host, write_chain_files
from op_program.devnet.rpc_server import serve_devnet
from op_program.executor import transactions
from op_program.executor.fees.l1_cost import (
    L1CostRules,
    L1FeeParams,
    is_first_ecotone_block,
    l1_cost,
)
from op_program.host.dialect import ClientDialect
from tests.crossclient.reference import reference_binary
from tests.e2e.scenarios import SCENARIOS, Scenario

pytestmark = pytest.mark.e2e

WRONG = bytes.fromhex("22" * 32)
GRANITE_SCENARIOS = frozenset(("fork-activations-to-granite", "out-of-order-frames-pre-holocene"))
"""Scenarios whose devnet stops at Granite (the Go op-program of 2024 knows no later fork)."""
FIRST_ECOTONE_L1_FEE = (
    "kona (op-revm) disagrees with op-geth, the Go op-program and us on the L1 fee of user "
    "transactions in the Ecotone activation block: L1Block's Ecotone scalars are still unset "
    "there, op-geth (rollup_cost.go, 'the very first Ecotone block requires we use the Bedrock "
    "cost function') charges the pre-Ecotone formula of protocol/exec-engine.md "
    "(`(rollupDataGas + l1FeeOverhead) * l1BaseFee * l1FeeScalar / 1e6`, l1FeeScalar = the "
    "Gas Price Oracle `scalar`, L1Block slot 6); op-revm 14 (l1block.rs "
    "calculate_tx_l1_cost_ecotone) takes that branch but multiplies by the Ecotone base-fee "
    "scalar (slot 3, zero), i.e. charges nothing. kona's L1 fee vault and sender balances "
    "differ, so its block 2 has another state root and hash (0x668aa675… on fork-activations), "
    "whose transactions the devnet does not have: exit 2, no verdict. The Go op-program client "
    "proves fork-activations-to-granite 0/1 (op-geth's rule, ours); kona proves "
    "fork-activations 0/1 when our sequencer applies op-revm's rule "
    "(test_kona_agrees_under_op_revm_first_ecotone_fee). Real chains never hit it: op-node's "
    "sequencer leaves the Ecotone upgrade block without user transactions")
OPEN = {("fork-activations", "kona-client"): FIRST_ECOTONE_L1_FEE,
        ("fork-activations-to-granite", "kona-client"): FIRST_ECOTONE_L1_FEE}
"""Measured disagreements, root-caused (kept visible as xfail, reason in text)."""
MARKERS = {"kona-client": "InvalidClaim(", "op-program-client-go": "Claim is invalid",
           "ours": "Claim is invalid"}


@pytest.fixture(scope="module", params=sorted(SCENARIOS))
def scenario(request: pytest.FixtureRequest) -> tuple[str, Scenario]:
    """Build each scenario once for all clients and both claims."""
    return request.param, SCENARIOS[request.param]()


def _judge(scenario: Scenario, workdir: Path, client: str, dialect: ClientDialect,
           claim: bytes | None) -> int:
    devnet = scenario.devnet
    inputs = devnet.proof_inputs(scenario.agreed, scenario.claimed, claim, scenario.l1_head)
    with serve_devnet(devnet.l1, devnet.sequencer, devnet.rollup.l2_chain_id) as endpoints:
        return run_host(inputs, workdir, endpoints, client=client, dialect=dialect).exit_code


@pytest.mark.parametrize(("binary", "dialect"), [("kona-client", ClientDialect.KONA),
                                                  ("op-program-client-go",
                                                   ClientDialect.OP_PROGRAM_2024)])
def test_client_through_our_host(scenario: tuple[str, Scenario], binary: str,
                                 dialect: ClientDialect, tmp_path: Path,
                                 capfd: pytest.CaptureFixture[str]) -> None:
    name, built = scenario
    if binary == "op-program-client-go" and name not in GRANITE_SCENARIOS:
        return  # the 2024 Go client knows no fork past Granite (reference README)
    if (name, binary) in OPEN:
        pytest.xfail(OPEN[name, binary])
    client = str(reference_binary(binary))
    assert _judge(built, tmp_path / "right", client, dialect, None) == 0
    assert MARKERS[binary] not in "".join(capfd.readouterr())
    assert _judge(built, tmp_path / "wrong", client, dialect, WRONG) == 1
    assert MARKERS[binary] in "".join(capfd.readouterr())


def test_kona_agrees_under_op_revm_first_ecotone_fee(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capfd: pytest.CaptureFixture[str]) -> None:
    """The one disagreement on fork-activations is the first Ecotone block's L1 fee.

    Our sequencer rebuilds the scenario with op-revm's rule (no L1 fee for user transactions
    while L1Block's Ecotone scalars are unset); on that chain kona-client derives every block
    through the Fjord, Granite, Holocene, Isthmus and Jovian activations exactly as we build
    them: 0 for the sequencer's claim, 1 for a wrong one. See FIRST_ECOTONE_L1_FEE.
    """
    original = l1_cost

    def op_revm_l1_cost(raw: bytes, params: L1FeeParams, rules: L1CostRules) -> int:
        if rules.ecotone and is_first_ecotone_block(params):
            return 0  # op-revm: Bedrock formula times the Ecotone base-fee scalar (zero)
        return original(raw, params, rules)

    monkeypatch.setattr(transactions, "l1_cost", op_revm_l1_cost)
    built = SCENARIOS["fork-activations"]()
    monkeypatch.undo()
    ecotone = built.devnet.rollup.hardforks.ecotone_time
    activation = next(b for b in built.devnet.sequencer.blocks if b.header.timestamp == ecotone)
    assert any(tx[0] != 0x7E for tx in activation.transactions)  # the fee case is exercised
    client = str(reference_binary("kona-client"))
    assert _judge(built, tmp_path / "right", client, ClientDialect.KONA, None) == 0
    assert MARKERS["kona-client"] not in "".join(capfd.readouterr())
    assert _judge(built, tmp_path / "wrong", client, ClientDialect.KONA, WRONG) == 1
    assert MARKERS["kona-client"] in "".join(capfd.readouterr())


ROLLUP_2024 = frozenset((
    "genesis", "block_time", "max_sequencer_drift", "seq_window_size", "channel_timeout",
    "l1_chain_id", "l2_chain_id", "regolith_time", "canyon_time", "delta_time", "ecotone_time",
    "fjord_time", "granite_time", "holocene_time", "interop_time", "batch_inbox_address",
    "deposit_contract_address", "l1_system_config_address", "protocol_versions_address",
    "da_challenge_contract_address", "da_challenge_window", "da_resolve_window", "alt_da"))
SYSTEM_CONFIG_2024 = frozenset(("batcherAddr", "overhead", "scalar", "gasLimit",
                                "eip1559Params"))
"""The rollup.json fields op-node knew in 2024-10 (op-node/rollup/types.go at d317e96c); its
decoder refuses unknown fields, so later fields (unscheduled forks, Isthmus scalars) go."""


def rollup_2024(document: dict[str, Any]) -> dict[str, Any]:
    """Drop from a rollup.json what the 2024 Go host cannot parse (no fork may use it)."""
    for fork in ("isthmus_time", "jovian_time"):
        assert document.get(fork) is None, f"{fork} is scheduled: the 2024 Go host cannot judge"
    assert document.get("granite_channel_timeout", 50) == 50
    kept = {k: v for k, v in document.items() if k in ROLLUP_2024}
    genesis = dict(kept["genesis"])
    genesis["system_config"] = {k: v for k, v in genesis["system_config"].items()
                                if k in SYSTEM_CONFIG_2024}
    kept["genesis"] = genesis
    return kept


def go_host_argv(scenario: Scenario, workdir: Path, claim: bytes | None,
                 endpoints: object | None, datadir: Path) -> list[str]:
    """The Go host's command line for ``scenario``, serving our client as its --exec child."""
    devnet = scenario.devnet
    inputs = devnet.proof_inputs(scenario.agreed, scenario.claimed, claim, scenario.l1_head)
    _, genesis, _ = write_chain_files(inputs, workdir)
    # Our devnet's genesis file holds only the chain config (all the host serves from it); geth's
    # Genesis parser also requires the genesis block's gas limit and difficulty.
    document = json.loads(genesis.read_text())
    first = devnet.sequencer.blocks[0].header
    document.update({"gasLimit": hex(first.gas_limit), "difficulty": "0x0", "alloc": {}})
    geth_genesis = workdir / "genesis-geth.json"
    geth_genesis.write_text(json.dumps(document))
    ours = workdir / "op-program-client"  # the Go host execs one path, no arguments
    ours.write_text(f"#!/bin/sh\nexec {sys.executable} -m op_program.client.entrypoint\n")
    ours.chmod(0o755)
    argv = host_argv(inputs, workdir, datadir, endpoints, str(ours))  # type: ignore[arg-type]
    argv[argv.index("--l2.genesis") + 1] = str(geth_genesis)
    rollup_go = workdir / "rollup-go.json"
    rollup_go.write_text(json.dumps(rollup_2024(json.loads((workdir / "rollup.json").read_text()))))
    argv[argv.index("--rollup.config") + 1] = str(rollup_go)
    # The Go host has no --l1.chainconfig and serves no local key 9: the devnet's L1 must be
    # one the client knows (the Granite-era scenarios run on Sepolia's L1).
    index = argv.index("--l1.chainconfig")
    del argv[index:index + 2]
    return [str(reference_binary("op-program-go")), *argv]


def test_go_host_serves_our_client(scenario: tuple[str, Scenario], tmp_path: Path) -> None:
    """The 2024 Go host fetches online from the devnet and serves our client: 0 right, 1 wrong.

    The Granite-era scenarios run on Sepolia's L1 in 2024 (tests/e2e/scenarios.py,
    GRANITE_ERA_TIME): our client takes that L1 config from its registry, as op-program does
    for known L1s, so the 2024 host's lack of local key 9 (custom L1 configs) does not matter,
    and the L1 headers have no Prague ``requestsHash``, which the 2024 host cannot hash.
    """
    name, built = scenario
    if name not in GRANITE_SCENARIOS:
        return  # the 2024 Go host knows no fork past Granite
    devnet = built.devnet
    for claim, expected in ((None, 0), (WRONG, 1)):
        workdir = tmp_path / ("right" if claim is None else "wrong")
        with serve_devnet(devnet.l1, devnet.sequencer, devnet.rollup.l2_chain_id) as endpoints:
            argv = go_host_argv(built, workdir, claim, endpoints, workdir / "datadir")
            done = subprocess.run(argv, capture_output=True, text=True, timeout=300,
                                  check=False)
        output = done.stderr + done.stdout
        assert done.returncode == expected, output[-3000:]
        assert ("Claim is invalid" in output) == (claim is not None), output[-3000:]
