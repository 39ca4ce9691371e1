"""L1 origins window: the L1 blocks a batch stage validates against, and empty-batch rules.

Spec: specs/protocol/derivation.md, "Batch Queue" (epoch, next epoch, sequencing window expiry
and the empty batches it forces). Shared by the pre-Holocene batch queue and the Holocene batch
validator, as op-node's ``baseBatchStage``: the window starts at the safe head's L1 origin and
grows as the stage's origin advances; when the stage's origin is behind the safe head's origin,
data is read and discarded.
"""

from __future__ import annotations

import logging

from op_program.config.rollup import RollupConfig
from op_program.derive.errors import EndOfDataError
from op_program.derive.types import L1BlockRef, L2BlockRef
from op_program.protocol.batches import SingularBatch

log = logging.getLogger("op_program.derive")


class L1OriginWindow:
    """The stage origin and the L1 blocks from the safe head's epoch up to it."""

    __slots__ = ("_rollup", "origin", "l1_blocks")

    def __init__(self, rollup: RollupConfig) -> None:
        self._rollup = rollup
        self.origin: L1BlockRef | None = None
        self.l1_blocks: list[L1BlockRef] = []

    def reset(self, base: L1BlockRef) -> None:
        """Start from ``base`` as the only known L1 block."""
        self.origin = base
        self.l1_blocks = [base]

    def is_behind(self, prev_origin: L1BlockRef, parent: L2BlockRef) -> bool:
        """Whether the stage's origin is still before the safe head's L1 origin."""
        return prev_origin.number < parent.l1_origin.number

    def update(self, prev_origin: L1BlockRef, parent: L2BlockRef) -> None:
        """Track a new stage origin and drop L1 blocks before the safe head's origin."""
        behind = self.is_behind(prev_origin, parent)
        if self.origin != prev_origin:
            self.origin = prev_origin
            if behind:
                self.l1_blocks = []
            else:
                self.l1_blocks.append(prev_origin)
        if self.l1_blocks and parent.l1_origin.number > self.l1_blocks[0].number:
            for index, block in enumerate(self.l1_blocks):
                if block.number == parent.l1_origin.number:
                    self.l1_blocks = self.l1_blocks[index:]
                    break

    def next_empty_batch(self, out_of_data: bool, parent: L2BlockRef) -> SingularBatch:
        """The empty batch the sequencing window forces, if it has expired.

        Raises:
            EndOfDataError: no empty batch is due (or the epoch was just advanced).
        """
        if self.origin is None or not self.l1_blocks:
            raise EndOfDataError("no L1 origin window")
        epoch = self.l1_blocks[0]
        expiry = epoch.number + self._rollup.seq_window_size
        force = (expiry == self.origin.number and out_of_data) or expiry < self.origin.number
        first_of_epoch = epoch.number == parent.l1_origin.number + 1
        next_timestamp = parent.timestamp + self._rollup.block_time
        if not force or len(self.l1_blocks) < 2:
            raise EndOfDataError("no empty batch due")
        next_epoch = self.l1_blocks[1]
        if next_timestamp < next_epoch.timestamp or first_of_epoch:
            log.info("generating empty batch epoch=%d timestamp=%d", epoch.number, next_timestamp)
            return SingularBatch(parent.hash, epoch.number, epoch.hash, next_timestamp, ())
        self.l1_blocks = self.l1_blocks[1:]  # every batch of this epoch is done: next epoch
        raise EndOfDataError("advanced the epoch for empty batches")
