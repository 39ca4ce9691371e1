"""Attributes queue: turn the next batch into payload attributes on top of the safe head.

Spec: specs/protocol/derivation.md, "Payload Attributes Derivation". The batch must build on the
safe head (parent hash, next timestamp) or the pipeline needs a reset; the attributes are the
builder's deposits and upgrade transactions followed by the batch's transactions, with
``noTxPool`` set.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol

from op_program.config.rollup import BlockId, RollupConfig
from op_program.derive.attributes_builder import AttributesBuilder
from op_program.derive.errors import ResetError
from op_program.derive.types import L1BlockRef, L2BlockRef
from op_program.protocol.attributes import PayloadAttributes
from op_program.protocol.batches import SingularBatch
from op_program.protocol.system_config import SystemConfig


class SingularBatchSource(Protocol):
    """The batch queue or the batch validator."""

    @property
    def origin(self) -> L1BlockRef:
        """The current L1 origin."""

    def next_batch(self, parent: L2BlockRef) -> tuple[SingularBatch, bool]:
        """The next batch on top of ``parent`` and whether it is the last of its span."""


@dataclass(frozen=True, slots=True)
class AttributesWithParent:
    """Payload attributes with the safe head they build on and the L1 block they came from."""

    attributes: PayloadAttributes
    parent: L2BlockRef
    derived_from: L1BlockRef
    is_last_in_span: bool


class AttributesQueue:
    """Holds the batch being turned into attributes."""

    __slots__ = ("_rollup", "_builder", "_prev", "_system_config", "_batch")

    def __init__(
        self,
        rollup: RollupConfig,
        builder: AttributesBuilder,
        prev: Callable[[], SingularBatchSource],
        system_config: Callable[[L2BlockRef], SystemConfig],
    ) -> None:
        self._rollup = rollup
        self._builder = builder
        self._prev = prev
        self._system_config = system_config
        self._batch: tuple[SingularBatch, bool] | None = None

    def reset(self) -> None:
        """Drop the pending batch."""
        self._batch = None

    def next_attributes(self, parent: L2BlockRef) -> AttributesWithParent:
        """Attributes for the block after ``parent``.

        Raises:
            EndOfDataError, NotEnoughDataError: from the batch stage.
            ResetError: the batch does not build on ``parent``.
        """
        source = self._prev()
        if self._batch is None:
            self._batch = source.next_batch(parent)
        batch, is_last = self._batch
        if batch.parent_hash != parent.hash:
            self._batch = None
            raise ResetError("batch parent hash does not match the safe head")
        if batch.timestamp != parent.timestamp + self._rollup.block_time:
            self._batch = None
            raise ResetError("batch timestamp is not the safe head's next timestamp")
        epoch = BlockId(batch.epoch_hash, batch.epoch_num)
        attributes = self._builder.prepare(parent, epoch, self._system_config(parent))
        self._batch = None
        full = replace(attributes, transactions=attributes.transactions + batch.transactions)
        return AttributesWithParent(full, parent, source.origin, is_last)
