"""Data sources: batcher data in an L1 block, from calldata and (Ecotone) blobs.

Spec: specs/protocol/derivation.md, "L1 Retrieval"; ecotone/derivation.md (blob retrieval).
A batcher transaction (type 0, 1, 2, 3 or 0x7E) is sent to the batch inbox and signed by the
batcher address of the system config at that L1 block. Before Ecotone every such transaction
yields its calldata (op-node's calldata source does not look at the type); from Ecotone (by the
L1 block's time) blob transactions yield the data of each blob, decoded with OP's blob encoding,
and their calldata is ignored. Blob indices count every blob in the block,
including those of unrelated transactions. A blob that does not decode is skipped, like op-node.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from op_program.config.rollup import RollupConfig
from op_program.derive.providers import BlobProvider, L1ChainProvider
from op_program.derive.types import L1BlockRef
from op_program.errors import DecodeError
from op_program.protocol.transactions import (
    BlobTransaction,
    Transaction,
    decode_transaction,
    peek_recipient,
)

log = logging.getLogger("op_program.derive")

BATCHER_TX_TYPES = (0, 1, 2, 3, 0x7E)
BLOB_TX_TYPE = 3

BlobDecoder = Callable[[bytes], bytes]
"""Decodes one 131072-byte blob into the data it carries (raises ``DecodeError``)."""


@dataclass(frozen=True, slots=True)
class _Item:
    calldata: bytes | None
    blob_slot: int  # index into the fetched blobs when calldata is None


def _is_batcher_tx(tx: Transaction, inbox: bytes, batcher: bytes) -> bool:
    if tx.to != inbox:
        return False
    try:
        return tx.recover_sender() == batcher
    except DecodeError:
        return False  # an unrecoverable signature is not from the batcher


def _decode_all(raw_txs: Sequence[bytes], inbox: bytes) -> list[Transaction]:
    """Decode the transactions that may matter: those sent to ``inbox`` and all blob ones.

    A type 0, 1, 2 or 0x7E transaction whose ``to`` (read from RLP headers) is another address
    is skipped undecoded: it is no batcher transaction and carries no blobs, so it adds nothing
    to the items or the blob indices whether or not it would decode.
    """
    txs = []
    for raw in raw_txs:
        recipient = peek_recipient(raw)
        if recipient is not None and recipient != inbox:
            continue
        try:
            txs.append(decode_transaction(raw))
        except DecodeError:
            log.warning("skipping L1 transaction that does not decode")
    return txs


def calldata_items(
    raw_txs: Sequence[bytes], inbox: bytes, batcher: bytes, with_blobs: bool
) -> tuple[list[_Item], list[tuple[int, bytes]]]:
    """Batcher data items of a block, in order, and the indexed blob hashes to fetch."""
    items: list[_Item] = []
    hashes: list[tuple[int, bytes]] = []
    blob_index = 0
    for tx in _decode_all(raw_txs, inbox):
        blob_hashes = tx.blob_versioned_hashes if isinstance(tx, BlobTransaction) else ()
        if tx.tx_type not in BATCHER_TX_TYPES or not _is_batcher_tx(tx, inbox, batcher):
            blob_index += len(blob_hashes)
            continue
        if tx.tx_type != BLOB_TX_TYPE or not with_blobs:
            items.append(_Item(tx.data, -1))
            continue
        for versioned_hash in blob_hashes:
            items.append(_Item(None, len(hashes)))
            hashes.append((blob_index, versioned_hash))
            blob_index += 1
    return items, hashes


def open_data(
    rollup: RollupConfig,
    l1: L1ChainProvider,
    blobs: BlobProvider,
    decode_blob: BlobDecoder,
    block: L1BlockRef,
    batcher: bytes,
) -> list[bytes]:
    """All batcher data of ``block`` for ``batcher``, in inclusion order."""
    _, raw_txs = l1.transactions_by_hash(block.hash)
    with_blobs = rollup.is_ecotone(block.timestamp)
    items, hashes = calldata_items(raw_txs, rollup.batch_inbox_address, batcher, with_blobs)
    fetched: Sequence[bytes] = blobs.get_blobs(block.timestamp, hashes) if hashes else ()
    out: list[bytes] = []
    for item in items:
        if item.calldata is not None:
            out.append(item.calldata)
            continue
        try:
            out.append(decode_blob(fetched[item.blob_slot]))
        except DecodeError as exc:
            log.warning("ignoring blob that does not decode block=%d err=%s", block.number, exc)
    return out
