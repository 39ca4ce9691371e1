"""Batch validity: drop, accept, undecided, future or past, for singular and span batches.

Spec: specs/protocol/derivation.md, "Batch Queue" (rules in validation order);
delta/span-batches.md ("Span batch validation"); holocene/derivation.md ("Batch Queue": future
becomes drop, a new ``past`` validity, activated by the L1 inclusion block time);
isthmus/derivation.md (SetCode transactions only from Isthmus); jovian/derivation.md (the
activation block carries no user transactions, as does Interop's).
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Sequence
from typing import Protocol

from op_program.config.rollup import RollupConfig
from op_program.derive.types import L1BlockRef, L2BlockRef
from op_program.protocol.batches import SingularBatch, SpanBatch

log = logging.getLogger("op_program.derive")

DEPOSIT_TX_TYPE = 0x7E
SET_CODE_TX_TYPE = 0x04
U64 = (1 << 64) - 1


class BatchValidity(enum.Enum):
    """The outcome of checking a batch against the safe head and the known L1 blocks."""

    DROP = "drop"
    ACCEPT = "accept"
    UNDECIDED = "undecided"
    FUTURE = "future"
    PAST = "past"


class SafeBlockFetcher(Protocol):
    """Safe L2 blocks by number, for span batches that overlap the safe chain."""

    def l2_block_ref_by_number(self, number: int) -> L2BlockRef:
        """The safe L2 block at ``number`` with its L1 origin."""

    def l2_transactions_by_number(self, number: int) -> Sequence[bytes]:
        """The raw transactions of the safe L2 block at ``number``."""


def _drop(reason: str) -> BatchValidity:
    log.warning("dropping batch: %s", reason)
    return BatchValidity.DROP


def check_transactions(
    rollup: RollupConfig, timestamp: int, transactions: Sequence[bytes]
) -> str | None:
    """Why a block's batch transactions are not acceptable, or None when they are."""
    upgrade_block = rollup.is_jovian_activation_block(
        timestamp
    ) or rollup.is_interop_activation_block(timestamp)
    if transactions and upgrade_block:
        return "user transactions in an upgrade activation block"
    isthmus = rollup.is_isthmus(timestamp)
    for tx in transactions:
        if not tx:
            return "empty transaction"
        if tx[0] == DEPOSIT_TX_TYPE:
            return "deposit transaction in batch"
        if tx[0] == SET_CODE_TX_TYPE and not isthmus:
            return "SetCode transaction before Isthmus"
    return None


def _check_drift(
    rollup: RollupConfig,
    timestamp: int,
    origin: L1BlockRef,
    has_txs: bool,
    next_origin: L1BlockRef | None,
    origin_advanced: bool,
) -> BatchValidity | None:
    """The sequencer-drift rule; None when the batch passes it."""
    max_time = origin.timestamp + rollup.max_sequencer_drift_at(origin.timestamp)
    if max_time > U64:
        return _drop("sequencer drift overflow")
    if timestamp <= max_time:
        return None
    if has_txs:
        return _drop("batch exceeded sequencer time drift with transactions")
    if origin_advanced:
        return None
    if next_origin is None:
        return BatchValidity.UNDECIDED
    if timestamp >= next_origin.timestamp:
        return _drop("empty batch past the drift could have adopted the next L1 origin")
    return None


