"""Client progress log on the real witness: batches accepted in "Derivation done" (issue 5)."""

import logging
import re

import pytest

from op_program.client.program import run
from op_program.exit_codes import ExitCode
from tests.unit.client.witness import witness, witness_oracle


def test_derivation_done_logs_the_batches_accepted(caplog: pytest.LogCaptureFixture) -> None:
    _, boot = witness()
    oracle = witness_oracle()
    with caplog.at_level(logging.INFO, logger="op_program"):
        assert run(oracle, oracle) == ExitCode.VALID
    done = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Derivation done")]
    assert len(done) == 1
    match = re.search(r" batches=(\d+) ", done[0])
    assert match is not None, done[0]
    safe_head = re.search(r"safe_head=(\d+) ", done[0])
    assert safe_head is not None and int(safe_head.group(1)) == boot["claimed_l2_block_number"]
    built = [r for r in caplog.records if r.getMessage().startswith("Built L2 block number=")]
    # No payload of this chain is invalid: one accepted batch per block built, at least one.
    assert int(match.group(1)) == len(built) >= 1
