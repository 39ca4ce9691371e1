"""Span batches: a range of consecutive L2 blocks in one batch (delta/span-batches.md).

``batch_version (0x01) ++ prefix ++ payload`` with ``prefix = rel_timestamp ++ l1_origin_num ++
parent_check ++ l1_origin_check`` and ``payload = block_count ++ origin_bits ++ block_tx_counts
++ txs``. Version ``0x02`` (the experimental extension in op-node's golden vectors) adds
``same_ts_bits`` after ``origin_bits``: block ``i > 0`` shares the previous block's timestamp
when its bit is set. Spec: https://specs.optimism.io/protocol/delta/span-batches.html
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from op_program.protocol.batches.bits import ByteCursor, bit, bits_from_flags, encode_bits
from op_program.protocol.batches.bits import encode_uvarint as uvarint
from op_program.protocol.batches.errors import (
    BatchDecodeError,
    EmptySpanBatchError,
    SpanBatchDeriveError,
    SpanBatchTooBigError,
)
from op_program.protocol.batches.singular import SingularBatch
from op_program.protocol.batches.span_txs import MAX_SPAN_BATCH_ELEMENT_COUNT, SpanBatchTxs

SPAN_BATCH_TYPE = 1
SPAN_BATCH_V2_TYPE = 2
_U64 = (1 << 64) - 1


@dataclass(frozen=True, slots=True)
class RawSpanBatch:
    """A span batch exactly as encoded (before deriving its blocks)."""

    rel_timestamp: int
    l1_origin_num: int
    parent_check: bytes
    l1_origin_check: bytes
    block_count: int
    origin_bits: int
    block_tx_counts: tuple[int, ...]
    txs: SpanBatchTxs
    batch_type: int = SPAN_BATCH_TYPE
    same_ts_bits: int = 0

    @classmethod
    def decode_content(cls, content: bytes, batch_type: int = SPAN_BATCH_TYPE) -> "RawSpanBatch":
        """Decode ``prefix ++ payload`` (the batch without its type byte).

        Raises:
            BatchDecodeError: truncated or malformed data (``SpanBatchTooBigError``,
                ``EmptySpanBatchError`` for the element-count rules).
        """
        cur = ByteCursor(content)
        rel_timestamp = cur.read_uvarint("rel timestamp")
        l1_origin_num = cur.read_uvarint("l1 origin num")
        parent_check = cur.read(20, "parent check")
        l1_origin_check = cur.read(20, "l1 origin check")
        block_count = cur.read_uvarint("block count")
        if block_count > MAX_SPAN_BATCH_ELEMENT_COUNT:
            raise SpanBatchTooBigError("too many blocks in span batch")
        if block_count == 0:
            raise EmptySpanBatchError("span batch must not be empty")
        origin_bits = cur.read_bits(block_count, "origin bits")
        same_ts_bits = 0
        if batch_type == SPAN_BATCH_V2_TYPE:
            same_ts_bits = cur.read_bits(block_count, "same timestamp bits")
        counts = []
        total = 0
        for _ in range(block_count):
            count = cur.read_uvarint("block tx count")
            if count > MAX_SPAN_BATCH_ELEMENT_COUNT:
                raise SpanBatchTooBigError("too many transactions in a span batch block")
            counts.append(count)
            total += count
        if total > MAX_SPAN_BATCH_ELEMENT_COUNT:
            raise SpanBatchTooBigError("too many transactions in span batch")
        txs = SpanBatchTxs.decode(cur, total)
        return cls(
            rel_timestamp, l1_origin_num, parent_check, l1_origin_check, block_count,
            origin_bits, tuple(counts), txs, batch_type, same_ts_bits,
        )

    def encode_content(self) -> bytes:
        """Return ``prefix ++ payload`` (without the type byte)."""
        if len(self.parent_check) != 20 or len(self.l1_origin_check) != 20:
            raise ValueError("parent and L1 origin checks are 20 bytes")
        parts = [
            uvarint(self.rel_timestamp),
            uvarint(self.l1_origin_num),
            self.parent_check,
            self.l1_origin_check,
            uvarint(self.block_count),
            encode_bits(self.origin_bits, self.block_count),
        ]
        if self.batch_type == SPAN_BATCH_V2_TYPE:
            parts.append(encode_bits(self.same_ts_bits, self.block_count))
        parts.extend(uvarint(count) for count in self.block_tx_counts)
        parts.append(self.txs.encode())
        return b"".join(parts)

    def encode(self) -> bytes:
        """Return the typed batch: ``batch_type ++ prefix ++ payload``."""
        return bytes([self.batch_type]) + self.encode_content()

    def timestamps(self, block_time: int, genesis_timestamp: int) -> list[int]:
        """Return each block's timestamp (uint64 arithmetic, as op-node)."""
        first = (genesis_timestamp + self.rel_timestamp) & _U64
        out = [first]
        for index in range(1, self.block_count):
            same = self.batch_type == SPAN_BATCH_V2_TYPE and bit(self.same_ts_bits, index)
            out.append(out[-1] if same else (out[-1] + block_time) & _U64)
        return out

    def origin_numbers(self) -> list[int]:
        """Return each block's L1 origin number, walking back from ``l1_origin_num``."""
        numbers = [0] * self.block_count
        current = self.l1_origin_num
        for index in range(self.block_count - 1, -1, -1):
            numbers[index] = current
            if bit(self.origin_bits, index) and index > 0:
                current = (current - 1) & _U64
        return numbers

    def derive(self, block_time: int, genesis_timestamp: int, chain_id: int) -> "SpanBatch":
        """Derive the span's blocks: timestamps, L1 origin numbers and full transactions.

        Raises:
            SpanBatchDeriveError: a transaction cannot be rebuilt.
        """
        txs = self.txs.full_transactions(chain_id)
        elements = []
        start = 0
        origins = self.origin_numbers()
        for index, timestamp in enumerate(self.timestamps(block_time, genesis_timestamp)):
            count = self.block_tx_counts[index]
            elements.append(
                SpanBatchElement(origins[index], timestamp, tuple(txs[start : start + count]))
            )
            start += count
        return SpanBatch(self.parent_check, self.l1_origin_check, tuple(elements))


