import pytest

from op_program.derive.errors import EndOfDataError, NotEnoughDataError
from op_program.derive.stages.frame_queue import FrameQueue, prune_frames
from op_program.protocol.frames import Frame, encode_frames

from .stubs import FakeData, frame, l1_block


def ids(frames: list[Frame]) -> list[tuple[int, int]]:
    return [(f.channel_id[0], f.frame_number) for f in frames]


def test_frames_of_one_transaction_in_order() -> None:
    data = encode_frames([frame(1, 0), frame(1, 1, last=True)])
    fq = FrameQueue(FakeData(l1_block(5), [data]), lambda t: False)
    assert ids([fq.next_frame(), fq.next_frame()]) == [(1, 0), (1, 1)]
    with pytest.raises(EndOfDataError):
        fq.next_frame()


def test_one_bad_frame_drops_the_whole_transaction() -> None:
    good = encode_frames([frame(1, 0)])
    bad = good + b"\x01" * 5  # a truncated second frame
    fq = FrameQueue(FakeData(l1_block(5), [bad, good]), lambda t: False)
    with pytest.raises(NotEnoughDataError):
        fq.next_frame()
    assert ids([fq.next_frame()]) == [(1, 0)]


@pytest.mark.parametrize("data", [b"", b"\x01" + bytes(23), b"\x00"])
def test_unparseable_data_yields_no_frames(data: bytes) -> None:
    fq = FrameQueue(FakeData(l1_block(5), [data]), lambda t: False)
    with pytest.raises(NotEnoughDataError):
        fq.next_frame()


def test_pre_holocene_keeps_out_of_order_frames() -> None:
    data = encode_frames([frame(1, 1), frame(1, 0), frame(1, 1)])
    fq = FrameQueue(FakeData(l1_block(5), [data]), lambda t: False)
    assert ids([fq.next_frame() for _ in range(3)]) == [(1, 1), (1, 0), (1, 1)]


def test_holocene_pruning_applies_by_origin_time() -> None:
    data = encode_frames([frame(1, 1), frame(1, 0)])
    before = FrameQueue(FakeData(l1_block(5, timestamp=59), [data]), lambda t: t >= 60)
    assert ids([before.next_frame(), before.next_frame()]) == [(1, 1), (1, 0)]
    after = FrameQueue(FakeData(l1_block(5, timestamp=60), [data]), lambda t: t >= 60)
    # the head frame stays (the channel stage drops it); the non-consecutive one is dropped
    assert ids([after.next_frame()]) == [(1, 1)]
    with pytest.raises(EndOfDataError):
        after.next_frame()


@pytest.mark.parametrize(
    ("frames", "expected"),
    [
        # contiguous frames of one channel stay
        ([frame(1, 0), frame(1, 1), frame(1, 2, last=True)], [(1, 0), (1, 1), (1, 2)]),
        # a gap drops the later frame
        ([frame(1, 0), frame(1, 2)], [(1, 0)]),
        # a duplicate drops the later copy
        ([frame(1, 0), frame(1, 0)], [(1, 0)]),
        # frames after the closing frame of the same channel are dropped
        ([frame(1, 0, last=True), frame(1, 1)], [(1, 0)]),
        # a non-first frame of another channel is dropped
        ([frame(1, 0), frame(2, 1)], [(1, 0)]),
        # a new first frame drops the unclosed channel before it
        ([frame(1, 0), frame(1, 1), frame(2, 0)], [(2, 0)]),
        # after a closed channel, a new channel may start
        ([frame(1, 0, last=True), frame(2, 0), frame(2, 1, last=True)], [(1, 0), (2, 0), (2, 1)]),
    ],
)
def test_holocene_prune_rules(frames: list[Frame], expected: list[tuple[int, int]]) -> None:
    assert ids(prune_frames(frames)) == expected


def test_prune_is_deterministic_and_idempotent() -> None:
    frames = [frame(3, 0), frame(3, 2), frame(4, 0), frame(4, 1, last=True), frame(5, 3)]
    once = prune_frames(frames)
    assert prune_frames(once) == once
    assert ids(once) == [(4, 0), (4, 1)]
