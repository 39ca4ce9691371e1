"""Batcher: L2 blocks → batches → compressed channels → frames → L1 calldata or blob txs.

Spec: protocol/derivation.md "Batch Submission" (batch format, channel format, frame format,
batcher transaction format), delta/span-batches.md (span batches), fjord/derivation.md (brotli
channels), ecotone/derivation.md (blob transactions, OP blob encoding). Options inject the
misbehaviour derivation must survive: a rogue sender, garbage data, frames out of order,
batches no safe chain accepts.
"""

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field

from op_program.devnet.keys import DevAccount
from op_program.devnet.l1 import L1Block, L1Chain, L1Tx
from op_program.devnet.l1_txs import blob_tx, calldata_tx
from op_program.devnet.sequencer import L2Block
from op_program.encoding.hashing import keccak256
from op_program.encoding.rlp import rlp_encode
from op_program.protocol.batches.singular import SingularBatch
from op_program.protocol.batches.span import span_batch_from_singulars
from op_program.protocol.blob import encode_blob
from op_program.protocol.compression import CompressionAlgo, compress_channel
from op_program.protocol.frames import DERIVATION_VERSION_0, Frame

MAX_BLOBS_PER_TX = 6


class BatchType(enum.Enum):
    """How blocks are batched."""

    SINGULAR = "singular"
    SPAN = "span"


@dataclass(frozen=True, slots=True)
class BatcherOptions:
    """How one channel is built and posted."""

    batch_type: BatchType = BatchType.SPAN
    compression: CompressionAlgo = CompressionAlgo.BROTLI
    use_blobs: bool = False
    max_frame_data: int = 120_000
    frames_per_tx: int = 1
    txs_per_l1_block: int = 0
    """0: every transaction of the channel in one L1 block; n: n per block (frames spread)."""
    reverse_frames: bool = False


@dataclass(frozen=True, slots=True)
class Channel:
    """A built channel: its id, frames and what it holds (for reports)."""

    channel_id: bytes
    frames: tuple[Frame, ...]
    batch_type: BatchType
    compression: CompressionAlgo
    block_numbers: tuple[int, ...]
    compressed_size: int = 0
    l1_blocks: list[int] = field(default_factory=list)


def singular_batch(block: L2Block) -> SingularBatch:
    """The singular batch of a sequenced block."""
    origin = block.ref.l1_origin
    return SingularBatch(block.header.parent_hash, origin.number, origin.hash,
                         block.header.timestamp, block.user_transactions)  # fmt: skip


class Batcher:
    """Posts channels for L2 blocks to the L1 batch inbox."""

    __slots__ = ("_channels", "account", "chain_id", "genesis_time", "inbox", "l1")

    def __init__(self, l1: L1Chain, account: DevAccount, inbox: bytes, chain_id: int,
                 genesis_time: int) -> None:  # fmt: skip
        self.l1 = l1
        self.account = account
        self.inbox = inbox
        self.chain_id = chain_id
        self.genesis_time = genesis_time
        self._channels = 0

    def batches_data(self, blocks: Sequence[L2Block], batch_type: BatchType) -> bytes:
        """The channel's uncompressed content: RLP strings of typed batches."""
        singulars = [singular_batch(block) for block in blocks]
        if batch_type is BatchType.SINGULAR:
            return b"".join(rlp_encode(batch.encode()) for batch in singulars)
        span = span_batch_from_singulars(
            singulars, blocks[0].ref.sequence_number, self.genesis_time, self.chain_id
        )
        return rlp_encode(span.encode())

    def channel(self, blocks: Sequence[L2Block], options: BatcherOptions) -> Channel:
        """Build (but do not post) the channel carrying ``blocks``."""
        self._channels += 1
        channel_id = keccak256(b"devnet channel %d" % self._channels)[:16]
        compressed = compress_channel(self.batches_data(blocks, options.batch_type),
                                      options.compression)  # fmt: skip
        size = options.max_frame_data
        chunks = [compressed[i : i + size] for i in range(0, len(compressed), size)] or [b""]
        frames = tuple(
            Frame(channel_id, index, chunk, index == len(chunks) - 1)
            for index, chunk in enumerate(chunks)
        )
        return Channel(channel_id, frames, options.batch_type, options.compression,
                       tuple(b.number for b in blocks), len(compressed))  # fmt: skip

    def transactions(self, frames: Sequence[Frame], options: BatcherOptions,
                     sender: DevAccount | None = None) -> list[L1Tx]:  # fmt: skip
        """Batcher transactions carrying ``frames`` (``frames_per_tx`` frames/blobs each)."""
        sender = sender or self.account
        step = min(options.frames_per_tx, MAX_BLOBS_PER_TX) if options.use_blobs else (
            options.frames_per_tx)  # fmt: skip
        txs = []
        for start in range(0, len(frames), step):
            group = frames[start : start + step]
            if options.use_blobs:
                blobs = [encode_blob(bytes([DERIVATION_VERSION_0]) + f.encode()) for f in group]
                txs.append(blob_tx(self.l1, sender, self.inbox, blobs))
            else:
                data = bytes([DERIVATION_VERSION_0]) + b"".join(f.encode() for f in group)
                txs.append(calldata_tx(self.l1, sender, self.inbox, data))
        return txs

    def post(self, txs: Sequence[L1Tx], per_block: int = 0) -> list[L1Block]:
        """Include ``txs`` in new L1 blocks (``per_block`` per block; 0 = all in one)."""
        mined = []
        per_block = per_block or max(1, len(txs))
        for start in range(0, len(txs), per_block):
            for tx in txs[start : start + per_block]:
                self.l1.include(tx)
            mined.append(self.l1.mine())
        return mined

    def submit(self, blocks: Sequence[L2Block], options: BatcherOptions | None = None,
               sender: DevAccount | None = None) -> Channel:  # fmt: skip
        """Build a channel for ``blocks`` and post it; return the channel with its L1 blocks."""
        options = options or BatcherOptions()
        channel = self.channel(blocks, options)
        frames = list(reversed(channel.frames)) if options.reverse_frames else list(channel.frames)
        mined = self.post(self.transactions(frames, options, sender), options.txs_per_l1_block)
        channel.l1_blocks.extend(block.number for block in mined)
        return channel

    def post_garbage(self, data: bytes) -> L1Block:
        """Post a batcher transaction whose data is not a valid frame sequence."""
        return self.post([calldata_tx(self.l1, self.account, self.inbox, data)])[0]
