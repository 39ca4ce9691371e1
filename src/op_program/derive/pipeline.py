"""The derivation pipeline: L1 data in, payload attributes for the next L2 block out.

Spec: specs/protocol/derivation.md ("L2 Chain Derivation Pipeline", "Resetting the Pipeline");
holocene/derivation.md ("Activation": on the first L1 block at or after Holocene the frame queue,
channel bank and batch queue are replaced by their Holocene forms, discarding buffered state).

The driver (``client/driver.py``) calls ``next_attributes(safe_head)`` with the current safe head
header, executes the attributes, then reports the new block with ``on_safe_head``; after an
invalid Holocene payload it calls ``flush_channel`` and retries with deposits only. On first use
the pipeline resets to the safe head like kona's client: the L1 traversal starts the channel
timeout before the safe head's L1 origin (never before the L1 genesis), with the system config read
from the safe head. The timeout is the one at the L1 origin's time, as op-node's reset walk-back
(``ChannelTimeout(origin.Time)``): channels are timed out by L1 time (granite/derivation.md).
"""

from __future__ import annotations

import enum
import functools
import logging
from collections.abc import Sequence

from op_program.config.chain_config import ChainConfig
from op_program.config.rollup import RollupConfig
from op_program.derive.attributes_builder import (
    DEFAULT_UPGRADES,
    AttributesBuilder,
    UpgradeTransactions,
    decode_receipts,
)
from op_program.derive.errors import CriticalError, EndOfDataError, NotEnoughDataError
from op_program.derive.l2_blocks import l2_block_ref, system_config_of_block
from op_program.derive.providers import BlobProvider, L1ChainProvider, L2ChainProvider
from op_program.derive.stages.attributes_queue import (
    AttributesQueue,
    AttributesWithParent,
    SingularBatchSource,
)
from op_program.derive.stages.batch_queue import BatchQueue
from op_program.derive.stages.batch_stream import BatchStream
from op_program.derive.stages.batch_validator import BatchValidator
from op_program.derive.stages.channel_assembler import ChannelAssembler
from op_program.derive.stages.channel_bank import ChannelBank
from op_program.derive.stages.channel_reader import ChannelReader
from op_program.derive.stages.data_source import open_data
from op_program.derive.stages.frame_queue import FrameQueue
from op_program.derive.stages.l1_origins import L1OriginWindow
from op_program.derive.stages.l1_retrieval import L1Retrieval
from op_program.derive.stages.l1_traversal import L1Traversal
from op_program.derive.types import L1BlockRef, L2BlockRef
from op_program.errors import ConfigError
from op_program.protocol.attributes import PayloadAttributes
from op_program.protocol.blob import decode_blob
from op_program.protocol.header import Header
from op_program.protocol.system_config import SystemConfig, update_with_receipts

log = logging.getLogger("op_program.derive")


class StepResult(enum.Enum):
    """What one pipeline step did."""

    PREPARED_ATTRIBUTES = "prepared attributes"
    ADVANCED_ORIGIN = "advanced origin"
    NOT_ENOUGH_DATA = "not enough data"
    EXHAUSTED = "L1 exhausted"


class _L2View:
    """Safe L2 blocks by hash and number, with their refs and system configs (cached)."""

    __slots__ = ("_rollup", "_l2", "_blocks", "_by_number")

    def __init__(self, rollup: RollupConfig, l2: L2ChainProvider) -> None:
        self._rollup = rollup
        self._l2 = l2
        self._blocks: dict[bytes, tuple[Header, tuple[bytes, ...], L2BlockRef]] = {}
        self._by_number: dict[int, bytes] = {}

    def add(self, header: Header, transactions: Sequence[bytes]) -> L2BlockRef:
        txs = tuple(transactions)
        ref = l2_block_ref(self._rollup, header, txs)
        self._blocks[header.hash] = (header, txs, ref)
        self._by_number[header.number] = header.hash
        return ref

    def ref_of(self, header: Header) -> L2BlockRef:
        known = self._blocks.get(header.hash)
        if known is not None:
            return known[2]
        return self.add(header, self._l2.transactions_by_hash(header.hash))

    def _block(self, number: int) -> tuple[Header, tuple[bytes, ...], L2BlockRef]:
        known = self._by_number.get(number)
        if known is not None:
            return self._blocks[known]
        header = self._l2.header_by_number(number)
        self.ref_of(header)
        return self._blocks[header.hash]

    def l2_block_ref_by_number(self, number: int) -> L2BlockRef:
        return self._block(number)[2]

    def l2_transactions_by_number(self, number: int) -> Sequence[bytes]:
        return self._block(number)[1]

    def system_config(self, ref: L2BlockRef) -> SystemConfig:
        known = self._blocks.get(ref.hash)
        if known is None:
            raise CriticalError(f"unknown L2 block 0x{ref.hash.hex()}")
        return system_config_of_block(self._rollup, known[0], known[1])


