"""Channel bank (before Holocene): buffer frames of many channels until one is ready.

Spec: specs/protocol/derivation.md, "Channel Bank" (pruning, timeouts, reading, loading frames).
Channels are kept in FIFO order of their first frame. Reading first drops a timed-out head
channel; before Canyon only the head channel may be read, from Canyon (by the L1 origin time)
the first ready, not timed-out channel in FIFO order is read. After each inserted frame the bank
is pruned oldest-first until its total size is within ``MAX_CHANNEL_BANK_SIZE``.
"""

from __future__ import annotations

import logging

from op_program.config.rollup import RollupConfig
from op_program.derive.errors import EndOfDataError, NotEnoughDataError
from op_program.derive.stages.channel import U64, Channel
from op_program.derive.stages.frame_queue import FrameProvider
from op_program.derive.types import L1BlockRef
from op_program.protocol.frames import Frame

log = logging.getLogger("op_program.derive")


class ChannelBank:
    """Channels being assembled, oldest first."""

    __slots__ = ("_rollup", "_prev", "_channels", "_queue")

    def __init__(self, rollup: RollupConfig, prev: FrameProvider) -> None:
        self._rollup = rollup
        self._prev = prev
        self._channels: dict[bytes, Channel] = {}
        self._queue: list[bytes] = []

    @property
    def origin(self) -> L1BlockRef:
        """The current L1 origin."""
        return self._prev.origin

    def reset(self) -> None:
        """Drop every channel."""
        self._channels = {}
        self._queue = []

    @property
    def channel_ids(self) -> tuple[bytes, ...]:
        """The buffered channel ids in FIFO order (for inspection and tests)."""
        return tuple(self._queue)

    def _timeout(self) -> int:
        return self._rollup.channel_timeout_at(self.origin.timestamp)

    def ingest_frame(self, frame: Frame) -> None:
        """Add a frame to its channel (opening it if new), then prune."""
        origin = self.origin
        channel = self._channels.get(frame.channel_id)
        if channel is None:
            channel = Channel(frame.channel_id, origin, require_in_order=False)
            self._channels[frame.channel_id] = channel
            self._queue.append(frame.channel_id)
        if channel.is_timed_out(origin, self._timeout()):
            log.warning("dropping frame of timed-out channel 0x%s", frame.channel_id.hex())
            return
        reason = channel.add_frame(frame)
        if reason is not None:
            log.warning("dropping frame: %s channel=0x%s", reason, frame.channel_id.hex())
            return
        self._prune()

    def _prune(self) -> None:
        total = 0
        for channel_id in self._queue:
            total = (total + self._channels[channel_id].size) & U64
        limit = self._rollup.max_channel_bank_size(self.origin.timestamp)
        while total > limit and self._queue:
            channel = self._channels.pop(self._queue.pop(0))
            log.info("pruning channel 0x%s size=%d", channel.channel_id.hex(), channel.size)
            total = (total - channel.size) & U64

    def read(self) -> bytes | None:
        """Data of a ready channel, or None after dropping a timed-out head channel.

        Raises:
            EndOfDataError: no channel can be read now.
        """
        if not self._queue:
            raise EndOfDataError("channel bank is empty")
        head = self._channels[self._queue[0]]
        if head.is_timed_out(self.origin, self._timeout()):
            log.info("channel timed out 0x%s", head.channel_id.hex())
            del self._channels[self._queue.pop(0)]
            return None
        canyon = self._rollup.is_canyon(self.origin.timestamp)
        candidates = range(len(self._queue)) if canyon else range(1)
        for index in candidates:
            channel = self._channels[self._queue[index]]
            if channel.is_ready and not channel.is_timed_out(self.origin, self._timeout()):
                del self._channels[self._queue.pop(index)]
                return channel.data()
        raise EndOfDataError("no ready channel")

    def next_data(self) -> bytes:
        """The data of the next complete channel.

        Raises:
            EndOfDataError: nothing ready and no more frames at this origin.
            NotEnoughDataError: progress was made (a frame ingested, a channel timed out).
        """
        try:
            data = self.read()
        except EndOfDataError:
            self.ingest_frame(self._prev.next_frame())
            raise NotEnoughDataError("channel bank: ingested a frame") from None
        if data is None:
            raise NotEnoughDataError("channel bank: dropped a timed-out channel")
        return data
