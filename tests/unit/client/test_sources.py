import pytest

from op_program.client.errors import L1RangeError, L2BlockError, PreimageMismatchError
from op_program.client.l1 import OracleL1Source
from op_program.client.l2 import OracleL2Source, fetch_output
from op_program.client.oracle import ClientOracle
from op_program.client.output import output_root_of
from op_program.protocol.receipts import decode_receipt
from op_program.protocol.transactions.envelope import decode_transaction
from tests.unit.client.witness import DictOracle, witness

L1_HEAD_NUMBER = 6582975
BATCH_L1_BLOCK = 6582952
AGREED_NUMBER = 16491248


def _oracle(**overlay: bytes) -> tuple[ClientOracle, DictOracle]:
    table, _ = witness()
    raw = DictOracle(table)
    return ClientOracle(raw, raw), raw


def _boot_hash(name: str) -> bytes:
    return bytes.fromhex(witness()[1][name][2:])


def test_l1_head_and_walk_back() -> None:
    oracle, raw = _oracle()
    l1 = OracleL1Source(oracle, _boot_hash("l1_head"))
    assert l1.head.number == L1_HEAD_NUMBER
    assert l1.head.hash == _boot_hash("l1_head")
    block = l1.header_by_number(BATCH_L1_BLOCK)
    assert block.number == BATCH_L1_BLOCK
    assert raw.hints[0] == "l1-block-header 0x" + _boot_hash("l1_head").hex()
    assert len(raw.hints) == L1_HEAD_NUMBER - BATCH_L1_BLOCK + 1
    # cached: the same lookups ask nothing more
    before = len(raw.requests)
    assert l1.header_by_number(BATCH_L1_BLOCK + 5).number == BATCH_L1_BLOCK + 5
    assert len(raw.requests) == before
    with pytest.raises(L1RangeError):
        l1.header_by_number(L1_HEAD_NUMBER + 1)


def test_l1_batch_block_transactions() -> None:
    oracle, raw = _oracle()
    l1 = OracleL1Source(oracle, _boot_hash("l1_head"))
    block = l1.header_by_number(BATCH_L1_BLOCK)
    header, txs = l1.transactions_by_hash(block.hash)
    assert header is block
    assert raw.hints[-1] == "l1-transactions 0x" + block.hash.hex()
    decoded = [decode_transaction(tx) for tx in txs]
    blob_txs = [tx for tx in decoded if tx.tx_type == 3]
    assert any(len(getattr(tx, "blob_versioned_hashes", ())) == 3 for tx in blob_txs)


def test_l2_agreed_output_head_and_walk_back() -> None:
    oracle, raw = _oracle()
    output = fetch_output(oracle, _boot_hash("agreed_l2_output_root"))
    assert output.block_hash == _boot_hash("agreed_l2_head_hash")
    l2 = OracleL2Source(oracle, output.block_hash)
    assert l2.head.number == AGREED_NUMBER
    assert l2.head.state_root == output.state_root
    txs = l2.transactions_by_hash(output.block_hash)
    assert txs[0][0] == 0x7E
    assert l2.header_by_number(AGREED_NUMBER - 3).number == AGREED_NUMBER - 3
    with pytest.raises(L2BlockError):
        l2.header_by_number(AGREED_NUMBER + 1)


def test_agreed_output_root_recomputed_from_state() -> None:
    oracle, raw = _oracle()
    output = fetch_output(oracle, _boot_hash("agreed_l2_output_root"))
    l2 = OracleL2Source(oracle, output.block_hash)
    root = output_root_of(l2.head, l2.node_by_hash, isthmus=False)
    assert root == _boot_hash("agreed_l2_output_root")
    assert any(h.startswith("l2-state-node 0x") for h in raw.hints)


def test_altered_header_is_rejected() -> None:
    table, boot = witness()
    head = bytes.fromhex(boot["l1_head"][2:])
    key = b"\x02" + head[1:]
    raw = DictOracle(table, overlay={key: table[key][:-1] + b"\x00"})
    with pytest.raises(PreimageMismatchError):
        OracleL1Source(ClientOracle(raw, raw), head)


def test_l1_receipts_match_transactions() -> None:
    oracle, raw = _oracle()
    l1 = OracleL1Source(oracle, _boot_hash("l1_head"))
    block = l1.header_by_number(BATCH_L1_BLOCK)
    _, txs = l1.transactions_by_hash(block.hash)
    _, receipts = l1.receipts_by_hash(block.hash)
    assert raw.hints[-1] == "l1-receipts 0x" + block.hash.hex()
    assert len(receipts) == len(txs) > 0
    decoded = [decode_receipt(r) for r in receipts]
    assert decoded[-1].cumulative_gas_used == block.gas_used


def test_l1_bodies_are_cached_without_hints() -> None:
    oracle, raw = _oracle()
    l1 = OracleL1Source(oracle, _boot_hash("l1_head"))
    block = l1.header_by_number(BATCH_L1_BLOCK)
    l1.receipts_by_hash(block.hash)
    l1.transactions_by_hash(block.hash)
    hints, requests = len(raw.hints), len(raw.requests)
    l1.receipts_by_hash(block.hash)
    l1.transactions_by_hash(block.hash)
    assert (len(raw.hints), len(raw.requests)) == (hints, requests)


def test_state_source_serves_the_executor() -> None:
    from op_program.client.state import OracleStateSource
    from op_program.encoding.hashing import keccak256

    oracle, raw = _oracle()
    head_hash = _boot_hash("agreed_l2_head_hash")
    l2 = OracleL2Source(oracle, head_hash)
    state = OracleStateSource(l2)
    assert keccak256(state.header_by_hash(head_hash)) == head_hash
    node = state.node_by_hash(l2.head.state_root)
    assert keccak256(node) == l2.head.state_root
    assert raw.hints[-1] == "l2-state-node 0x" + l2.head.state_root.hex()


def test_missing_preimage_is_a_typed_error_never_a_key_error() -> None:
    from op_program.client.errors import PreimageUnavailableError

    raw = DictOracle({})
    oracle = ClientOracle(raw, raw)
    with pytest.raises(PreimageUnavailableError, match="0x02" + "ab" * 31):
        oracle.keccak(b"\xab" * 32)
    assert oracle.last_key == b"\x02" + b"\xab" * 31
