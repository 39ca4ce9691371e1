"""The devnet on anvil: real L1 transactions and logs; the host fetches L1 data from anvil."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from op_program.devnet.anvil import find_anvil
from op_program.devnet.batcher import BatcherOptions
from op_program.devnet.errors import DevnetError
from op_program.devnet.host_run import run_host
from op_program.devnet.network import Devnet, DevnetOptions
from op_program.devnet.rpc_server import serve_devnet
from op_program.protocol.system_config import UPDATE_GAS_LIMIT
from op_program.protocol.transactions import DepositTransaction
from tests.e2e.scenarios import Scenario, user_blocks

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def scenario() -> Iterator[Scenario]:
    """Deposits and a gas-limit update as real anvil logs, user blocks, one calldata channel."""
    try:
        find_anvil()
    except DevnetError as exc:
        pytest.skip(str(exc))
    with Devnet(DevnetOptions(anvil=True)) as devnet:
        devnet.deposit(DepositTransaction(bytes(32), devnet.bob.address, devnet.alice.address,
                                          10**18, 10**17, 100_000, False, b""))  # fmt: skip
        devnet.update_config(UPDATE_GAS_LIMIT, (28_000_000).to_bytes(32, "big"))
        devnet.mine_l1(2)
        blocks = user_blocks(devnet) + devnet.sequence_to_l1_head()
        assert blocks[-1].header.gas_limit == 28_000_000
        user_deposits = [r for b in blocks for r in b.receipts[1:] if r.tx_type == 0x7E]
        assert user_deposits and user_deposits[0].status == 1
        devnet.batcher.submit(blocks, BatcherOptions())
        devnet.mine_l1()
        yield Scenario(devnet, 0, blocks[-1].number)


@pytest.mark.parametrize(("claim", "expected"), [(None, 0), (b"\x66" * 32, 1)])
def test_host_on_anvil(scenario: Scenario, tmp_path: Path, claim: bytes | None,
                       expected: int) -> None:
    """Right claim 0, wrong claim 1, with the client as a child process on pipes."""
    devnet = scenario.devnet
    inputs = devnet.proof_inputs(scenario.agreed, scenario.claimed, claim)
    with serve_devnet(devnet.l1, devnet.sequencer, devnet.rollup.l2_chain_id) as endpoints:
        assert endpoints.l1 == getattr(devnet.l1, "url", None)  # the host reads anvil itself
        run = run_host(inputs, tmp_path, endpoints, exec_client=True)
    assert run.exit_code == expected
