"""Batch queue (before Holocene): buffer batches, order them by the safe head, fill gaps.

Spec: specs/protocol/derivation.md, "Batch Queue"; delta/span-batches.md (span batches are
checked whole, then handed out block by block). Batches are validated against the safe head as
they arrive (drops are discarded) and again when the next batch is chosen: the first ``accept``
wins, ``future`` ones wait, an ``undecided`` one stops the scan until more L1 data arrives. When
nothing is accepted and the sequencing window has expired, empty batches are generated.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from typing import Protocol

from op_program.config.rollup import RollupConfig
from op_program.derive.batch_validity import (
    BatchValidity,
    SafeBlockFetcher,
    check_singular_batch,
    check_span_batch,
)
from op_program.derive.errors import CriticalError, EndOfDataError, NotEnoughDataError, ResetError
from op_program.derive.stages.l1_origins import L1OriginWindow
from op_program.derive.types import L1BlockRef, L2BlockRef
from op_program.errors import DecodeError
from op_program.protocol.batches import SingularBatch, SpanBatch

log = logging.getLogger("op_program.derive")


class BatchSource(Protocol):
    """The channel reader as the batch stages see it."""

    @property
    def origin(self) -> L1BlockRef:
        """The current L1 origin."""

    def next_batch(self) -> SingularBatch | SpanBatch:
        """The next decoded batch."""

    def flush_channel(self) -> None:
        """Discard the rest of the current channel."""


@dataclass(frozen=True, slots=True)
class BatchWithInclusion:
    """A batch and the L1 block it was read from."""

    batch: SingularBatch | SpanBatch
    inclusion: L1BlockRef


def expand_span(
    batch: SpanBatch, l1_blocks: list[L1BlockRef], parent: L2BlockRef
) -> list[SingularBatch]:
    """The span's blocks after ``parent`` as singular batches.

    Raises:
        CriticalError: a block's L1 origin is unknown (validation should have prevented it).
    """
    try:
        return batch.singular_batches(l1_blocks, parent.timestamp)
    except DecodeError as exc:
        raise CriticalError(f"span batch: {exc}") from exc


class BatchQueue:
    """The pre-Holocene batch stage."""

    __slots__ = ("_rollup", "_prev", "_l2", "_window", "_batches", "next_span")

    def __init__(
        self,
        rollup: RollupConfig,
        prev: BatchSource,
        l2: SafeBlockFetcher,
        window: L1OriginWindow | None = None,
    ) -> None:
        self._rollup = rollup
        self._prev = prev
        self._l2 = l2
        self._window = window or L1OriginWindow(rollup)
        self._batches: list[BatchWithInclusion] = []
        self.next_span: list[SingularBatch] = []

    @property
    def origin(self) -> L1BlockRef:
        """The current L1 origin."""
        return self._prev.origin

    @property
    def buffered(self) -> tuple[BatchWithInclusion, ...]:
        """Batches waiting in the queue (for inspection and tests)."""
        return tuple(self._batches)

    def reset(self, base: L1BlockRef) -> None:
        """Empty the queue and start the L1 window at ``base``."""
        self._window.reset(base)
        self._batches = []
        self.next_span = []

    def discard_batches(self) -> None:
        """Drop buffered batches but keep the L1 window (the Holocene switch)."""
        self._batches = []
        self.next_span = []

    def flush_channel(self) -> None:
        """Drop the remaining blocks of the current span batch and the rest of its channel."""
        self.next_span = []
        self._prev.flush_channel()

    def _pop_span(self, parent: L2BlockRef) -> SingularBatch:
        batch = self.next_span.pop(0)
        return dataclasses.replace(batch, parent_hash=parent.hash)

    def _validity(self, item: BatchWithInclusion, parent: L2BlockRef) -> BatchValidity:
        blocks = self._window.l1_blocks
        if isinstance(item.batch, SingularBatch):
            return check_singular_batch(self._rollup, blocks, parent, item.batch, item.inclusion)
        return check_span_batch(self._rollup, blocks, parent, item.batch, item.inclusion, self._l2)

    def next_batch(self, parent: L2BlockRef) -> tuple[SingularBatch, bool]:
        """The next batch on top of ``parent`` and whether it ends its span (or is singular).

        Raises:
            EndOfDataError: no batch can be produced from the data up to the current origin.
            NotEnoughDataError: progress was made; step again.
            ResetError: the L1 window does not match the safe head's origin.
        """
        if self.next_span:
            if self.next_span[0].timestamp == parent.timestamp + self._rollup.block_time:
                batch = self._pop_span(parent)
                return batch, not self.next_span
            log.warning("parent does not match the next span batch block: dropping the span")
            self.next_span = []
        prev_origin = self._prev.origin
        self._window.update(prev_origin, parent)
        behind = self._window.is_behind(prev_origin, parent)
        out_of_data = False
        try:
            read = self._prev.next_batch()
        except EndOfDataError:
            out_of_data = True
        else:
            if not behind:
                self._add_batch(BatchWithInclusion(read, prev_origin), parent)
        if behind:
            if out_of_data:
                raise EndOfDataError("batch queue: origin behind the safe head")
            raise NotEnoughDataError("batch queue: origin behind the safe head")
        try:
            chosen = self._derive_next(out_of_data, parent)
        except EndOfDataError:
            if out_of_data:
                raise
            raise NotEnoughDataError("batch queue: no batch yet") from None
        if isinstance(chosen, SingularBatch):
            return chosen, True
        self.next_span = expand_span(chosen, self._window.l1_blocks, parent)
        if not self.next_span:
            raise CriticalError("accepted span batch has no blocks after the safe head")
        batch = self._pop_span(parent)
        return batch, not self.next_span

    def _add_batch(self, item: BatchWithInclusion, parent: L2BlockRef) -> None:
        if not self._window.l1_blocks:
            raise CriticalError("cannot add a batch: no L1 origin prepared")
        if self._validity(item, parent) is not BatchValidity.DROP:
            self._batches.append(item)

    def _derive_next(self, out_of_data: bool, parent: L2BlockRef) -> SingularBatch | SpanBatch:
        blocks = self._window.l1_blocks
        if not blocks:
            raise CriticalError("cannot derive next batch: no L1 origin prepared")
        epoch = blocks[0]
        if parent.l1_origin != epoch.id and parent.l1_origin.number != epoch.number - 1:
            raise ResetError(
                f"batch queue epoch {epoch.number} does not match safe head origin "
                f"{parent.l1_origin.number}"
            )
        remaining: list[BatchWithInclusion] = []
        for index, item in enumerate(self._batches):
            validity = self._validity(item, parent)
            if validity is BatchValidity.FUTURE:
                remaining.append(item)
            elif validity is BatchValidity.ACCEPT:
                self._batches = remaining + self._batches[index + 1 :]
                return item.batch
            elif validity is BatchValidity.UNDECIDED:
                self._batches = remaining + self._batches[index:]
                raise EndOfDataError("batch queue: undecided batch")
            elif validity is not BatchValidity.DROP:
                raise CriticalError(f"impossible batch validity before Holocene: {validity}")
        self._batches = remaining
        return self._window.next_empty_batch(out_of_data, parent)
