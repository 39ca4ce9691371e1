"""Devnet L1 blocks read back like real ones; genesis predeploys are the spec'd code."""

import pytest

from op_program.config.rollup import BlockId
from op_program.devnet.genesis import FORKS, ChainParams, build_genesis, fork_times
from op_program.devnet.keys import DevAccount
from op_program.devnet.l1 import L1Chain
from op_program.devnet.l1_txs import blob_tx, calldata_tx
from op_program.devnet.predeploys import implementation_codes, proxy_code
from op_program.devnet.preimages import PreimageStore
from op_program.errors import OpProgramError
from op_program.mpt.ordered import ordered_trie_values
from op_program.preimage.keys import keccak256_key
from op_program.protocol.header import Header
from op_program.protocol.transactions import BlobTransaction, decode_transaction


def test_l1_block_tries_and_signatures_read_back() -> None:
    """Headers chain by parent hash; tx/receipt tries hold the txs; senders recover."""
    l1 = L1Chain(900, 1000)
    sender = DevAccount.from_label("test")
    l1.include(calldata_tx(l1, sender, b"\x01" * 20, b"hello"))
    l1.include(blob_tx(l1, sender, b"\x01" * 20, [bytes(131072)]))
    block = l1.mine()
    store = PreimageStore()
    l1.add_preimages(store)
    header = Header.decode(store.get(keccak256_key(block.hash)))
    assert header.parent_hash == l1.blocks[0].hash and header.number == 1
    assert header.blob_gas_used == 131072
    txs = ordered_trie_values(header.transactions_root,
                              lambda h: store.get(keccak256_key(h)))  # fmt: skip
    decoded = [decode_transaction(raw) for raw in txs]
    assert [tx.recover_sender() for tx in decoded] == [sender.address] * 2
    assert isinstance(decoded[1], BlobTransaction)
    receipts = ordered_trie_values(header.receipts_root, lambda h: store.get(keccak256_key(h)))
    assert len(receipts) == 2


def test_upgrade_deposits_leave_runtime_code() -> None:
    """Every implementation the upgrade deposits deploy has code (run through the executor)."""
    codes = implementation_codes()
    assert len(codes[("jovian", "l1_block")]) > 1000
    assert codes[("ecotone", "beacon_roots")][:1] == b"\x33"  # EIP-4788 code starts with CALLER
    assert proxy_code().startswith(b"\x33\x15")


def test_genesis_is_a_custom_chain_starting_at_delta_or_later() -> None:
    """The genesis header carries the fields of the active forks; pre-Delta starts fail."""
    genesis = build_genesis(ChainParams(b"\x02" * 20, BlockId(b"\x03" * 32, 0)))
    assert genesis.header.requests_hash is not None and len(genesis.header.extra_data) == 17
    assert genesis.rollup.genesis.l2.hash == genesis.header.hash
    with pytest.raises(OpProgramError):
        fork_times({"delta": 10}, 0)
    delta = build_genesis(ChainParams(b"\x02" * 20, BlockId(b"\x03" * 32, 0),
                                      fork_offsets=dict.fromkeys(FORKS[3:], 10)))
    assert delta.header.blob_gas_used is None and delta.header.extra_data == b""
