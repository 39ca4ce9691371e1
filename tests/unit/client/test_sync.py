"""Sync start on the real witness: the pipeline (derive) reset driven by the client's sources."""

from op_program.client.program import UPGRADES
from tests.unit.client.witness import DictOracle, witness, witness_pipeline

AGREED_ORIGIN = 6582945


def test_sync_start_walks_back_the_granite_channel_timeout_only() -> None:
    table, _ = witness()
    raw = DictOracle(table)
    chain = witness_pipeline(raw, UPGRADES)
    pipeline, l2 = chain.pipeline, chain.l2
    pipeline.reset(l2.head)
    assert pipeline.origin is not None
    assert pipeline.origin.number == AGREED_ORIGIN - 50
    # The reset read the agreed head only: no L2 block before it, no L1 data yet.
    assert sum(h.startswith("l2-block-header") for h in raw.hints) == 1
    assert not any(h.startswith(("l1-transactions", "l1-receipts", "l1-blob")) for h in raw.hints)
