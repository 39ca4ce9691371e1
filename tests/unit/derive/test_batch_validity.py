from typing import Any

import pytest

from op_program.derive.batch_validity import (
    BatchValidity,
    check_singular_batch,
    check_span_batch,
    check_span_batch_prefix,
)
from op_program.protocol.batches import SingularBatch, SpanBatch, SpanBatchElement

from .stubs import HOLO, FakeSafeChain, l1_block, l1_hash, l2_block, rollup

DROP, ACCEPT, UNDECIDED = BatchValidity.DROP, BatchValidity.ACCEPT, BatchValidity.UNDECIDED
FUTURE, PAST = BatchValidity.FUTURE, BatchValidity.PAST
TX = b"\x02\xc0"  # an EIP-1559-typed byte string (content is not checked here)

EPOCH = l1_block(100)  # time 1200
NEXT = l1_block(101)  # time 1212
SAFE = l2_block(50, 1210, EPOCH, seq=5)


def single(**kw: Any) -> SingularBatch:
    fields: dict[str, Any] = dict(
        parent_hash=SAFE.hash,
        epoch_num=100,
        epoch_hash=EPOCH.hash,
        timestamp=1212,
        transactions=(TX,),
    )
    fields.update(kw)
    return SingularBatch(**fields)


def check(
    batch: SingularBatch,
    cfg: Any = None,
    blocks: Any = (EPOCH, NEXT),
    incl: Any = NEXT,
    safe: Any = SAFE,
) -> BatchValidity:
    return check_singular_batch(cfg or rollup(), list(blocks), safe, batch, incl)


def test_accept() -> None:
    assert check(single()) is ACCEPT


def test_no_l1_blocks_is_undecided() -> None:
    assert check(single(), blocks=()) is UNDECIDED


def test_future_batch_waits_before_holocene_and_drops_after() -> None:
    assert check(single(timestamp=1214)) is FUTURE
    assert check(single(timestamp=1214), cfg=rollup(**HOLO)) is DROP


def test_old_batch_drops_before_holocene_and_is_past_after() -> None:
    assert check(single(timestamp=1210)) is DROP
    assert check(single(timestamp=1208), cfg=rollup(**HOLO)) is PAST


def test_holocene_rules_follow_the_inclusion_block_time() -> None:
    cfg = rollup(holocene_time=1212)
    assert check(single(timestamp=1214), cfg=cfg, incl=l1_block(100)) is FUTURE  # t=1200
    assert check(single(timestamp=1214), cfg=cfg, incl=NEXT) is DROP  # t=1212


def test_parent_hash_mismatch() -> None:
    assert check(single(parent_hash=b"\x01" * 32)) is DROP


def test_included_after_the_sequencing_window() -> None:
    cfg = rollup(seq_window_size=10)
    assert check(single(), cfg=cfg, incl=l1_block(110)) is ACCEPT
    assert check(single(), cfg=cfg, incl=l1_block(111)) is DROP


def test_epoch_rules() -> None:
    assert check(single(epoch_num=99, epoch_hash=l1_hash(99))) is DROP
    assert check(single(epoch_num=102, epoch_hash=l1_hash(102))) is DROP
    assert check(single(epoch_hash=b"\x09" * 32)) is DROP
    adv = single(epoch_num=101, epoch_hash=NEXT.hash)
    assert check(adv) is ACCEPT
    assert check(adv, blocks=(EPOCH,)) is UNDECIDED


def test_timestamp_before_l1_origin() -> None:
    safe = l2_block(50, 1208, EPOCH)
    batch = single(epoch_num=101, epoch_hash=NEXT.hash, timestamp=1210, parent_hash=safe.hash)
    assert check(batch, safe=safe) is DROP


