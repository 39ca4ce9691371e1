"""Channel assembler (Holocene): build one channel at a time from in-order frames.

Spec: holocene/derivation.md, "Channel Bank" (the staging channel). A first frame opens a new
staging channel (replacing an unfinished one); a non-first frame without a channel is dropped;
a timed-out staging channel is dropped; a channel whose compressed size passes
``MAX_RLP_BYTES_PER_CHANNEL`` is dropped. A closing frame completes the channel.
"""

from __future__ import annotations

import logging

from op_program.config.rollup import RollupConfig
from op_program.derive.errors import CriticalError
from op_program.derive.stages.channel import Channel
from op_program.derive.stages.frame_queue import FrameProvider
from op_program.derive.types import L1BlockRef

log = logging.getLogger("op_program.derive")


class ChannelAssembler:
    """Holds the single staging channel."""

    __slots__ = ("_rollup", "_prev", "_channel")

    def __init__(self, rollup: RollupConfig, prev: FrameProvider) -> None:
        self._rollup = rollup
        self._prev = prev
        self._channel: Channel | None = None

    @property
    def origin(self) -> L1BlockRef:
        """The current L1 origin."""
        return self._prev.origin

    @property
    def staging(self) -> Channel | None:
        """The channel being assembled (for inspection and tests)."""
        return self._channel

    def reset(self) -> None:
        """Drop the staging channel."""
        self._channel = None

    def next_data(self) -> bytes:
        """Read frames until a channel completes and return its data.

        Raises:
            EndOfDataError: no more frames at this origin (the staging channel is kept).
            NotEnoughDataError: the last data held no usable frame.
        """
        origin = self.origin
        timeout = self._rollup.channel_timeout_at(origin.timestamp)
        if self._channel is not None and self._channel.is_timed_out(origin, timeout):
            log.info("staging channel timed out 0x%s", self._channel.channel_id.hex())
            self._channel = None
        if self._channel is not None and self._channel.is_ready:
            raise CriticalError("unexpected ready channel")
        while True:
            frame = self._prev.next_frame()
            if frame.frame_number == 0:
                self._channel = Channel(frame.channel_id, origin, require_in_order=True)
            if self._channel is None:
                log.warning("dropping non-first frame without channel")
                continue
            reason = self._channel.add_frame(frame)
            if reason is not None:
                log.warning("failed to add frame to channel: %s", reason)
                continue
            if self._channel.size > self._rollup.max_rlp_bytes_per_channel(origin.timestamp):
                log.warning("dropping oversized channel 0x%s", frame.channel_id.hex())
                self._channel = None
                continue
            if frame.is_last:
                break
        channel = self._channel
        self._channel = None
        if channel is None or not channel.is_ready:
            raise CriticalError("unexpected non-ready channel")
        return channel.data()
