from op_program.config.rollup import MAX_RLP_BYTES_PER_CHANNEL_BEDROCK
from op_program.derive.stages.channel_assembler import ChannelAssembler

from .stubs import HOLO, FakeFrames, drain_data, frame, l1_block, rollup


def test_assembles_in_order_channel() -> None:
    frames = [frame(1, 0, b"a"), frame(1, 1, b"b", last=True)]
    assert drain_data(ChannelAssembler(rollup(**HOLO), FakeFrames(l1_block(9), frames))) == [b"ab"]


def test_non_first_frame_without_channel_is_dropped() -> None:
    frames = [frame(1, 1, b"b", last=True), frame(2, 0, b"x", last=True)]
    assert drain_data(ChannelAssembler(rollup(**HOLO), FakeFrames(l1_block(9), frames))) == [b"x"]


def test_new_first_frame_replaces_unfinished_channel() -> None:
    frames = [frame(1, 0, b"a"), frame(2, 0, b"x"), frame(2, 1, b"y", last=True)]
    assert drain_data(ChannelAssembler(rollup(**HOLO), FakeFrames(l1_block(9), frames))) == [b"xy"]


def test_out_of_order_frame_is_dropped() -> None:
    frames = [frame(1, 0, b"a"), frame(1, 2, b"c", last=True), frame(1, 1, b"b", last=True)]
    assert drain_data(ChannelAssembler(rollup(**HOLO), FakeFrames(l1_block(9), frames))) == [b"ab"]


def test_staging_channel_survives_end_of_data_then_times_out() -> None:
    frames = FakeFrames(l1_block(100), [frame(1, 0, b"a")])
    asm = ChannelAssembler(rollup(**HOLO), frames)
    assert drain_data(asm) == [] and asm.staging is not None
    frames.origin = l1_block(150)  # Granite timeout 50: not yet
    frames.frames.append(frame(1, 1, b"b", last=True))
    assert drain_data(asm) == [b"ab"]
    frames.frames.append(frame(2, 0, b"c"))
    drain_data(asm)
    frames.origin = l1_block(201)
    frames.frames.append(frame(2, 1, b"d", last=True))
    assert drain_data(asm) == []  # timed out, then frame 1 has no channel
    assert asm.staging is None


class SmallLimits:
    """Only what the assembler reads of the rollup config, with a tiny channel size cap."""

    def channel_timeout_at(self, l1_timestamp: int) -> int:
        return 50

    def max_rlp_bytes_per_channel(self, l1_timestamp: int) -> int:
        return 1000


def test_oversized_channel_is_dropped() -> None:
    # 4 frames of 200 bytes + 200 overhead each = 1600 > 1000: dropped at the third frame.
    frames = [frame(1, n, b"\x00" * 200) for n in range(4)]
    frames.append(frame(1, 4, b"", last=True))
    frames.append(frame(2, 0, b"\x00" * 700, last=True))  # 900 <= 1000
    asm = ChannelAssembler(SmallLimits(), FakeFrames(l1_block(9), frames))  # type: ignore[arg-type]
    assert drain_data(asm) == [b"\x00" * 700]
    assert MAX_RLP_BYTES_PER_CHANNEL_BEDROCK == 10_000_000
