"""Sync start on the real witness: the pipeline (derive) reset driven by the client's sources."""

from op_program.client.blobs import OracleBlobSource
from op_program.client.l1 import OracleL1Source
from op_program.client.l2 import OracleL2Source
from op_program.client.oracle import ClientOracle
from op_program.client.program import UPGRADES
from op_program.config.registry import l1_chain_config_by_chain_id, rollup_config_by_chain_id
from op_program.derive.pipeline import DerivationPipeline
from tests.unit.client.witness import DictOracle, witness

OP_SEPOLIA = 11155420
AGREED_ORIGIN = 6582945


def test_sync_start_walks_back_the_granite_channel_timeout_only() -> None:
    table, boot = witness()
    raw = DictOracle(table)
    oracle = ClientOracle(raw, raw)
    rollup = rollup_config_by_chain_id(OP_SEPOLIA)
    l1 = OracleL1Source(oracle, bytes.fromhex(boot["l1_head"][2:]))
    l2 = OracleL2Source(oracle, bytes.fromhex(boot["agreed_l2_head_hash"][2:]))
    pipeline = DerivationPipeline(
        rollup,
        l1_chain_config_by_chain_id(rollup.l1_chain_id),
        l1,
        OracleBlobSource(oracle),
        l2,
        UPGRADES,
    )
    pipeline.reset(l2.head)
    assert pipeline.origin is not None
    assert pipeline.origin.number == AGREED_ORIGIN - 50
    # The reset read the agreed head only: no L2 block before it, no L1 data yet.
    assert sum(h.startswith("l2-block-header") for h in raw.hints) == 1
    assert not any(h.startswith(("l1-transactions", "l1-receipts", "l1-blob")) for h in raw.hints)
