from typing import Any

import pytest

from op_program.config.rollup import BlockId
from op_program.derive.errors import EndOfDataError, NotEnoughDataError, ResetError
from op_program.derive.stages.batch_queue import BatchQueue
from op_program.derive.types import L2BlockRef
from op_program.protocol.batches import SingularBatch, SpanBatch, SpanBatchElement

from .stubs import FakeBatches, FakeSafeChain, l1_block, l2_block, rollup

TX = b"\x02\xc0"
EPOCH = l1_block(100)  # time 1200
SAFE = l2_block(50, 1210, EPOCH, seq=5)


def batch(ts: int, parent: L2BlockRef = SAFE, epoch: int = 100, txs: Any = (TX,)) -> SingularBatch:
    return SingularBatch(parent.hash, epoch, l1_block(epoch).hash, ts, tuple(txs))


def run(bq: BatchQueue, parent: L2BlockRef, limit: int = 50) -> SingularBatch:
    for _ in range(limit):
        try:
            return bq.next_batch(parent)[0]
        except NotEnoughDataError:
            continue
    raise AssertionError("no batch")


def setup(*batches: Any, cfg: Any = None, l2: Any = None) -> tuple[BatchQueue, FakeBatches]:
    src = FakeBatches(EPOCH)
    src.batches.extend(batches)
    bq = BatchQueue(cfg or rollup(), src, l2 or FakeSafeChain())
    bq.reset(EPOCH)
    return bq, src


def test_accepts_the_next_batch() -> None:
    bq, _ = setup(batch(1212))
    assert run(bq, SAFE) == batch(1212)


def test_reorders_future_batches() -> None:
    second_parent = l2_block(51, 1212, EPOCH, seq=6)
    bq, _ = setup(batch(1214, parent=second_parent), batch(1212))
    assert run(bq, SAFE) == batch(1212)
    assert len(bq.buffered) == 1  # the future batch waits
    assert run(bq, second_parent) == batch(1214, parent=second_parent)


def test_drops_invalid_batches_on_arrival() -> None:
    bq, _ = setup(batch(1212, parent=l2_block(7, 0, EPOCH)), batch(1210), batch(1212))
    assert run(bq, SAFE) == batch(1212)
    assert bq.buffered == ()


def test_undecided_batch_waits_for_the_next_l1_block() -> None:
    bq, src = setup(batch(1212, epoch=101))
    with pytest.raises((NotEnoughDataError, EndOfDataError)):
        for _ in range(5):
            try:
                bq.next_batch(SAFE)
            except NotEnoughDataError:
                continue
    assert len(bq.buffered) == 1
    src.origin = l1_block(101)
    assert run(bq, SAFE) == batch(1212, epoch=101)


def test_out_of_data_without_expiry_is_end_of_data() -> None:
    bq, _ = setup()
    with pytest.raises(EndOfDataError):
        bq.next_batch(SAFE)


def test_sequencing_window_expiry_forces_empty_batches() -> None:
    cfg = rollup(seq_window_size=4)
    bq, src = setup(cfg=cfg)
    for n in range(101, 104):
        src.origin = l1_block(n, timestamp=1300 + n)  # L1 time far ahead of L2 time
        with pytest.raises(EndOfDataError):
            bq.next_batch(SAFE)
    src.origin = l1_block(104, timestamp=1404)  # 100 + 4: window expired with no data left
    empty = run(bq, SAFE)
    # next timestamp 1212 < next epoch time 1401: the epoch is repeated
    assert empty == SingularBatch(SAFE.hash, 100, EPOCH.hash, 1212, ())


def test_expired_window_advances_the_epoch_when_l2_time_allows() -> None:
    cfg = rollup(seq_window_size=2)
    bq, src = setup(cfg=cfg)
    src.origin = l1_block(101)  # time 1212
    with pytest.raises(EndOfDataError):
        bq.next_batch(SAFE)
    src.origin = l1_block(102)  # 100 + 2: expired, and 1212 >= epoch 101's time 1212
    with pytest.raises(EndOfDataError):
        bq.next_batch(SAFE)  # the epoch advances (op-node/kona): the pipeline moves on
    src.origin = l1_block(103)  # 101 + 2: expired for epoch 101, which is first of its epoch
    empty = run(bq, SAFE)
    assert empty == SingularBatch(SAFE.hash, 101, l1_block(101).hash, 1212, ())


def test_batch_data_is_ignored_while_origin_is_behind_the_safe_head() -> None:
    src = FakeBatches(l1_block(98))
    src.batches.append(batch(1212))
    bq = BatchQueue(rollup(), src, FakeSafeChain())
    bq.reset(l1_block(98))
    with pytest.raises(NotEnoughDataError):
        bq.next_batch(SAFE)
    assert bq.buffered == () and not src.batches


def test_mismatched_epoch_is_a_reset() -> None:
    other = L2BlockRef(SAFE.hash, 50, SAFE.parent_hash, 1210, BlockId(b"\x01" * 32, 100), 5)
    bq, _ = setup(batch(1212))
    with pytest.raises(ResetError):
        bq.next_batch(other)


def span(parent: bytes, els: list[tuple[int, int, tuple[bytes, ...]]]) -> SpanBatch:
    elements = tuple(SpanBatchElement(e, t, txs) for e, t, txs in els)
    return SpanBatch(parent[:20], l1_block(els[-1][0]).hash[:20], elements)


def test_span_batch_is_handed_out_block_by_block() -> None:
    cfg = rollup(canyon_time=0, delta_time=0)
    bq, _ = setup(span(SAFE.hash, [(100, 1212, (TX,)), (100, 1214, ())]), cfg=cfg)
    first, last = bq.next_batch(SAFE)
    assert (first.timestamp, first.parent_hash, last) == (1212, SAFE.hash, False)
    parent = l2_block(51, 1212, EPOCH, seq=6)
    second, last = bq.next_batch(parent)
    assert (second.timestamp, second.parent_hash, second.transactions, last) == (
        1214,
        parent.hash,
        (),
        True,
    )


def test_span_batch_overlapping_the_safe_head_skips_known_blocks() -> None:
    cfg = rollup(canyon_time=0, delta_time=0)
    parent = l2_block(49, 1208, EPOCH, seq=4)
    chain = FakeSafeChain(refs={49: parent, 50: SAFE}, txs={50: (b"\x7edep", TX)})
    bq, _ = setup(span(parent.hash, [(100, 1210, (TX,)), (100, 1212, (TX, TX))]), cfg=cfg, l2=chain)
    got, last = bq.next_batch(SAFE)
    assert (got.timestamp, got.transactions, last) == (1212, (TX, TX), True)


def test_span_cache_dropped_when_parent_does_not_follow() -> None:
    cfg = rollup(canyon_time=0, delta_time=0)
    bq, _ = setup(span(SAFE.hash, [(100, 1212, ()), (100, 1214, ())]), cfg=cfg)
    bq.next_batch(SAFE)
    assert len(bq.next_span) == 1
    with pytest.raises((NotEnoughDataError, EndOfDataError)):
        bq.next_batch(SAFE)  # same parent again: the cached block no longer fits
    assert bq.next_span == []
