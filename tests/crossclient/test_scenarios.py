"""Every devnet scenario judged by other clients through our online host (issue 14).

For each e2e scenario (tests/e2e/scenarios.py) our host fetches online from the devnet's
loopback nodes whatever the client asks for: kona-client (dialect kona) on every scenario, the
pre-2025 Go client (op-program-2024) on the scenarios whose forks stop at Granite, and the Go
host (``op-program-go --exec op-program-client``) serving our client on those too. The
sequencer's claim must exit 0 and a wrong claim 1, with the client's own invalid-claim log line
(kona-client exits 1 for every error). Our own client on the same scenarios is covered by
tests/e2e/test_devnet_host.py.
"""

import subprocess
from functools import cache
from pathlib import Path

import pytest

from op_program.devnet.host_run import run_host
from op_program.devnet.rpc_server import serve_devnet
from op_program.executor import transactions
from op_program.executor.fees.l1_cost import (
    L1CostRules,
    L1FeeParams,
    is_first_ecotone_block,
    l1_cost,
)
from op_program.host.dialect import ClientDialect
from op_program.host.kvstore.base import DataFormat
from tests.crossclient.go_host import go_host_argv
from tests.crossclient.reference import reference_binary
from tests.e2e.scenarios import GRANITE_SCENARIOS, SCENARIOS, Scenario

pytestmark = pytest.mark.e2e

WRONG = bytes.fromhex("22" * 32)
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


@cache
def built_scenario(name: str) -> Scenario:
    """Each scenario is built once per test process, for every client and both claims."""
    return SCENARIOS[name]()


CLIENT_CASES = [
    *((name, "kona-client", ClientDialect.KONA) for name in sorted(SCENARIOS)),
    *((name, "op-program-client-go", ClientDialect.OP_PROGRAM_2024)
      for name in sorted(GRANITE_SCENARIOS)),
]
"""kona-client on every scenario; the 2024 Go client on those that stop at Granite."""


def _judge(scenario: Scenario, workdir: Path, client: str | None, dialect: ClientDialect,
           claim: bytes | None) -> int:
    """Our host online, serving ``client`` (None: our client as a child) with ``dialect``.

    The datadir is lmdb: a blob's 4096 field elements are one write, not 4096 files (20 s to
    3 s per blob proof here); directory datadirs are covered by test_datadir_interchange.
    """
    devnet = scenario.devnet
    inputs = devnet.proof_inputs(scenario.agreed, scenario.claimed, claim, scenario.l1_head)
    with serve_devnet(devnet.l1, devnet.sequencer, devnet.rollup.l2_chain_id) as endpoints:
        return run_host(inputs, workdir, endpoints, exec_client=client is None, client=client,
                        dialect=dialect, data_format=DataFormat.LMDB).exit_code


@pytest.mark.parametrize(("name", "binary", "dialect"), CLIENT_CASES)
def test_client_through_our_host(name: str, binary: str, dialect: ClientDialect,
                                 tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    if (name, binary) in OPEN:
        pytest.xfail(OPEN[name, binary])
    built = built_scenario(name)
    client = str(reference_binary(binary))
    assert _judge(built, tmp_path / "right", client, dialect, None) == 0
    assert MARKERS[binary] not in "".join(capfd.readouterr())
    assert _judge(built, tmp_path / "wrong", client, dialect, WRONG) == 1
    assert MARKERS[binary] in "".join(capfd.readouterr())


def test_wrong_blob_dialect_is_an_error_not_a_verdict(tmp_path: Path) -> None:
    """Our client served pre-2025 (by-index) blob keys: an error (exit 2), never a verdict.

    The two blob schemes collide at one key per blob (dialect.py): the first element our
    client asks for (z₀ = 1) is there under index 1, with another element's value; the next
    ones are not, and the host cannot produce them from the blob hint. Either claim exits 2.
    """
    built = built_scenario("blobs-span-zlib")
    for claim in (None, WRONG):
        workdir = tmp_path / ("right" if claim is None else "wrong")
        assert _judge(built, workdir, None, ClientDialect.OP_PROGRAM_2024, claim) == 2


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


@pytest.mark.parametrize("name", sorted(GRANITE_SCENARIOS))
def test_go_host_serves_our_client(name: str, tmp_path: Path) -> None:
    """The 2024 Go host fetches online from the devnet and serves our client: 0 right, 1 wrong.

    The Granite-era scenarios run on Sepolia's L1 in 2024 (tests/e2e/scenarios.py,
    GRANITE_ERA_TIME): our client takes that L1 config from its registry, as op-program does
    for known L1s, so the 2024 host's lack of local key 9 (custom L1 configs) does not matter,
    and the L1 headers have no Prague ``requestsHash``, which the 2024 host cannot hash.
    """
    built = built_scenario(name)
    devnet = built.devnet
    for claim, expected in ((None, 0), (WRONG, 1)):
        workdir = tmp_path / ("right" if claim is None else "wrong")
        with serve_devnet(devnet.l1, devnet.sequencer, devnet.rollup.l2_chain_id) as endpoints:
            argv = go_host_argv(str(reference_binary("op-program-go")), built, workdir, claim,
                                endpoints, workdir / "datadir")
            done = subprocess.run(argv, capture_output=True, text=True, timeout=300,
                                  check=False)
        output = done.stderr + done.stdout
        assert done.returncode == expected, output[-3000:]
        assert ("Claim is invalid" in output) == (claim is not None), output[-3000:]
