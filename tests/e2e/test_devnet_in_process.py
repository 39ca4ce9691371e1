"""End-to-end proofs on the devnet, client in-process: right claims exit 0, wrong claims exit 1."""

import pytest

from op_program.config.hardforks import Fork
from op_program.devnet.batcher import BatcherOptions
from tests.e2e.scenarios import (
    SCENARIOS,
    Scenario,
    batched,
    deposits,
    fork_activations,
    holocene_invalid_tx_case,
)

pytestmark = pytest.mark.e2e

WRONG_CLAIM = bytes.fromhex("11" * 32)


@pytest.fixture(scope="module", params=sorted(SCENARIOS))
def scenario(request: pytest.FixtureRequest) -> Scenario:
    """Build each scenario once for both claims."""
    return SCENARIOS[request.param]()


def test_right_claim_is_valid(scenario: Scenario) -> None:
    """The sequencer's output root at the claimed block is proven (exit 0)."""
    result = scenario.devnet.prove(scenario.agreed, scenario.claimed, l1_head=scenario.l1_head)
    assert result.exit_code == 0


def test_wrong_claim_is_invalid(scenario: Scenario) -> None:
    """Any other output root is rejected (exit 1)."""
    result = scenario.devnet.prove(scenario.agreed, scenario.claimed, WRONG_CLAIM,
                                   l1_head=scenario.l1_head)  # fmt: skip
    assert result.exit_code == 1


def test_claim_beyond_what_the_l1_head_supports() -> None:
    """With the batch above the L1 head, the output is taken at the safe head reached."""
    scenario = batched(BatcherOptions())
    devnet = scenario.devnet
    batch_block = devnet.l1.head.number - 1  # submit() mined it, then one more block
    before_batch = batch_block - 1
    sequencer_claim = devnet.prove(0, scenario.claimed, l1_head=before_batch)
    assert sequencer_claim.exit_code == 1
    agreed_output = devnet.sequencer.blocks[0].output.root
    safe_head_claim = devnet.prove(0, scenario.claimed, agreed_output, l1_head=before_batch)
    assert safe_head_claim.exit_code == 0


def test_scenarios_exercise_what_they_name() -> None:
    """Deposits include a failed one; the withdrawal changes the message-passer storage root."""
    devnet = deposits().devnet
    statuses = [r.status for b in devnet.sequencer.blocks for r in b.receipts if r.tx_type == 0x7E]
    assert 0 in statuses
    withdrawal = batched(BatcherOptions()).devnet.sequencer.blocks
    roots = {b.output.message_passer_storage_root for b in withdrawal}
    assert len(roots) == 2  # before and after the withdrawal


def test_fork_activation_blocks_carry_successful_upgrade_deposits() -> None:
    """Ecotone .. Jovian activation blocks hold their upgrade deposits; all succeed."""
    devnet = fork_activations().devnet
    rollup = devnet.rollup
    expected = {"ecotone": 6, "fjord": 3, "isthmus": 8, "jovian": 5}
    seen = {}
    for block in devnet.sequencer.blocks[1:]:
        for fork, count in expected.items():
            if rollup.is_activation_block(Fork(fork), block.header.timestamp):
                deposits = [r for r in block.receipts[1:] if r.tx_type == 0x7E]
                assert len(deposits) == count
                assert all(r.status == 1 for r in deposits)
                seen[fork] = block.number
    assert set(seen) == set(expected)
    # Each fork's L1-info entry point exists in the upgraded L1Block: no L1-info deposit fails.
    assert all(block.receipts[0].status == 1 for block in devnet.sequencer.blocks[1:])


def test_holocene_invalid_tx_replaces_the_whole_batch_with_deposits() -> None:
    """A batch whose payload holds an invalid tx derives a deposit-only block, valid txs too.

    The claim from the sequencer's deposit-only replacement is proven; the claim of a block
    that only dropped the invalid transaction (keeping the valid ones) is rejected.
    """
    case = holocene_invalid_tx_case()
    devnet = case.scenario.devnet
    replaced = devnet.sequencer.blocks[case.replaced]
    assert devnet.rollup.is_holocene(replaced.header.timestamp)
    assert replaced.user_transactions == ()
    assert all(tx[0] == 0x7E for tx in replaced.transactions)
    # The batch's first and last transactions are valid on their own: dropping only the bad one
    # keeps them, a different block (and output root) from the deposit-only one.
    dropped = case.bad_tx_dropped
    assert dropped.user_transactions == (case.batch_txs[0], case.batch_txs[2])
    assert [r.status for r in dropped.receipts[-2:]] == [1, 1]
    assert dropped.output.root != replaced.output.root
    assert devnet.prove(0, case.replaced).exit_code == 0
    assert devnet.prove(0, case.replaced, dropped.output.root).exit_code == 1
    assert devnet.prove(0, case.replaced, WRONG_CLAIM).exit_code == 1