class TestSequencerDrift:
    safe = l2_block(50, 1800, EPOCH)  # next timestamp 1802 > 1200 + 600

    def batch(self, txs: tuple[bytes, ...]) -> SingularBatch:
        return single(timestamp=1802, parent_hash=self.safe.hash, transactions=txs)

    def test_with_transactions_drops(self) -> None:
        far = l1_block(101, timestamp=1900)
        assert check(self.batch((TX,)), blocks=(EPOCH, far), safe=self.safe) is DROP

    def test_empty_needs_next_origin(self) -> None:
        assert check(self.batch(()), blocks=(EPOCH,), safe=self.safe) is UNDECIDED

    def test_empty_drops_when_next_origin_could_be_adopted(self) -> None:
        assert check(self.batch(()), blocks=(EPOCH, l1_block(101, 1802)), safe=self.safe) is DROP

    def test_empty_accepted_when_next_origin_is_later(self) -> None:
        assert check(self.batch(()), blocks=(EPOCH, l1_block(101, 1803)), safe=self.safe) is ACCEPT

    def test_fjord_drift_is_1800(self) -> None:
        cfg = rollup(canyon_time=0, delta_time=0, ecotone_time=0, fjord_time=0)
        far = l1_block(101, timestamp=5000)
        assert check(self.batch((TX,)), cfg=cfg, blocks=(EPOCH, far), safe=self.safe) is ACCEPT
        safe = l2_block(50, 3000, EPOCH)
        late = single(timestamp=3002, parent_hash=safe.hash)
        assert check(late, cfg=cfg, blocks=(EPOCH, far), safe=safe) is DROP


@pytest.mark.parametrize(
    ("txs", "forks", "expected"),
    [
        ((b"",), {}, DROP),
        ((b"\x7e\xc0",), {}, DROP),
        ((b"\x04\xc0",), {}, DROP),
        ((b"\x04\xc0",), {**HOLO, "isthmus_time": 0}, ACCEPT),
        ((b"\x03\xc0", TX), {}, ACCEPT),
    ],
)
def test_transaction_rules(txs: tuple[bytes, ...], forks: dict[str, int], expected: Any) -> None:
    assert check(single(transactions=txs), cfg=rollup(**forks)) is expected


def test_jovian_activation_block_must_be_empty() -> None:
    cfg = rollup(**{**HOLO, "isthmus_time": 0, "jovian_time": 1212})
    assert check(single(), cfg=cfg) is DROP
    assert check(single(transactions=()), cfg=cfg) is ACCEPT
    safe = l2_block(51, 1212, EPOCH)
    assert check(single(timestamp=1214, parent_hash=safe.hash), cfg=cfg, safe=safe) is ACCEPT


# -- span batches ----------------------------------------------------------------------------

DELTA = dict(canyon_time=0, delta_time=0)


def span(
    parent: bytes,
    elements: list[tuple[int, int, tuple[bytes, ...]]],
    origin_check: bytes | None = None,
) -> SpanBatch:
    els = tuple(SpanBatchElement(e, t, txs) for e, t, txs in elements)
    last_epoch = els[-1].epoch_num
    return SpanBatch(parent[:20], (origin_check or l1_hash(last_epoch))[:20], els)


def check_span(
    batch: SpanBatch, cfg: Any = None, blocks: Any = (EPOCH, NEXT), incl: Any = NEXT, l2: Any = None
) -> BatchValidity:
    return check_span_batch(
        cfg or rollup(**DELTA), list(blocks), SAFE, batch, incl, l2 or FakeSafeChain()
    )


def test_span_accept() -> None:
    assert check_span(span(SAFE.hash, [(100, 1212, (TX,)), (101, 1214, ())])) is ACCEPT


def test_span_before_delta_drops() -> None:
    assert check_span(span(SAFE.hash, [(100, 1212, ())]), cfg=rollup()) is DROP


def test_span_future_and_past() -> None:
    assert check_span(span(SAFE.hash, [(100, 1214, ())])) is FUTURE
    assert check_span(span(SAFE.hash, [(100, 1214, ())]), cfg=rollup(**HOLO)) is DROP
    past = span(SAFE.hash, [(100, 1208, ()), (100, 1210, ())])
    assert check_span(past) is DROP
    assert check_span(past, cfg=rollup(**HOLO)) is PAST


def test_span_parent_and_origin_checks() -> None:
    assert check_span(span(b"\x05" * 32, [(100, 1212, ())])) is DROP
    assert check_span(span(SAFE.hash, [(100, 1212, ())], origin_check=b"\x07" * 32)) is DROP
    # the end epoch is not known yet
    assert check_span(span(SAFE.hash, [(101, 1212, ()), (102, 1214, ())])) is UNDECIDED


