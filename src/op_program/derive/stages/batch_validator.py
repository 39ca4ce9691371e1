"""Batch validator (Holocene): validate strictly ordered singular batches, one at a time.

Spec: holocene/derivation.md, "Batch Queue" (no reordering, no future batches: they are
dropped; ``past`` batches are skipped; a dropped batch flushes the rest of its span batch and
channel) and derivation.md (empty batches when the sequencing window expires). While the stage's
origin is not past the safe head's L1 origin, batches are read and discarded: a channel from
that block can only hold past batches.
"""

from __future__ import annotations

import logging

from op_program.config.rollup import RollupConfig
from op_program.derive.batch_validity import BatchValidity, check_singular_batch
from op_program.derive.errors import CriticalError, EndOfDataError, NotEnoughDataError, ResetError
from op_program.derive.stages.batch_stream import BatchStream
from op_program.derive.stages.l1_origins import L1OriginWindow
from op_program.derive.types import L1BlockRef, L2BlockRef
from op_program.protocol.batches import SingularBatch

log = logging.getLogger("op_program.derive")


class BatchValidator:
    """The Holocene batch stage (op-node ``BatchStage``)."""

    __slots__ = ("_rollup", "_prev", "_window")

    def __init__(
        self, rollup: RollupConfig, prev: BatchStream, window: L1OriginWindow | None = None
    ) -> None:
        self._rollup = rollup
        self._prev = prev
        self._window = window or L1OriginWindow(rollup)

    @property
    def origin(self) -> L1BlockRef:
        """The current L1 origin."""
        return self._prev.origin

    def reset(self, base: L1BlockRef) -> None:
        """Start the L1 window at ``base``."""
        self._window.reset(base)
        self._prev.reset()

    def flush_channel(self) -> None:
        """Drop the rest of the current span batch and channel."""
        self._prev.flush_channel()

    def next_batch(self, parent: L2BlockRef) -> tuple[SingularBatch, bool]:
        """The next valid batch on top of ``parent`` and whether it ends its span.

        Raises:
            EndOfDataError: no batch at this origin (and no empty batch due).
            NotEnoughDataError: progress was made; step again.
            ResetError: the L1 window does not match the safe head's origin.
            CriticalError: the window lost the safe head's next L1 block.
        """
        prev_origin = self._prev.origin
        self._window.update(prev_origin, parent)
        if self._window.is_behind(prev_origin, parent) or (
            parent.l1_origin.number == prev_origin.number
        ):
            self._prev.drain()
            raise NotEnoughDataError("batch validator: draining up to the safe head's origin")
        blocks = self._window.l1_blocks
        if len(blocks) < 2:
            raise CriticalError(
                f"too few L1 blocks buffered: origin {prev_origin.number}, "
                f"parent origin {parent.l1_origin.number}"
            )
        epoch = blocks[0]
        if parent.l1_origin != epoch.id and parent.l1_origin.number != epoch.number - 1:
            raise ResetError(
                f"batch validator epoch {epoch.number} does not match safe head origin "
                f"{parent.l1_origin.number}"
            )
        try:
            batch, last = self._prev.next_batch(parent, blocks, prev_origin)
        except EndOfDataError:
            return self._window.next_empty_batch(True, parent), False
        validity = check_singular_batch(self._rollup, blocks, parent, batch, prev_origin)
        if validity is BatchValidity.ACCEPT:
            return batch, last
        if validity is BatchValidity.DROP:
            self.flush_channel()
            raise NotEnoughDataError("batch dropped: flushed its channel")
        if validity is BatchValidity.FUTURE:
            raise CriticalError("impossible future batch validity under Holocene")
        raise NotEnoughDataError(f"batch is {validity.value}")