class DerivationPipeline:
    """All derivation stages wired together, stepped by the driver."""

    def __init__(
        self,
        rollup: RollupConfig,
        l1_chain_config: ChainConfig,
        l1: L1ChainProvider,
        blobs: BlobProvider,
        l2: L2ChainProvider,
        upgrades: UpgradeTransactions = DEFAULT_UPGRADES,
    ) -> None:
        if rollup.is_alt_da_enabled():
            raise ConfigError("alt-DA chains are not supported: their batcher data differs")
        self._rollup = rollup
        self._l1 = l1
        self._l2 = _L2View(rollup, l2)
        self._traversal: L1Traversal[SystemConfig] = L1Traversal(
            l1, self._update_system_config, SystemConfig(bytes(20))
        )
        opener = functools.partial(open_data, rollup, l1, blobs, decode_blob)
        self._retrieval = L1Retrieval(self._traversal, opener)
        self._frames = FrameQueue(self._retrieval, rollup.is_holocene)
        self._bank = ChannelBank(rollup, self._frames)
        self._assembler = ChannelAssembler(rollup, self._frames)
        self._reader = ChannelReader(rollup, self._bank)
        window = L1OriginWindow(rollup)
        self._batch_queue = BatchQueue(rollup, self._reader, self._l2, window)
        self._stream = BatchStream(rollup, self._reader, self._l2)
        self._validator = BatchValidator(rollup, self._stream, window)
        builder = AttributesBuilder(rollup, l1_chain_config, l1, upgrades)
        self._attributes = AttributesQueue(
            rollup, builder, self._batch_stage, self._l2.system_config
        )
        self._holocene = False
        self._initialized = False
        self.last_derived: AttributesWithParent | None = None

    # -- plumbing ------------------------------------------------------------------------

    def _update_system_config(
        self, config: SystemConfig, raw_receipts: Sequence[bytes], timestamp: int
    ) -> SystemConfig:
        receipts = decode_receipts(raw_receipts)
        updated, errors = update_with_receipts(
            config, receipts, self._rollup.l1_system_config_address,
            self._rollup.is_ecotone(timestamp),
        )  # fmt: skip
        if errors:
            raise CriticalError(f"failed to apply system config updates: {errors[0]}")
        return updated

    def _batch_stage(self) -> SingularBatchSource:
        return self._validator if self._holocene else self._batch_queue

    def _use_holocene(self, active: bool) -> None:
        self._holocene = active
        self._reader.set_source(self._assembler if active else self._bank)

    @property
    def origin(self) -> L1BlockRef | None:
        """The L1 block derivation currently reads (None before the first reset)."""
        return self._traversal.origin if self._initialized else None

    @property
    def system_config(self) -> SystemConfig:
        """The system config at the current L1 origin (batcher authentication)."""
        return self._traversal.system_config

    # -- driver API ----------------------------------------------------------------------

    def reset(self, safe_head: Header) -> None:
        """Restart derivation on top of ``safe_head`` (the sync start of kona's client)."""
        rollup = self._rollup
        ref = self._l2.ref_of(safe_head)
        # By the L1 origin's time, not the L2 block's (kona's sync start): near Granite an L2
        # block past it can sit on a pre-Granite origin whose channels live 300 blocks, not 50.
        origin_time = self._l1.header_by_hash(ref.l1_origin.hash).timestamp
        timeout = rollup.channel_timeout_at(origin_time)
        base_number = max(ref.l1_origin.number - timeout, rollup.genesis.l1.number)
        base = L1BlockRef.from_header(self._l1.header_by_number(base_number))
        self._traversal.reset(base, self._l2.system_config(ref))
        for stage in (self._retrieval, self._frames, self._bank, self._assembler, self._reader):
            stage.reset()
        self._batch_queue.reset(base)
        self._validator.reset(base)
        self._attributes.reset()
        self._use_holocene(rollup.is_holocene(base.timestamp))
        self._initialized = True
        log.info("derivation reset: l1_base=%d safe_head=%d", base.number, ref.number)

    def step(self, safe_head: L2BlockRef) -> StepResult:
        """Run the stages once on top of ``safe_head``.

        Raises:
            ResetError: derivation is inconsistent with the chain (the program cannot reset).
            CriticalError: an invariant broke or L1 data violates consensus rules.
        """
        try:
            self.last_derived = self._attributes.next_attributes(safe_head)
            return StepResult.PREPARED_ATTRIBUTES
        except NotEnoughDataError:
            return StepResult.NOT_ENOUGH_DATA
        except EndOfDataError:
            return self._advance_origin()

    def _advance_origin(self) -> StepResult:
        old = self._traversal.origin
        try:
            self._traversal.advance()
        except EndOfDataError:
            return StepResult.EXHAUSTED
        new = self._traversal.origin
        if not self._rollup.is_holocene(old.timestamp) and self._rollup.is_holocene(new.timestamp):
            log.info("Holocene activates at L1 block %d: replacing stages", new.number)
            self._frames.reset()
            self._bank.reset()
            self._assembler.reset()
            self._batch_queue.discard_batches()
            self._stream.reset()
            self._use_holocene(True)
        return StepResult.ADVANCED_ORIGIN

    @property
    def is_holocene_active(self) -> bool:
        """Whether the Holocene stages (assembler, stream, validator) are in use."""
        return self._holocene

    def next_attributes_with_parent(self, safe_head: Header) -> AttributesWithParent | None:
        """Like ``next_attributes`` but with the parent ref, derived-from L1 block and span end.

        Raises:
            ResetError, CriticalError: derivation cannot continue.
        """
        if not self._initialized:
            self.reset(safe_head)
        ref = self._l2.ref_of(safe_head)
        while True:
            result = self.step(ref)
            if result is StepResult.PREPARED_ATTRIBUTES and self.last_derived is not None:
                return self.last_derived
            if result is StepResult.EXHAUSTED:
                return None

    def next_attributes(self, safe_head: Header) -> PayloadAttributes | None:
        """The attributes of the next L2 block on ``safe_head``; None once L1 is exhausted.

        Raises:
            ResetError, CriticalError: derivation cannot continue.
        """
        derived = self.next_attributes_with_parent(safe_head)
        return None if derived is None else derived.attributes

    def on_safe_head(self, header: Header, transactions: tuple[bytes, ...]) -> None:
        """Record a block built from the last attributes as the new safe head."""
        self._l2.add(header, transactions)

    def flush_channel(self) -> None:
        """Drop the rest of the span batch and channel behind the last attributes (Holocene)."""
        if self._holocene:
            self._validator.flush_channel()
        else:
            self._batch_queue.flush_channel()