def test_span_skipping_an_origin_or_going_back() -> None:
    assert (
        check_span(span(SAFE.hash, [(102, 1212, ())]), blocks=(EPOCH, NEXT, l1_block(102))) is DROP
    )
    assert check_span(span(SAFE.hash, [(99, 1212, ())]), blocks=(l1_block(99), EPOCH, NEXT)) is DROP


def test_span_block_with_deposit_drops_whole_span() -> None:
    assert check_span(span(SAFE.hash, [(100, 1212, ()), (100, 1214, (b"\x7e",))])) is DROP


def test_span_overlapping_the_safe_head() -> None:
    parent = l2_block(49, 1208, EPOCH, seq=4)
    chain = FakeSafeChain(refs={49: parent, 50: SAFE}, txs={50: (b"\x7edeposit", TX)})
    batch = span(parent.hash, [(100, 1210, (TX,)), (100, 1212, ())])
    assert check_span(batch, l2=chain) is ACCEPT
    wrong_txs = span(parent.hash, [(100, 1210, (b"\x02other",)), (100, 1212, ())])
    assert check_span(wrong_txs, l2=chain) is DROP
    fewer = span(parent.hash, [(100, 1210, ()), (100, 1212, ())])
    assert check_span(fewer, l2=chain) is DROP
    other_origin = span(parent.hash, [(99, 1210, (TX,)), (100, 1212, ())])
    blocks = (l1_block(99), EPOCH, NEXT)
    assert check_span(other_origin, l2=chain, blocks=blocks) is DROP


def test_span_start_off_the_block_grid() -> None:
    assert check_span(span(SAFE.hash, [(100, 1209, ()), (100, 1211, ())])) is DROP


def test_span_prefix_returns_parent() -> None:
    parent = l2_block(49, 1208, EPOCH, seq=4)
    chain = FakeSafeChain(refs={49: parent})
    batch = span(parent.hash, [(100, 1210, ()), (100, 1212, ())])
    validity, found = check_span_batch_prefix(
        rollup(**HOLO), [EPOCH, NEXT], SAFE, batch, NEXT, chain
    )
    assert validity is ACCEPT and found == parent


def test_fjord_drift_activates_by_the_l1_origin_time() -> None:
    # fjord/derivation.md: the constant drift applies from the L1 origin's time (op-node
    # MaxSequencerDrift(batchOrigin.Time)); a batch past Fjord on a pre-Fjord origin keeps 600
    cfg = rollup(canyon_time=0, delta_time=0, fjord_time=1300)
    safe = l2_block(50, 1800, EPOCH)
    late = single(timestamp=1802, parent_hash=safe.hash)
    assert check(late, cfg=cfg, blocks=(EPOCH, l1_block(101, 5000)), safe=safe) is DROP


def test_span_set_code_rule_follows_each_block_time() -> None:
    # isthmus/derivation.md "Activation": checked per block, so a span starting before Isthmus
    # may carry SetCode transactions in its blocks at or after the activation time
    cfg = rollup(**DELTA, isthmus_time=1214)
    set_code = (b"\x04\xc0",)
    after = span(SAFE.hash, [(100, 1212, ()), (100, 1214, set_code)])
    assert check_span(after, cfg=cfg) is ACCEPT
    before = span(SAFE.hash, [(100, 1212, set_code), (100, 1214, ())])
    assert check_span(before, cfg=cfg) is DROP


def test_span_block_past_the_drift_that_adopts_the_next_origin_is_accepted() -> None:
    # an empty block over the drift that advances its origin needs no later L1 block
    # (op-node checkSpanBatch: originAdvanced skips the next-origin lookup)
    safe = l2_block(50, 1812, EPOCH)
    batch = span(safe.hash, [(101, 1814, ())])  # NEXT (1212) + 600 < 1814
    validity = check_span_batch(rollup(**DELTA), [EPOCH, NEXT], safe, batch, NEXT, FakeSafeChain())
    assert validity is ACCEPT
    stuck = span(safe.hash, [(100, 1814, ())])  # same origin: needs the next L1 block
    validity = check_span_batch(rollup(**DELTA), [EPOCH], safe, stuck, NEXT, FakeSafeChain())
    assert validity is UNDECIDED
