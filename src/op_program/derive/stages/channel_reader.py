"""Channel reader: decompress a channel and decode its batches one by one.

Spec: specs/protocol/derivation.md, "Channel Reader (Batch Decoding)", "Channel Format";
fjord/derivation.md (brotli, larger limit); delta/span-batches.md. Decompressed data is capped at
``MAX_RLP_BYTES_PER_CHANNEL``; the first batch that cannot be read ends the channel (batches
before it stay valid). A span batch read before Delta (by the L1 origin time) or one whose blocks
cannot be derived is skipped and reading continues, as in op-node. ``flush_channel`` drops the
rest of the channel (Holocene fast channel invalidation).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Protocol

from op_program.config.rollup import RollupConfig
from op_program.derive.errors import NotEnoughDataError
from op_program.derive.types import L1BlockRef
from op_program.errors import DecodeError
from op_program.protocol.batches import RawSpanBatch, SingularBatch, SpanBatch
from op_program.protocol.channel import iter_channel_batches

log = logging.getLogger("op_program.derive")

DerivedBatch = SingularBatch | SpanBatch


class ChannelSource(Protocol):
    """The channel bank or the channel assembler."""

    @property
    def origin(self) -> L1BlockRef:
        """The current L1 origin."""

    def next_data(self) -> bytes:
        """The data of the next complete channel."""


class ChannelReader:
    """Yields the batches of the current channel."""

    __slots__ = ("_rollup", "_prev", "_batches")

    def __init__(self, rollup: RollupConfig, prev: ChannelSource) -> None:
        self._rollup = rollup
        self._prev = prev
        self._batches: Iterator[SingularBatch | RawSpanBatch] | None = None

    @property
    def origin(self) -> L1BlockRef:
        """The current L1 origin."""
        return self._prev.origin

    def set_source(self, prev: ChannelSource) -> None:
        """Read channels from another stage (the Holocene switch)."""
        self._prev = prev
        self._batches = None

    def reset(self) -> None:
        """Drop the current channel."""
        self._batches = None

    def flush_channel(self) -> None:
        """Discard the rest of the current channel."""
        self._batches = None

    def next_batch(self) -> DerivedBatch:
        """The next batch of the current channel, opening the next channel when needed.

        Raises:
            EndOfDataError: no more channels at this origin.
            NotEnoughDataError: a channel ended or a batch was skipped; step again.
        """
        if self._batches is None:
            data = self._prev.next_data()
            time = self.origin.timestamp
            self._batches = iter_channel_batches(
                data, self._rollup.max_rlp_bytes_per_channel(time), self._rollup.is_fjord(time)
            )
        try:
            batch = next(self._batches)
        except StopIteration:
            self._batches = None
            raise NotEnoughDataError("channel reader: channel done") from None
        except DecodeError as exc:
            log.warning("failed to read batch, skipping to next channel: %s", exc)
            self._batches = None
            raise NotEnoughDataError("channel reader: channel dropped") from None
        if isinstance(batch, SingularBatch):
            return batch
        return self._derive_span(batch)

    def _derive_span(self, raw: RawSpanBatch) -> SpanBatch:
        origin = self.origin
        if not self._rollup.is_delta(origin.timestamp):
            log.warning("span batch before Delta in L1 block %d: skipped", origin.number)
            raise NotEnoughDataError("span batch before Delta")
        try:
            return raw.derive(
                self._rollup.block_time, self._rollup.genesis.l2_time, self._rollup.l2_chain_id
            )
        except DecodeError as exc:
            log.warning("span batch does not derive: %s", exc)
            raise NotEnoughDataError("span batch skipped") from None
