from op_program.derive.stages.channel import FRAME_OVERHEAD, U64, Channel

from .stubs import frame, l1_block


def new(in_order: bool = False) -> Channel:
    return Channel(bytes([1]) * 16, l1_block(10), in_order)


def test_ready_only_when_closed_and_contiguous() -> None:
    ch = new()
    assert ch.add_frame(frame(1, 1, b"b")) is None
    assert not ch.is_ready
    assert ch.add_frame(frame(1, 2, b"c", last=True)) is None
    assert not ch.is_ready  # frame 0 missing
    assert ch.add_frame(frame(1, 0, b"a")) is None
    assert ch.is_ready
    assert ch.data() == b"abc"  # reordered by frame number


def test_duplicates_and_closes_are_rejected() -> None:
    ch = new()
    assert ch.add_frame(frame(1, 0, b"a")) is None
    assert ch.add_frame(frame(1, 0, b"z")) == "duplicate frame"
    assert ch.add_frame(frame(1, 1, b"b", last=True)) is None
    assert ch.add_frame(frame(1, 3, b"d", last=True)) is not None  # second close
    assert ch.add_frame(frame(1, 2, b"c")) is not None  # past the end frame
    assert ch.add_frame(frame(2, 2, b"c")) is not None  # other channel
    assert ch.data() == b"ab"


def test_close_prunes_higher_frames_with_op_node_size_accounting() -> None:
    ch = new()
    ch.add_frame(frame(1, 0, b"aa"))
    ch.add_frame(frame(1, 5, b"bbb"))
    assert ch.size == 2 + 3 + 2 * FRAME_OVERHEAD
    assert ch.add_frame(frame(1, 1, b"c", last=True)) is None
    assert ch.frame_count == 2 and ch.is_ready and ch.data() == b"aac"
    # op-node subtracts the size of every buffered frame (also frame 0, which stays), then adds
    # the closing frame: 205 + 203 - 202 - 203 + 201, in uint64 arithmetic.
    assert (
        ch.size
        == (
            2
            + 3
            + 2 * FRAME_OVERHEAD
            - (2 + FRAME_OVERHEAD)
            - (3 + FRAME_OVERHEAD)
            + 1
            + FRAME_OVERHEAD
        )
        & U64
    )


def test_size_undercounts_after_close_prune_as_op_node_does() -> None:
    ch = new()
    ch.add_frame(frame(1, 0, b"x" * 10))
    ch.add_frame(frame(1, 2, b"x" * 10))
    ch.add_frame(frame(1, 1, b"", last=True))  # subtracts frame 0 too, though it stays
    assert ch.frame_count == 2 and ch.is_ready
    assert ch.size == FRAME_OVERHEAD  # not 10 + 2 * FRAME_OVERHEAD


def test_in_order_channels_reject_gaps() -> None:
    ch = new(in_order=True)
    assert ch.add_frame(frame(1, 1)) == "frame out of order"
    assert ch.add_frame(frame(1, 0)) is None
    assert ch.add_frame(frame(1, 1, last=True)) is None
    assert ch.is_ready


def test_timeout_boundary() -> None:
    ch = new()  # opened at L1 block 10
    assert not ch.is_timed_out(l1_block(310), 300)
    assert ch.is_timed_out(l1_block(311), 300)