@dataclass(frozen=True, slots=True)
class SpanBatchElement:
    """One derived block of a span batch: its L1 origin number, timestamp and transactions."""

    epoch_num: int
    timestamp: int
    transactions: tuple[bytes, ...]


class L1OriginRef(Protocol):
    """An L1 block reference with a number and a hash."""

    @property
    def number(self) -> int:
        """The L1 block number."""

    @property
    def hash(self) -> bytes:
        """The L1 block hash."""


@dataclass(frozen=True, slots=True)
class SpanBatch:
    """A derived span batch: the checks of its first parent and last origin, and its blocks."""

    parent_check: bytes
    l1_origin_check: bytes
    elements: tuple[SpanBatchElement, ...]

    def singular_batches(
        self, l1_origins: Sequence[L1OriginRef], safe_head_timestamp: int
    ) -> list[SingularBatch]:
        """Return the blocks after the safe head as singular batches (op-node semantics).

        The parent hash is left zero; the batch queue fills it in. Epoch hashes come from
        ``l1_origins`` (searched forward, in order).

        Raises:
            SpanBatchDeriveError: an element's L1 origin is not in ``l1_origins``.
        """
        out = []
        origin_index = 0
        for element in self.elements:
            if element.timestamp <= safe_head_timestamp:
                continue
            for index in range(origin_index, len(l1_origins)):
                if l1_origins[index].number == element.epoch_num:
                    origin_index = index
                    epoch_hash = l1_origins[index].hash
                    break
            else:
                raise SpanBatchDeriveError(
                    f"unable to find L1 origin for the epoch number: {element.epoch_num}"
                )
            out.append(
                SingularBatch(
                    bytes(32), element.epoch_num, epoch_hash, element.timestamp,
                    element.transactions,
                )
            )
        return out


def span_batch_from_singulars(
    batches: Sequence[SingularBatch],
    first_seq_num: int,
    genesis_timestamp: int,
    chain_id: int,
    batch_type: int = SPAN_BATCH_TYPE,
) -> RawSpanBatch:
    """Encode consecutive singular batches as one raw span batch (the batcher's direction).

    ``first_seq_num`` is the first block's sequence number in its epoch: 0 sets its origin bit.

    Raises:
        BatchDecodeError: no batches, or a transaction span batches cannot carry.
    """
    if not batches:
        raise BatchDecodeError("cannot build an empty span batch")
    origin_flags = [first_seq_num == 0] + [
        batches[i - 1].epoch_num < batches[i].epoch_num for i in range(1, len(batches))
    ]
    same_ts = [False] + [
        batches[i - 1].timestamp == batches[i].timestamp for i in range(1, len(batches))
    ]
    all_txs = [tx for batch in batches for tx in batch.transactions]
    return RawSpanBatch(
        rel_timestamp=batches[0].timestamp - genesis_timestamp,
        l1_origin_num=batches[-1].epoch_num,
        parent_check=batches[0].parent_hash[:20],
        l1_origin_check=batches[-1].epoch_hash[:20],
        block_count=len(batches),
        origin_bits=bits_from_flags(origin_flags),
        block_tx_counts=tuple(len(batch.transactions) for batch in batches),
        txs=SpanBatchTxs.from_transactions(all_txs, chain_id),
        batch_type=batch_type,
        same_ts_bits=bits_from_flags(same_ts) if batch_type == SPAN_BATCH_V2_TYPE else 0,
    )