def check_singular_batch(
    rollup: RollupConfig,
    l1_blocks: Sequence[L1BlockRef],
    safe_head: L2BlockRef,
    batch: SingularBatch,
    inclusion: L1BlockRef,
) -> BatchValidity:
    """Validity of a singular batch (derivation.md "Batch Queue"; Holocene by inclusion time)."""
    if not l1_blocks:
        return BatchValidity.UNDECIDED
    epoch = l1_blocks[0]
    holocene = rollup.is_holocene(inclusion.timestamp)
    next_timestamp = safe_head.timestamp + rollup.block_time
    if batch.timestamp > next_timestamp:
        return _drop("future batch (Holocene)") if holocene else BatchValidity.FUTURE
    if batch.timestamp < next_timestamp:
        return BatchValidity.PAST if holocene else _drop("batch is older than the safe head")
    if batch.parent_hash != safe_head.hash:
        return _drop("parent hash does not match the safe head")
    if batch.epoch_num + rollup.seq_window_size < inclusion.number:
        return _drop("batch included after the sequencing window")
    if batch.epoch_num < epoch.number:
        return _drop("batch epoch is older than the safe head's")
    if batch.epoch_num == epoch.number:
        origin = epoch
    elif batch.epoch_num == epoch.number + 1:
        if len(l1_blocks) < 2:
            return BatchValidity.UNDECIDED
        origin = l1_blocks[1]
    else:
        return _drop("batch epoch is more than one L1 block ahead")
    if batch.epoch_hash != origin.hash:
        return _drop("batch epoch hash does not match the L1 origin")
    if batch.timestamp < origin.timestamp:
        return _drop("batch timestamp is before its L1 origin")
    next_origin = l1_blocks[1] if len(l1_blocks) > 1 else None
    drift = _check_drift(
        rollup, batch.timestamp, origin, bool(batch.transactions), next_origin,
        origin_advanced=epoch.number != origin.number,
    )  # fmt: skip
    if drift is not None:
        return drift
    reason = check_transactions(rollup, batch.timestamp, batch.transactions)
    return _drop(reason) if reason else BatchValidity.ACCEPT


def _span_origin_for_start(
    rollup: RollupConfig, l1_blocks: Sequence[L1BlockRef], batch: SpanBatch
) -> L1BlockRef | None:
    epoch = l1_blocks[0]
    if batch.elements[0].epoch_num == epoch.number + 1:
        return l1_blocks[1] if len(l1_blocks) > 1 else None
    return epoch


def check_span_batch_prefix(  # noqa: PLR0911, PLR0912 - one rule per branch, as the spec lists
    rollup: RollupConfig,
    l1_blocks: Sequence[L1BlockRef],
    safe_head: L2BlockRef,
    batch: SpanBatch,
    inclusion: L1BlockRef,
    l2: SafeBlockFetcher,
) -> tuple[BatchValidity, L2BlockRef | None]:
    """Validity of a span batch's prefix (everything but the per-block rules) and its parent.

    Used whole before Holocene and alone by the Holocene batch stream (delta/span-batches.md,
    holocene/derivation.md "Span Batches").
    """
    if not l1_blocks or not batch.elements:
        return BatchValidity.UNDECIDED, None
    start_origin = _span_origin_for_start(rollup, l1_blocks, batch)
    if start_origin is None:
        return BatchValidity.UNDECIDED, None
    if not rollup.is_delta(start_origin.timestamp):
        return _drop("span batch before Delta"), None
    holocene = rollup.is_holocene(inclusion.timestamp)
    next_timestamp = safe_head.timestamp + rollup.block_time
    start_time, end_time = batch.elements[0].timestamp, batch.elements[-1].timestamp
    if start_time > next_timestamp:
        return (_drop("future span batch (Holocene)") if holocene else BatchValidity.FUTURE), None
    if end_time < next_timestamp:
        return (BatchValidity.PAST if holocene else _drop("span batch is all in the past")), None
    parent = safe_head
    if start_time < next_timestamp:
        if start_time > safe_head.timestamp:
            return _drop("span batch start is not on a block boundary"), None
        if (safe_head.timestamp - start_time) % rollup.block_time != 0:
            return _drop("span batch start is not on a block boundary"), None
        behind = (safe_head.timestamp - start_time) // rollup.block_time
        parent_number = safe_head.number - behind - 1
        if parent_number < rollup.genesis.l2.number:
            # op-node cannot fetch such a parent and leaves the batch undecided
            return BatchValidity.UNDECIDED, None
        parent = l2.l2_block_ref_by_number(parent_number)
    if batch.parent_check != parent.hash[:20]:
        return _drop("span batch parent check failed"), parent
    start_epoch = batch.elements[0].epoch_num
    if start_epoch + rollup.seq_window_size < inclusion.number:
        return _drop("span batch included after the sequencing window"), parent
    if start_epoch > parent.l1_origin.number + 1:
        return _drop("span batch skips an L1 origin"), parent
    end_epoch = batch.elements[-1].epoch_num
    for block in l1_blocks:
        if block.number == end_epoch:
            if batch.l1_origin_check != block.hash[:20]:
                return _drop("span batch L1 origin check failed"), parent
            break
    else:
        return BatchValidity.UNDECIDED, parent
    if start_epoch < parent.l1_origin.number:
        return _drop("span batch epoch is older than its parent's"), parent
    return BatchValidity.ACCEPT, parent


