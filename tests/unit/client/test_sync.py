import pytest

from op_program.client.errors import L2BlockError, PreimageFormatError
from op_program.client.l1 import OracleL1Source
from op_program.client.l2 import OracleL2Source
from op_program.client.oracle import ClientOracle
from op_program.client.sync import SafeChain, l2_block_ref, sync_start
from op_program.config.registry import rollup_config_by_chain_id
from tests.unit.client.witness import DictOracle, witness

OP_SEPOLIA = 11155420


def _setup() -> tuple[OracleL1Source, OracleL2Source, DictOracle]:
    table, boot = witness()
    raw = DictOracle(table)
    oracle = ClientOracle(raw, raw)
    l1 = OracleL1Source(oracle, bytes.fromhex(boot["l1_head"][2:]))
    l2 = OracleL2Source(oracle, bytes.fromhex(boot["agreed_l2_head_hash"][2:]))
    return l1, l2, raw


def test_agreed_head_origin_from_l1_info_deposit() -> None:
    _, l2, _ = _setup()
    rollup = rollup_config_by_chain_id(OP_SEPOLIA)
    chain = SafeChain(l2, rollup.genesis)
    ref = chain.ref_of(l2.head)
    assert ref.number == 16491248
    assert ref.l1_origin.number == 6582945
    assert ref.sequence_number == 1
    earlier = chain.l2_block_ref_by_number(16491245)
    assert earlier.number == 16491245
    assert len(chain.l2_transactions_by_number(16491245)) >= 1


def test_sync_start_walks_back_the_granite_channel_timeout() -> None:
    l1, l2, raw = _setup()
    rollup = rollup_config_by_chain_id(OP_SEPOLIA)
    ref = SafeChain(l2, rollup.genesis).ref_of(l2.head)
    base = sync_start(l1, ref, rollup)
    assert base.number == 6582945 - 50
    # no L2 block before the agreed head was read
    assert sum(h.startswith("l2-block-header") for h in raw.hints) == 1


def test_block_without_deposit_is_rejected() -> None:
    _, l2, _ = _setup()
    genesis = rollup_config_by_chain_id(OP_SEPOLIA).genesis
    with pytest.raises(L2BlockError):
        l2_block_ref(l2.head, (), genesis)
    with pytest.raises(PreimageFormatError):
        l2_block_ref(l2.head, (b"\x02" + bytes(10),), genesis)
