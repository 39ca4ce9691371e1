"""Sync start: L2 block references with their L1 origin, and the L1 block derivation starts at.

Spec: protocol/derivation.md ("L2 Chain Derivation Pipeline", "Resetting the Pipeline"),
deposits.md (the L1-info deposit, first transaction of every L2 block, names its L1 origin and
sequence number); fault-proof/index.md ("Main content"). Like kona's oracle pipeline cursor, the
client starts the pipeline at the agreed safe head's L1 origin minus the channel timeout (so a
channel opened before the origin is read in full) and never walks back over L2 blocks before the
agreed head: the safe head itself is the reset point.
"""

import logging

from op_program.client.errors import L2BlockError, PreimageFormatError
from op_program.client.l1 import OracleL1Source
from op_program.client.l2 import OracleL2Source
from op_program.config.rollup import BlockId, Genesis, RollupConfig
from op_program.derive.types import L2BlockRef
from op_program.errors import DecodeError
from op_program.protocol.header import Header
from op_program.protocol.l1_info import decode_l1_info
from op_program.protocol.transactions import DepositTransaction, decode_transaction

log = logging.getLogger("op_program.client")

REF_CACHE_LIMIT = 1 << 12


def l2_block_ref(header: Header, transactions: tuple[bytes, ...], genesis: Genesis) -> L2BlockRef:
    """Return the reference of an L2 block: its L1 origin from the L1-info deposit.

    Raises:
        L2BlockError: a non-genesis block without a decodable L1-info deposit first.
        PreimageFormatError: the deposit does not decode.
    """
    if header.number == genesis.l2.number:
        if header.hash != genesis.l2.hash:
            raise L2BlockError("L2 genesis block hash does not match the rollup config")
        return L2BlockRef(
            header.hash, header.number, header.parent_hash, header.timestamp, genesis.l1, 0
        )
    if not transactions:
        raise L2BlockError(f"L2 block {header.number} has no transactions (no L1-info deposit)")
    try:
        tx = decode_transaction(transactions[0])
        if not isinstance(tx, DepositTransaction):
            raise L2BlockError(f"L2 block {header.number} does not start with a deposit")
        info = decode_l1_info(tx.data)
    except DecodeError as exc:
        raise PreimageFormatError(f"invalid L1-info deposit in L2 block {header.number}") from exc
    return L2BlockRef(
        header.hash,
        header.number,
        header.parent_hash,
        header.timestamp,
        BlockId(info.block_hash, info.number),
        info.sequence_number,
    )


class SafeChain:
    """L2 block references and transactions by number over the L2 source (span batch checks)."""

    __slots__ = ("_genesis", "_l2", "_refs")

    def __init__(self, l2: OracleL2Source, genesis: Genesis) -> None:
        self._l2 = l2
        self._genesis = genesis
        self._refs: dict[bytes, L2BlockRef] = {}

    def ref_of(self, header: Header) -> L2BlockRef:
        """Return the reference of the L2 block with ``header``."""
        block_hash = header.hash
        ref = self._refs.get(block_hash)
        if ref is None:
            ref = l2_block_ref(header, self._l2.transactions_by_hash(block_hash), self._genesis)
            if len(self._refs) >= REF_CACHE_LIMIT:
                self._refs.pop(next(iter(self._refs)))
            self._refs[block_hash] = ref
        return ref

    def l2_block_ref_by_number(self, number: int) -> L2BlockRef:
        """The safe L2 block at ``number`` with its L1 origin."""
        return self.ref_of(self._l2.header_by_number(number))

    def l2_transactions_by_number(self, number: int) -> tuple[bytes, ...]:
        """The raw transactions of the safe L2 block at ``number``."""
        return self._l2.transactions_by_hash(self._l2.header_by_number(number).hash)


def sync_start(l1: OracleL1Source, safe_head: L2BlockRef, rollup: RollupConfig) -> Header:
    """Return the L1 block the pipeline resets to for the agreed ``safe_head``.

    It is the safe head's L1 origin walked back by the channel timeout in force at the safe
    head's time, but never before the rollup's L1 genesis.
    """
    timeout = rollup.channel_timeout_at(safe_head.timestamp)
    number = max(safe_head.l1_origin.number - timeout, rollup.genesis.l1.number)
    origin = l1.header_by_number(safe_head.l1_origin.number)
    if origin.hash != safe_head.l1_origin.hash:
        raise L2BlockError(
            f"safe head's L1 origin {safe_head.l1_origin.number} is not canonical under the L1 head"
        )
    base = l1.header_by_number(number)
    log.info(
        "Sync start safe_head=%d l1_origin=%d channel_timeout=%d l1_base=%d",
        safe_head.number, safe_head.l1_origin.number, timeout, base.number,
    )  # fmt: skip
    return base
