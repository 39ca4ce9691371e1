"""Span batches: a range of consecutive L2 blocks in one batch (delta/span-batches.md).

``batch_version (0x01) ++ prefix ++ payload`` with ``prefix = rel_timestamp ++ l1_origin_num ++
parent_check ++ l1_origin_check`` and ``payload = block_count ++ origin_bits ++ block_tx_counts
++ txs``. Version ``0x02`` (the experimental extension in op-node's golden vectors) adds
``same_ts_bits`` after ``origin_bits``: block ``i > 0`` shares the previous block's timestamp
when its bit is set. Spec: https://specs.optimism.io/protocol/delta/span-batches.html
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Final, Protocol, overload

from op_program.protocol.batches.bits import ByteCursor, bit_flags, bits_from_flags, encode_bits
from op_program.protocol.batches.bits import encode_uvarint as uvarint
from op_program.protocol.batches.errors import (
    BatchDecodeError,
    EmptySpanBatchError,
    SpanBatchDeriveError,
    SpanBatchTooBigError,
)
from op_program.protocol.batches.singular import SingularBatch
from op_program.protocol.batches.span_txs import MAX_SPAN_BATCH_ELEMENT_COUNT, SpanBatchTxs

SPAN_BATCH_TYPE: Final = 1
SPAN_BATCH_V2_TYPE: Final = 2
_U64: Final = (1 << 64) - 1


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
        counts = _read_tx_counts(cur, block_count)
        total = sum(counts)
        if total > MAX_SPAN_BATCH_ELEMENT_COUNT:
            raise SpanBatchTooBigError("too many transactions in span batch")
        txs = SpanBatchTxs.decode(cur, total)
        return cls(
            rel_timestamp, l1_origin_num, parent_check, l1_origin_check, block_count,
            origin_bits, counts, txs, batch_type, same_ts_bits,
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
        return list(_iter_timestamps(self, block_time, genesis_timestamp))

    def origin_numbers(self) -> list[int]:
        """Return each block's L1 origin number, walking back from ``l1_origin_num``."""
        return list(_iter_origins(self))

    def derive(self, block_time: int, genesis_timestamp: int, chain_id: int) -> "SpanBatch":
        """Derive the span: full transactions now, block timestamps and origins when read.

        Transactions are rebuilt here as in op-node's ``DeriveSpanBatch`` (a failure skips the
        batch in the channel reader); per-block values wait for the validity checks.

        Raises:
            SpanBatchDeriveError: a transaction cannot be rebuilt.
        """
        txs = self.txs.full_transactions(chain_id)
        elements = SpanElements(self, block_time, genesis_timestamp, txs)
        return SpanBatch(self.parent_check, self.l1_origin_check, elements)


def _first_origin(raw: RawSpanBatch) -> int:
    # Every set origin bit after block 0 advances the origin by one, ending at l1_origin_num.
    return (raw.l1_origin_num - (raw.origin_bits >> 1).bit_count()) & _U64


def _iter_origins(raw: RawSpanBatch) -> Iterator[int]:
    """Each block's L1 origin number, in one pass over the origin bits (issue 11: linear)."""
    flags = bit_flags(raw.origin_bits, raw.block_count)
    current = _first_origin(raw)
    yield current
    for index in range(1, raw.block_count):
        if flags[index]:
            current = (current + 1) & _U64
        yield current


def _iter_timestamps(raw: RawSpanBatch, block_time: int, genesis_timestamp: int) -> Iterator[int]:
    current = (genesis_timestamp + raw.rel_timestamp) & _U64
    yield current
    if raw.batch_type != SPAN_BATCH_V2_TYPE:
        for _ in range(1, raw.block_count):
            current = (current + block_time) & _U64
            yield current
        return
    same = bit_flags(raw.same_ts_bits, raw.block_count)
    for index in range(1, raw.block_count):
        if not same[index]:
            current = (current + block_time) & _U64
        yield current


