"""Channel: the frames of one channel being assembled, with op-node's exact size accounting.

Spec: specs/protocol/derivation.md, "Channel Bank" ("Loading frames", "Pruning": 200 bytes of
overhead per frame). Frame insertion rules: no second closing frame, no duplicate frame numbers,
nothing at or after the closing frame number; a closing frame removes higher-numbered frames.
The size bookkeeping reproduces op-node's, including its uint64 arithmetic when a closing frame
prunes frames (it subtracts every buffered frame's size, not only the removed ones).
"""

from __future__ import annotations

from op_program.derive.types import L1BlockRef
from op_program.protocol.frames import Frame

FRAME_OVERHEAD = 200
U64 = (1 << 64) - 1


def frame_size(frame: Frame) -> int:
    """The bank size a frame accounts for: its data plus a fixed overhead."""
    return len(frame.data) + FRAME_OVERHEAD


class Channel:
    """Buffered frames of one channel."""

    __slots__ = (
        "channel_id", "open_block", "require_in_order", "_inputs", "_closed", "_end_frame",
        "_highest_frame", "size",
    )  # fmt: skip

    def __init__(self, channel_id: bytes, open_block: L1BlockRef, require_in_order: bool):
        self.channel_id = channel_id
        self.open_block = open_block
        self.require_in_order = require_in_order
        self._inputs: dict[int, Frame] = {}
        self._closed = False
        self._end_frame = 0
        self._highest_frame = 0
        self.size = 0

    def add_frame(self, frame: Frame) -> str | None:
        """Insert ``frame``; return why it was rejected, or None when it was added."""
        if frame.channel_id != self.channel_id:
            return "frame id does not match channel id"
        if frame.is_last and self._closed:
            return "cannot add ending frame to a closed channel"
        if frame.frame_number in self._inputs:
            return "duplicate frame"
        if self._closed and frame.frame_number >= self._end_frame:
            return "frame number at or after the end frame of a closed channel"
        if self.require_in_order and frame.frame_number != len(self._inputs):
            return "frame out of order"
        if frame.is_last:
            self._end_frame = frame.frame_number
            self._closed = True
            if self._end_frame < self._highest_frame:
                # op-node iterates its frame map here and subtracts each frame's size from the
                # channel size, while deleting only frames at or above the end frame.
                for number in sorted(self._inputs):
                    pruned = self._inputs[number]
                    if number >= self._end_frame:
                        del self._inputs[number]
                    self.size = (self.size - frame_size(pruned)) & U64
                self._highest_frame = self._end_frame
        self._highest_frame = max(self._highest_frame, frame.frame_number)
        self._inputs[frame.frame_number] = frame
        self.size = (self.size + frame_size(frame)) & U64
        return None

    @property
    def is_ready(self) -> bool:
        """Closed, with every frame from 0 to the closing one present."""
        if not self._closed or len(self._inputs) != self._end_frame + 1:
            return False
        return all(n in self._inputs for n in range(self._end_frame + 1))

    def is_timed_out(self, origin: L1BlockRef, channel_timeout: int) -> bool:
        """Whether the channel is older than the timeout at ``origin``."""
        return self.open_block.number + channel_timeout < origin.number

    def data(self) -> bytes:
        """The concatenated frame data of a ready channel."""
        return b"".join(self._inputs[n].data for n in range(self._end_frame + 1))

    @property
    def frame_count(self) -> int:
        """Number of buffered frames."""
        return len(self._inputs)
