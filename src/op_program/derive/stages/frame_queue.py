"""Frame queue: batcher data parsed into frames; Holocene drops out-of-order frames at once.

Spec: specs/protocol/derivation.md, "Frame Queue"; holocene/derivation.md, "Frame Queue".
A transaction whose data does not parse contributes no frames. From Holocene (by the L1 origin
time), after each load the queue is pruned so that per channel the frames are contiguous from
frame 0, and a new channel starts only after the previous one closed (or replaces it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from op_program.derive.errors import NotEnoughDataError
from op_program.derive.types import L1BlockRef
from op_program.protocol.frames import Frame, FrameDecodeError, parse_frames


class DataProvider(Protocol):
    """L1 retrieval as the frame queue sees it."""

    @property
    def origin(self) -> L1BlockRef:
        """The current L1 origin."""

    def next_data(self) -> bytes:
        """The next batcher data item (raises ``EndOfDataError`` at the end of the block)."""


class FrameProvider(Protocol):
    """The frame queue as the channel stages see it."""

    @property
    def origin(self) -> L1BlockRef:
        """The current L1 origin."""

    def next_frame(self) -> Frame:
        """The next frame."""


def prune_frames(frames: list[Frame]) -> list[Frame]:
    """Apply Holocene's frame ordering rules to a queue of frames (op-node ``pruneFrameQueue``)."""
    out = list(frames)
    i = 0
    while i < len(out) - 1:
        current, following = out[i], out[i + 1]
        if current.channel_id == following.channel_id:
            if current.is_last or following.frame_number != current.frame_number + 1:
                del out[i + 1]  # frame after a close, or a gap/duplicate: drop it
                continue
        elif following.frame_number == 0 and not current.is_last:
            del out[i]  # a new channel starts: the unclosed one before it is dropped
            i = max(i - 1, 0)
            continue
        elif following.frame_number != 0:
            del out[i + 1]  # a non-first frame of another channel
            continue
        i += 1
    return out


class FrameQueue:
    """Frames of the batcher transactions read so far, oldest first."""

    __slots__ = ("_prev", "_is_holocene", "_frames")

    def __init__(self, prev: DataProvider, is_holocene: Callable[[int], bool]) -> None:
        self._prev = prev
        self._is_holocene = is_holocene
        self._frames: list[Frame] = []

    @property
    def origin(self) -> L1BlockRef:
        """The current L1 origin."""
        return self._prev.origin

    def reset(self) -> None:
        """Drop all queued frames."""
        self._frames = []

    def next_frame(self) -> Frame:
        """The oldest queued frame, loading the next transaction's frames when empty.

        Raises:
            EndOfDataError: no more data at this origin.
            NotEnoughDataError: the loaded data held no usable frame; step again.
        """
        if not self._frames:
            data = self._prev.next_data()
            try:
                self._frames.extend(parse_frames(data))
            except FrameDecodeError:
                pass  # the whole transaction is ignored (derivation.md, Batcher Transaction)
            if self._is_holocene(self.origin.timestamp):
                self._frames = prune_frames(self._frames)
        if not self._frames:
            raise NotEnoughDataError("frame queue: no frames in the last data")
        return self._frames.pop(0)
