"""Batcher output decodes with the protocol codecs; the devnet nodes answer like real ones."""

import pytest

from op_program.devnet.batcher import BatcherOptions, BatchType
from op_program.devnet.network import Devnet
from op_program.devnet.rpc_views import beacon_documents, l1_view, l2_handlers
from op_program.encoding.hashing import keccak256
from op_program.encoding.hex import bytes_to_hex, hex_to_bytes
from op_program.mpt.proof import verify_account_proof
from op_program.protocol.batches import RawSpanBatch, SingularBatch
from op_program.protocol.channel import read_channel
from op_program.protocol.compression import MAX_RLP_BYTES_PER_CHANNEL_FJORD, CompressionAlgo
from op_program.protocol.frames import channel_data, parse_frames
from op_program.protocol.header import Header
from op_program.protocol.predeploys import L2_TO_L1_MESSAGE_PASSER
from op_program.protocol.transactions import DynamicFeeTransaction, decode_transaction


@pytest.fixture(scope="module")
def devnet() -> Devnet:
    """A devnet with a few sequenced blocks and a withdrawal."""
    net = Devnet()
    net.mine_l1()
    net.sequence([[net.wallet.withdraw(10**15, net.alice.address)]])
    net.sequence_to_l1_head()
    return net


@pytest.mark.parametrize("batch_type", list(BatchType))
@pytest.mark.parametrize("algo", list(CompressionAlgo))
def test_channels_decode_to_the_sequenced_blocks(devnet: Devnet, batch_type: BatchType,
                                                 algo: CompressionAlgo) -> None:
    """Frames split across txs reassemble into the batches of the sequenced blocks."""
    blocks = devnet.sequencer.blocks[1:]
    options = BatcherOptions(batch_type, algo, max_frame_data=20, frames_per_tx=3)
    channel = devnet.batcher.channel(blocks, options)
    txs = devnet.batcher.transactions(channel.frames, options)
    assert len(channel.frames) > 3 and len(txs) == -(-len(channel.frames) // 3)
    frames = [frame for tx in txs for frame in parse_frames(_calldata(tx.raw))]
    assert frames[-1].is_last and not frames[0].is_last
    read = read_channel(channel_data(frames), MAX_RLP_BYTES_PER_CHANNEL_FJORD, True)
    assert read.error is None and read.algo is algo
    if batch_type is BatchType.SINGULAR:
        assert [b.timestamp for b in read.batches if isinstance(b, SingularBatch)] == [
            b.header.timestamp for b in blocks]
    else:
        (span,) = read.batches
        assert isinstance(span, RawSpanBatch) and span.block_count == len(blocks)


def _calldata(raw: bytes) -> bytes:
    tx = decode_transaction(raw)
    assert isinstance(tx, DynamicFeeTransaction)
    return tx.data


def test_l2_node_serves_blocks_nodes_and_proofs(devnet: Devnet) -> None:
    """eth_getBlockByHash, debug_dbGet and eth_getProof agree with the sequencer's chain."""
    handlers = l2_handlers(devnet.sequencer, devnet.rollup.l2_chain_id)
    head = devnet.sequencer.head.header
    block = handlers["eth_getBlockByHash"]([bytes_to_hex(head.hash), False])
    assert Header.from_rpc(block).hash == head.hash
    root_node = hex_to_bytes(handlers["debug_dbGet"]([bytes_to_hex(head.state_root)]))
    assert keccak256(root_node) == head.state_root
    proof = handlers["eth_getProof"]([bytes_to_hex(L2_TO_L1_MESSAGE_PASSER), [],
                                      bytes_to_hex(head.hash)])  # fmt: skip
    nodes = [hex_to_bytes(n) for n in proof["accountProof"]]
    account = verify_account_proof(head.state_root, L2_TO_L1_MESSAGE_PASSER, nodes)
    assert account is not None
    assert account.storage_root == devnet.sequencer.head.output.message_passer_storage_root
    assert bytes_to_hex(account.storage_root) == proof["storageHash"]


def test_l1_node_and_beacon_api(devnet: Devnet) -> None:
    """L1 receipts come back in both forms; the beacon API maps slots to L1 blocks."""
    devnet.batcher.submit(devnet.sequencer.blocks[1:3], BatcherOptions(use_blobs=True))
    handlers = l1_view(devnet.l1).handlers()
    head = devnet.l1.head
    raw = handlers["debug_getRawReceipts"]([bytes_to_hex(head.hash)])
    as_json = handlers["eth_getBlockReceipts"]([bytes_to_hex(head.hash)])
    assert len(raw) == len(as_json) == len(devnet.l1.blocks[-1].txs)
    get = beacon_documents(devnet.l1)
    assert get("/eth/v1/config/spec", {})["data"]["SECONDS_PER_SLOT"] == "12"
    sidecars = get(f"/eth/v1/beacon/blob_sidecars/{head.number}", {"indices": "0"})["data"]
    assert len(sidecars) == 1 and len(hex_to_bytes(sidecars[0]["blob"])) == 131072


def test_full_blocks_and_receipts_as_geth_decodes_them(devnet: Devnet) -> None:
    """``eth_getBlockByHash(h, true)`` lists transaction objects with every field of their type
    (the 2024 Go host decodes them and re-derives the transactions root); receipts carry
    ``gasUsed`` and each log its transaction hash."""
    devnet.batcher.submit(devnet.sequencer.blocks[1:3], BatcherOptions(use_blobs=True))
    l1 = l1_view(devnet.l1).handlers()
    head = devnet.l1.head
    blob_block = l1["eth_getBlockByHash"]([bytes_to_hex(head.hash), True])
    (blob_tx,) = blob_block["transactions"]
    assert blob_tx["type"] == "0x3" and blob_tx["blobVersionedHashes"]
    assert {"chainId", "nonce", "maxFeePerBlobGas", "yParity", "r", "s"} <= set(blob_tx)
    assert blob_block["withdrawals"] == []
    l2 = l2_handlers(devnet.sequencer, devnet.rollup.l2_chain_id)
    block = devnet.sequencer.blocks[1]
    full = l2["eth_getBlockByHash"]([bytes_to_hex(block.header.hash), True])["transactions"]
    assert [tx["hash"] for tx in full] == [bytes_to_hex(keccak256(t)) for t in block.transactions]
    deposit, user = full[0], full[-1]
    assert deposit["type"] == "0x7e" and deposit["isSystemTx"] is False
    assert {"sourceHash", "from", "mint", "gas", "value", "input"} <= set(deposit)
    assert user["type"] == "0x2" and user["from"] == bytes_to_hex(devnet.alice.address)
    receipts = l2["eth_getBlockReceipts"]([bytes_to_hex(block.header.hash)])
    assert sum(int(r["gasUsed"], 16) for r in receipts) == block.header.gas_used
    assert all(log["transactionHash"] == r["transactionHash"]
               for r in receipts for log in r["logs"])  # fmt: skip
