"""Derive the next L2 block of the real OP Sepolia fault-proof witness (tests/fixtures/fpp).

Facts from the fixture README: the agreed head 16491248 has L1 origin 6582945; the batch for
16491249 sits in L1 block 6582952 (three blobs, one brotli channel of span batches); 16491249 is
the last block of its span, keeps origin 6582945 with sequence number 2, and has 12 transactions.
The derivation reads only preimages of the set (sync start: channel timeout before the origin).
"""

import pytest

from op_program.protocol.l1_info import L1InfoFork, decode_l1_info
from op_program.protocol.predeploys import SEQUENCER_FEE_VAULT
from op_program.protocol.transactions import DepositTransaction, decode_transaction
from tests.unit.client.witness import DictOracle, witness, witness_pipeline

pytestmark = [pytest.mark.conformance, pytest.mark.slow]


def test_derives_block_16491249() -> None:
    table, _ = witness()
    chain = witness_pipeline(DictOracle(table), {})
    pipeline, rollup, l1, l2 = chain.pipeline, chain.rollup, chain.l1, chain.l2
    attributes = pipeline.next_attributes(l2.head)
    assert attributes is not None
    derived = pipeline.last_derived
    assert derived is not None
    assert derived.parent.number == 16491248
    assert derived.parent.l1_origin.number == 6582945
    assert derived.derived_from.number == 6582952
    assert derived.is_last_in_span
    assert attributes.timestamp == l2.head.timestamp + rollup.block_time
    assert len(attributes.transactions) == 12
    first = decode_transaction(attributes.transactions[0])
    assert isinstance(first, DepositTransaction)
    info = decode_l1_info(first.data)
    assert (info.number, info.sequence_number, info.fork) == (6582945, 2, L1InfoFork.ECOTONE)
    origin = l1.header_by_number(6582945)
    assert info.block_hash == origin.hash
    assert attributes.prev_randao == origin.mix_hash
    assert attributes.parent_beacon_block_root == origin.parent_beacon_block_root
    assert attributes.suggested_fee_recipient == SEQUENCER_FEE_VAULT
    assert attributes.gas_limit == l2.head.gas_limit
    assert attributes.eip1559_params is None  # Granite era: Holocene not active
    assert attributes.withdrawals == ()
    assert all(tx[0] != 0x7E for tx in attributes.transactions[1:])
    # the agreed head's L1-info deposit names the same origin: the system config round-trips
    head_info = decode_l1_info(decode_transaction(l2.transactions_by_hash(l2.head.hash)[0]).data)
    assert (head_info.base_fee_scalar, head_info.blob_base_fee_scalar) == (
        info.base_fee_scalar,
        info.blob_base_fee_scalar,
    )
