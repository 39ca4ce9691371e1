from typing import Any

import pytest

from op_program.derive.errors import EndOfDataError, NotEnoughDataError
from op_program.derive.stages.batch_stream import BatchStream
from op_program.derive.stages.batch_validator import BatchValidator
from op_program.derive.types import L2BlockRef
from op_program.protocol.batches import SingularBatch, SpanBatch, SpanBatchElement

from .stubs import HOLO, FakeBatches, FakeSafeChain, l1_block, l2_block, rollup

TX = b"\x02\xc0"
EPOCH = l1_block(100)
SAFE = l2_block(50, 1210, EPOCH, seq=5)


def batch(ts: int, parent: L2BlockRef = SAFE, epoch: int = 100, txs: Any = (TX,)) -> SingularBatch:
    return SingularBatch(parent.hash, epoch, l1_block(epoch).hash, ts, tuple(txs))


def span(parent: bytes, els: list[tuple[int, int, tuple[bytes, ...]]]) -> SpanBatch:
    elements = tuple(SpanBatchElement(e, t, txs) for e, t, txs in els)
    return SpanBatch(parent[:20], l1_block(els[-1][0]).hash[:20], elements)


def setup(*batches: Any, cfg: Any = None, l2: Any = None) -> tuple[BatchValidator, FakeBatches]:
    """A validator whose window holds the safe head's origin 100 and the current origin 101."""
    src = FakeBatches(EPOCH)
    stream = BatchStream(cfg or rollup(**HOLO), src, l2 or FakeSafeChain())
    bv = BatchValidator(cfg or rollup(**HOLO), stream)
    bv.reset(EPOCH)
    with pytest.raises((NotEnoughDataError, EndOfDataError)):
        bv.next_batch(SAFE)  # origin == safe head's origin: drains, nothing to validate yet
    src.origin = l1_block(101)
    src.batches.extend(batches)
    return bv, src


def step(bv: BatchValidator, parent: L2BlockRef) -> tuple[SingularBatch, bool] | None:
    try:
        return bv.next_batch(parent)
    except (NotEnoughDataError, EndOfDataError):
        return None


def test_accepts_strictly_ordered_batches() -> None:
    bv, _ = setup(batch(1212))
    assert step(bv, SAFE) == (batch(1212), True)


def test_future_batch_is_dropped_not_buffered() -> None:
    second = l2_block(51, 1212, EPOCH, seq=6)
    bv, src = setup(batch(1214, parent=second), batch(1212))
    assert step(bv, SAFE) is None  # dropped, and its channel flushed
    assert src.flushed == 1 and not src.batches


def test_past_batch_is_skipped_without_flushing() -> None:
    bv, src = setup(batch(1210), batch(1212))
    assert step(bv, SAFE) is None
    assert src.flushed == 0
    assert step(bv, SAFE) == (batch(1212), True)


def test_invalid_batch_flushes_the_channel() -> None:
    bv, src = setup(batch(1212, txs=(b"\x7e",)), batch(1212))
    assert step(bv, SAFE) is None
    assert src.flushed == 1 and not src.batches


def test_partial_span_batch_validity() -> None:
    cfg = rollup(**HOLO)
    sp = span(SAFE.hash, [(100, 1212, (TX,)), (100, 1214, (b"\x7e",)), (100, 1216, ())])
    bv, src = setup(sp, batch(1218), cfg=cfg)
    first = step(bv, SAFE)
    assert first is not None and first[0].timestamp == 1212 and first[1] is False
    parent = l2_block(51, 1212, EPOCH, seq=6)
    assert step(bv, parent) is None  # block 2 holds a deposit: dropped with the rest
    assert src.flushed == 1
    # the first block stays valid (no backwards invalidation): nothing else is left
    assert step(bv, parent) is None


def test_span_batch_in_the_past_is_dropped_alone() -> None:
    past = span(SAFE.hash, [(100, 1206, ()), (100, 1208, ())])
    bv, src = setup(past, batch(1212))
    assert step(bv, SAFE) is None
    assert src.flushed == 0
    assert step(bv, SAFE) == (batch(1212), True)


def test_span_batch_with_a_gap_is_dropped_with_its_channel() -> None:
    bv, src = setup(span(SAFE.hash, [(100, 1214, ())]), batch(1212))
    assert step(bv, SAFE) is None
    assert src.flushed == 1


def test_span_batch_overlapping_the_safe_head_is_allowed() -> None:
    parent = l2_block(49, 1208, EPOCH, seq=4)
    chain = FakeSafeChain(refs={49: parent, 50: SAFE})
    sp = span(parent.hash, [(100, 1210, ()), (100, 1212, (TX,))])
    bv, _ = setup(sp, l2=chain)
    got = step(bv, SAFE)
    assert got is not None and got[0].timestamp == 1212 and got[0].parent_hash == SAFE.hash


def test_window_expiry_generates_empty_batches() -> None:
    cfg = rollup(**{**HOLO, "seq_window_size": 2})
    bv, src = setup(cfg=cfg)
    assert step(bv, SAFE) is None  # origin 101: window not yet expired
    src.origin = l1_block(102)  # 100 + 2 and out of data: expired
    assert step(bv, SAFE) is None  # 1212 >= epoch 101's time: the epoch advances first
    src.origin = l1_block(103)  # 101 + 2: expired again; the first block of epoch 101
    got = step(bv, SAFE)
    assert got == (SingularBatch(SAFE.hash, 101, l1_block(101).hash, 1212, ()), False)


def test_flush_drops_span_and_channel() -> None:
    sp = span(SAFE.hash, [(100, 1212, ()), (100, 1214, ())])
    bv, src = setup(sp, batch(1216))
    first = step(bv, SAFE)
    assert first is not None and first[0].timestamp == 1212
    bv.flush_channel()
    assert src.flushed == 1
    assert step(bv, l2_block(51, 1212, EPOCH, seq=6)) is None


def test_span_block_with_unknown_origin_is_dropped_not_critical() -> None:
    # the prefix checks pass (start epoch 100, end epoch 101 known) but a middle block names
    # epoch 99, outside the window: Holocene treats the span as invalid (spec note)
    sp = SpanBatch(
        SAFE.hash[:20],
        l1_block(101).hash[:20],
        (
            SpanBatchElement(100, 1212, ()),
            SpanBatchElement(99, 1214, ()),
            SpanBatchElement(101, 1216, ()),
        ),
    )
    bv, src = setup(sp, batch(1212))
    assert step(bv, SAFE) is None
    assert src.flushed == 1


def test_singular_batch_keeps_its_own_parent_hash() -> None:
    # op-node's BatchStage checks a singular batch's encoded parent hash against the safe head
    # (a stale batch from a reorged L2 branch at the right timestamp is dropped and its channel
    # flushed). kona's BatchValidator overwrote the parent hash with the safe head's before the
    # check, accepting such a batch; only span-derived blocks get the safe head as parent.
    stale_parent = l2_block(50, 1210, EPOCH, seq=5, block_hash=b"\x51" * 32)
    bv, src = setup(batch(1212, parent=stale_parent), batch(1212))
    assert step(bv, SAFE) is None
    assert src.flushed == 1 and not src.batches
