"""kona-client and the Go op-program client prove online with anvil as the devnet's L1.

Issue 14: the reference clients fetch through our host from a real L1 node (anvil mines the
batcher, deposit and config-update transactions; the host reads L1 blocks, receipts and
transactions from anvil itself) and from the devnet's L2 and beacon servers. kona on a
current devnet (Prague L1, every OP fork at genesis); the 2024 Go client on a Granite-era one
(anvil as Sepolia under Cancun in 2024, tests/e2e/scenarios.py), and the 2024 Go host, reading
anvil itself, serving our client there. Right claim 0, wrong claim 1.
"""

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from op_program.devnet.anvil import find_anvil
from op_program.devnet.batcher import BatcherOptions
from op_program.devnet.errors import DevnetError
from op_program.devnet.host_run import run_host
from op_program.devnet.network import Devnet, DevnetOptions
from op_program.devnet.rpc_server import serve_devnet
from op_program.host.dialect import ClientDialect
from op_program.host.kvstore.base import DataFormat
from op_program.protocol.system_config import UPDATE_GAS_LIMIT
from op_program.protocol.transactions import DepositTransaction
from tests.crossclient.go_host import go_host_argv
from tests.crossclient.reference import reference_binary
from tests.crossclient.test_scenarios import MARKERS, WRONG
from tests.e2e.scenarios import GRANITE_ERA_TIME, SEPOLIA, Scenario, user_blocks

pytestmark = pytest.mark.e2e

GRANITE_ERA = DevnetOptions(anvil=True, l1_chain_id=SEPOLIA, genesis_time=GRANITE_ERA_TIME,
                            fork_offsets={"holocene": None, "isthmus": None, "jovian": None})
CASES = {"kona-client": (DevnetOptions(anvil=True), ClientDialect.KONA),
         "op-program-client-go": (GRANITE_ERA, ClientDialect.OP_PROGRAM_2024),
         "op-program-go": (GRANITE_ERA, ClientDialect.OP_PROGRAM)}
"""Per reference binary: the devnet it judges and the dialect our host speaks to it
(``op-program-go`` is the Go host, serving our client: no host of ours runs)."""


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request: pytest.FixtureRequest) -> Iterator[tuple[str, Scenario]]:
    """Deposits, a gas-limit update and user blocks on anvil, one calldata channel."""
    try:
        find_anvil()
    except DevnetError as exc:
        pytest.skip(str(exc))
    options, _ = CASES[request.param]
    with Devnet(options) as devnet:
        devnet.deposit(DepositTransaction(bytes(32), devnet.bob.address, devnet.alice.address,
                                          10**18, 10**17, 100_000, False, b""))  # fmt: skip
        devnet.update_config(UPDATE_GAS_LIMIT, (28_000_000).to_bytes(32, "big"))
        devnet.mine_l1(2)
        blocks = user_blocks(devnet) + devnet.sequence_to_l1_head()
        assert blocks[-1].header.gas_limit == 28_000_000
        devnet.batcher.submit(blocks, BatcherOptions())
        devnet.mine_l1()
        yield request.param, Scenario(devnet, 0, blocks[-1].number)


@pytest.mark.parametrize(("claim", "expected"), [(None, 0), (WRONG, 1)])
def test_reference_client_on_anvil(case: tuple[str, Scenario], tmp_path: Path,
                                   capfd: pytest.CaptureFixture[str], claim: bytes | None,
                                   expected: int) -> None:
    binary, scenario = case
    devnet = scenario.devnet
    inputs = devnet.proof_inputs(scenario.agreed, scenario.claimed, claim)
    path = str(reference_binary(binary))
    with serve_devnet(devnet.l1, devnet.sequencer, devnet.rollup.l2_chain_id) as endpoints:
        assert endpoints.l1 == getattr(devnet.l1, "url", None)  # the host reads anvil itself
        if binary == "op-program-go":
            argv = go_host_argv(path, scenario, tmp_path, claim, endpoints, tmp_path / "datadir")
            done = subprocess.run(argv, capture_output=True, text=True, timeout=300,
                                  check=False)
            code, output = done.returncode, done.stdout + done.stderr
        else:
            code = run_host(inputs, tmp_path, endpoints, client=path, dialect=CASES[binary][1],
                            data_format=DataFormat.LMDB).exit_code
            output = "".join(capfd.readouterr())
    assert code == expected, output[-3000:]
    marker = MARKERS["ours" if binary == "op-program-go" else binary]
    assert (marker in output) == (claim is not None), output[-3000:]