def _read_tx_counts(cur: ByteCursor, block_count: int) -> tuple[int, ...]:
    """Read ``block_tx_counts``: one uvarint per block (up to 10M blocks).

    When every count is below 128 (each one byte, the usual case) the bytes are the counts and
    are taken in one C-level step; otherwise they are read one by one (still linear).
    """
    run = cur.data[cur.pos : cur.pos + block_count]
    if len(run) == block_count and run.isascii():
        cur.pos += block_count
        return tuple(run)
    counts = []
    for _ in range(block_count):
        count = cur.read_uvarint("block tx count")
        if count > MAX_SPAN_BATCH_ELEMENT_COUNT:
            raise SpanBatchTooBigError("too many transactions in a span batch block")
        counts.append(count)
    return tuple(counts)


@dataclass(frozen=True, slots=True)
class SpanBatchElement:
    """One derived block of a span batch: its L1 origin number, timestamp and transactions."""

    epoch_num: int
    timestamp: int
    transactions: tuple[bytes, ...]


class SpanElements(Sequence[SpanBatchElement]):
    """The blocks of a derived span batch, computed when read rather than all up front.

    A span batch may hold up to ``MAX_SPAN_BATCH_ELEMENT_COUNT`` (10M) blocks in a few KB of
    channel data (delta/span-batches.md, fjord/derivation.md); the validity rules first look only
    at the first and last block, which cost O(1) here. Iterating walks the bit fields once;
    indexing elsewhere builds per-block tables once (both linear in the block count).
    """

    __slots__ = ("_block_time", "_genesis", "_raw", "_tables", "_txs")

    def __init__(self, raw: RawSpanBatch, block_time: int, genesis_timestamp: int,
                 txs: Sequence[bytes]) -> None:
        self._raw = raw
        self._block_time = block_time
        self._genesis = genesis_timestamp
        self._txs = txs
        self._tables: tuple[array[int], array[int], array[int]] | None = None

    def __len__(self) -> int:
        return self._raw.block_count

    @overload
    def __getitem__(self, index: int) -> SpanBatchElement: ...

    @overload
    def __getitem__(self, index: slice) -> "tuple[SpanBatchElement, ...]": ...

    def __getitem__(self, index: int | slice) -> "SpanBatchElement | tuple[SpanBatchElement, ...]":
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        count = len(self)
        if index < 0:
            index += count
        if not 0 <= index < count:
            raise IndexError("span batch element index out of range")
        raw = self._raw
        if index == 0:
            first = (self._genesis + raw.rel_timestamp) & _U64
            return self._element(_first_origin(raw), first, 0, raw.block_tx_counts[0])
        if index == count - 1 and raw.batch_type != SPAN_BATCH_V2_TYPE:
            last = (self._genesis + raw.rel_timestamp) & _U64
            last = (last + index * self._block_time) & _U64
            tx_count = raw.block_tx_counts[index]
            return self._element(raw.l1_origin_num, last, len(self._txs) - tx_count, tx_count)
        origins, times, starts = self._per_block()
        return self._element(origins[index], times[index], starts[index],
                             raw.block_tx_counts[index])

    def __iter__(self) -> Iterator[SpanBatchElement]:
        start = 0
        raw = self._raw
        for origin, timestamp, count in zip(
            _iter_origins(raw), _iter_timestamps(raw, self._block_time, self._genesis),
            raw.block_tx_counts, strict=True,
        ):
            yield self._element(origin, timestamp, start, count)
            start += count

    def _element(self, origin: int, timestamp: int, start: int, count: int) -> SpanBatchElement:
        return SpanBatchElement(origin, timestamp, tuple(self._txs[start : start + count]))

    def _per_block(self) -> tuple[array[int], array[int], array[int]]:
        if self._tables is None:
            raw = self._raw
            origins = array("Q", _iter_origins(raw))
            times = array("Q", _iter_timestamps(raw, self._block_time, self._genesis))
            starts = array("Q", accumulate(raw.block_tx_counts[:-1], initial=0))
            self._tables = (origins, times, starts)
        return self._tables


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
    elements: Sequence[SpanBatchElement]

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