def _check_span_blocks(
    rollup: RollupConfig,
    l1_blocks: Sequence[L1BlockRef],
    safe_head: L2BlockRef,
    batch: SpanBatch,
    parent: L2BlockRef,
) -> BatchValidity:
    """The per-block rules for the span's blocks after the safe head."""
    origin_index = 0
    origin_advanced = batch.elements[0].epoch_num == parent.l1_origin.number + 1
    previous_epoch = 0
    for index, element in enumerate(batch.elements):
        # One pass, the previous block's epoch carried along: span elements are computed when
        # read, and a span may hold 10M blocks (issue 11).
        epoch_before, previous_epoch = previous_epoch, element.epoch_num
        if element.timestamp <= safe_head.timestamp:
            continue
        origin: L1BlockRef | None = None
        for j in range(origin_index, len(l1_blocks)):
            if l1_blocks[j].number == element.epoch_num:
                origin, origin_index = l1_blocks[j], j
                break
        if origin is None:
            return _drop("span batch block references an unknown L1 origin")
        if index > 0:
            origin_advanced = element.epoch_num > epoch_before
        if element.timestamp < origin.timestamp:
            return _drop("span batch block timestamp is before its L1 origin")
        following = l1_blocks[origin_index + 1] if origin_index + 1 < len(l1_blocks) else None
        drift = _check_drift(
            rollup, element.timestamp, origin, bool(element.transactions), following,
            origin_advanced,
        )  # fmt: skip
        if drift is not None:
            return drift
        reason = check_transactions(rollup, element.timestamp, element.transactions)
        if reason:
            return _drop(reason)
    return BatchValidity.ACCEPT


def _check_overlap(
    safe_head: L2BlockRef, batch: SpanBatch, parent: L2BlockRef, l2: SafeBlockFetcher
) -> BatchValidity:
    """Blocks of the span already in the safe chain must match it exactly."""
    for offset in range(safe_head.number - parent.number):
        number = parent.number + offset + 1
        element = batch.elements[offset]
        safe_txs = l2.l2_transactions_by_number(number)
        user_txs = [tx for tx in safe_txs if not tx or tx[0] != DEPOSIT_TX_TYPE]
        deposits = len(safe_txs) - len(user_txs)
        if len(user_txs) != len(element.transactions):
            return _drop(f"overlapped block {number} has a different transaction count")
        if tuple(safe_txs[deposits:]) != element.transactions:
            return _drop(f"overlapped block {number} has different transactions")
        if l2.l2_block_ref_by_number(number).l1_origin.number != element.epoch_num:
            return _drop(f"overlapped block {number} has a different L1 origin")
    return BatchValidity.ACCEPT


def check_span_batch(
    rollup: RollupConfig,
    l1_blocks: Sequence[L1BlockRef],
    safe_head: L2BlockRef,
    batch: SpanBatch,
    inclusion: L1BlockRef,
    l2: SafeBlockFetcher,
) -> BatchValidity:
    """Full validity of a span batch before Holocene (delta/span-batches.md)."""
    validity, parent = check_span_batch_prefix(rollup, l1_blocks, safe_head, batch, inclusion, l2)
    if validity is not BatchValidity.ACCEPT or parent is None:
        return validity
    validity = _check_span_blocks(rollup, l1_blocks, safe_head, batch, parent)
    if validity is not BatchValidity.ACCEPT:
        return validity
    if batch.elements[0].timestamp < safe_head.timestamp + rollup.block_time:
        return _check_overlap(safe_head, batch, parent, l2)
    return BatchValidity.ACCEPT
