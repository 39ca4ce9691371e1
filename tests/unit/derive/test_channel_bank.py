import pytest

from op_program.derive.errors import EndOfDataError
from op_program.derive.stages.channel_bank import ChannelBank

from .stubs import FakeFrames, drain_data, frame, l1_block, rollup


def test_reassembles_reordered_frames_and_ignores_duplicates() -> None:
    frames = [frame(1, 2, b"c", last=True), frame(1, 0, b"a"), frame(1, 0, b"Z"), frame(1, 1, b"b")]
    bank = ChannelBank(rollup(), FakeFrames(l1_block(100), frames))
    assert drain_data(bank) == [b"abc"]
    assert bank.channel_ids == ()


def test_channel_timeout_drops_channel_and_late_frames() -> None:
    frames = FakeFrames(l1_block(100), [frame(1, 0, b"a")])
    bank = ChannelBank(rollup(), frames)
    assert drain_data(bank) == []
    assert bank.channel_ids == (bytes([1]) * 16,)
    frames.origin = l1_block(400)  # 100 + 300 = 400: not yet timed out
    frames.frames.append(frame(1, 1, b"b", last=True))
    assert drain_data(bank) == [b"ab"]
    frames.frames.extend([frame(2, 0, b"a")])
    drain_data(bank)
    frames.origin = l1_block(701)  # opened at 400: 400 + 300 < 701
    frames.frames.append(frame(2, 1, b"b", last=True))
    # the timed-out channel is removed first; the late frame then opens a fresh channel 2
    assert drain_data(bank) == []
    assert bank.channel_ids == (bytes([2]) * 16,)
    frames.frames.append(frame(2, 0, b"new"))
    assert drain_data(bank) == [b"newb"]


def test_granite_shortens_the_channel_timeout() -> None:
    cfg = rollup(granite_time=0, canyon_time=0, delta_time=0, ecotone_time=0, fjord_time=0)
    frames = FakeFrames(l1_block(100), [frame(1, 0, b"a")])
    bank = ChannelBank(cfg, frames)
    drain_data(bank)
    frames.origin = l1_block(150)  # 100 + 50 = 150: still open
    assert drain_data(bank) == []
    assert bank.channel_ids == (bytes([1]) * 16,)
    frames.origin = l1_block(151)
    assert drain_data(bank) == []
    assert len(bank.channel_ids) == 0


def test_pre_canyon_reads_only_the_head_channel() -> None:
    frames = [frame(1, 0, b"a"), frame(2, 0, b"x", last=True)]
    bank = ChannelBank(rollup(), FakeFrames(l1_block(100), frames))
    assert drain_data(bank) == []  # channel 2 is ready but waits behind channel 1
    assert len(bank.channel_ids) == 2


def test_canyon_reads_the_first_ready_channel() -> None:
    frames = [frame(1, 0, b"a"), frame(2, 0, b"x", last=True), frame(1, 1, b"b", last=True)]
    bank = ChannelBank(rollup(canyon_time=0), FakeFrames(l1_block(100), frames))
    assert drain_data(bank) == [b"x", b"ab"]


def test_pruning_drops_oldest_channels_over_the_bank_size() -> None:
    big = b"\x00" * 1_000_000
    frames = [frame(i, n, big) for i in range(1, 4) for n in range(40)]
    bank = ChannelBank(rollup(), FakeFrames(l1_block(100), frames))
    drain_data(bank)
    # 120 MB of frames against the 100 MB Bedrock limit: the oldest channel went first.
    assert bank.channel_ids[0] == bytes([2]) * 16
    assert len(bank.channel_ids) == 2


def test_fjord_raises_the_bank_size() -> None:
    big = b"\x00" * 1_000_000
    frames = [frame(i, n, big) for i in range(1, 4) for n in range(40)]
    cfg = rollup(canyon_time=0, delta_time=0, ecotone_time=0, fjord_time=0)
    bank = ChannelBank(cfg, FakeFrames(l1_block(100), frames))
    drain_data(bank)
    assert len(bank.channel_ids) == 3


def test_reset_empties_the_bank() -> None:
    bank = ChannelBank(rollup(), FakeFrames(l1_block(100), [frame(1, 0)]))
    drain_data(bank)
    bank.reset()
    assert bank.channel_ids == ()
    with pytest.raises(EndOfDataError):
        bank.read()
