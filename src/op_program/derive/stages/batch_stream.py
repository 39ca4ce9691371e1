"""Batch stream (Holocene): turn span batches into singular batches, one block at a time.

Spec: holocene/derivation.md, "Span Batches" (partial span batch validity). A span batch's prefix
is checked when it arrives: ``drop`` discards it and the rest of its channel, ``past`` discards
only it, ``undecided`` retries later. An accepted span batch is expanded into the singular
batches after the safe head; each is then validated on its own by the batch validator.
"""

from __future__ import annotations

import dataclasses
import logging

from op_program.config.rollup import RollupConfig
from op_program.derive.batch_validity import (
    BatchValidity,
    SafeBlockFetcher,
    check_span_batch_prefix,
)
from op_program.derive.errors import NotEnoughDataError
from op_program.derive.stages.batch_queue import BatchSource
from op_program.derive.types import L1BlockRef, L2BlockRef
from op_program.errors import DecodeError
from op_program.protocol.batches import SingularBatch

log = logging.getLogger("op_program.derive")


class BatchStream:
    """Holds the remaining blocks of at most one span batch."""

    __slots__ = ("_rollup", "_prev", "_l2", "next_span")

    def __init__(self, rollup: RollupConfig, prev: BatchSource, l2: SafeBlockFetcher) -> None:
        self._rollup = rollup
        self._prev = prev
        self._l2 = l2
        self.next_span: list[SingularBatch] = []

    @property
    def origin(self) -> L1BlockRef:
        """The current L1 origin."""
        return self._prev.origin

    def reset(self) -> None:
        """Drop the buffered span."""
        self.next_span = []

    def flush_channel(self) -> None:
        """Drop the rest of the span batch and of its channel (fast channel invalidation)."""
        self.next_span = []
        self._prev.flush_channel()

    def drain(self) -> None:
        """Read and discard one batch (the origin is not yet past the safe head's origin)."""
        self._prev.next_batch()

    def _pop(self, parent: L2BlockRef) -> SingularBatch:
        return dataclasses.replace(self.next_span.pop(0), parent_hash=parent.hash)

    def next_batch(
        self, parent: L2BlockRef, l1_blocks: list[L1BlockRef], inclusion: L1BlockRef
    ) -> tuple[SingularBatch, bool]:
        """The next singular batch candidate and whether it ends its span.

        Raises:
            EndOfDataError: no more batches at this origin.
            NotEnoughDataError: a span batch was dropped, past, or undecided; step again.
        """
        if self.next_span:
            if self.next_span[0].timestamp == parent.timestamp + self._rollup.block_time:
                batch = self._pop(parent)
                return batch, not self.next_span
            log.warning("parent does not match the next span batch block: dropping the span")
            self.next_span = []
        read = self._prev.next_batch()
        if isinstance(read, SingularBatch):
            return read, True
        validity, _ = check_span_batch_prefix(
            self._rollup, l1_blocks, parent, read, inclusion, self._l2
        )
        if validity is BatchValidity.DROP:
            self.flush_channel()
            raise NotEnoughDataError("span batch dropped with the rest of its channel")
        if validity is not BatchValidity.ACCEPT:
            raise NotEnoughDataError(f"span batch is {validity.value}")
        try:
            self.next_span = read.singular_batches(l1_blocks, parent.timestamp)
        except DecodeError as exc:
            # An element with an unknown L1 origin makes the span invalid, not derivation
            # (holocene/derivation.md, "Span Batches" note): drop it with its channel.
            log.warning("span batch blocks do not resolve: %s", exc)
            self.flush_channel()
            raise NotEnoughDataError("span batch dropped with the rest of its channel") from None
        if not self.next_span:
            raise NotEnoughDataError("span batch has no blocks after the safe head")
        batch_out = self._pop(parent)
        return batch_out, not self.next_span
