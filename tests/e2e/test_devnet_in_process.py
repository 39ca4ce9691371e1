"""End-to-end proofs on the devnet, client in-process: right claims exit 0, wrong claims exit 1."""

import pytest

from tests.e2e.scenarios import SCENARIOS, Scenario

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
