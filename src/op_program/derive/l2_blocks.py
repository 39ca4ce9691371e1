"""L2 blocks as derivation sees them: their L1 origin and the system config they were built with.

Spec: specs/protocol/derivation.md ("Resetting the Pipeline": stages start from the system config
encoded in an L2 block); l1-attributes.md (the first transaction of every post-genesis block is
the L1-info deposit); holocene/exec-engine.md and jovian/exec-engine.md (EIP-1559 params and min
base fee in ``extraData``). Matches op-node ``L2BlockToBlockRef`` and ``PayloadToSystemConfig``.
"""

from __future__ import annotations

from collections.abc import Sequence

from op_program.config.rollup import BlockId, GenesisSystemConfig, RollupConfig
from op_program.derive.errors import CriticalError
from op_program.derive.types import L2BlockRef
from op_program.errors import DecodeError
from op_program.protocol.extra_data import ExtraDataDecodeError, decode_extra_data
from op_program.protocol.header import Header
from op_program.protocol.l1_info import L1BlockInfo, L1InfoFork, decode_l1_info
from op_program.protocol.system_config import (
    SystemConfig,
    encode_ecotone_scalar,
    encode_eip1559_params,
    encode_operator_fee_params,
)
from op_program.protocol.transactions import DepositTransaction, decode_transaction


def genesis_system_config(genesis: GenesisSystemConfig) -> SystemConfig:
    """The rollup config's genesis system config as the protocol ``SystemConfig`` value."""
    params = bytes(8)
    if genesis.eip1559_denominator is not None or genesis.eip1559_elasticity is not None:
        params = encode_eip1559_params(
            genesis.eip1559_denominator or 0, genesis.eip1559_elasticity or 0
        )
    fee_params = encode_operator_fee_params(
        genesis.operator_fee_scalar or 0, genesis.operator_fee_constant or 0
    )
    return SystemConfig(
        batcher_address=genesis.batcher_address,
        overhead=genesis.overhead,
        scalar=genesis.scalar,
        gas_limit=genesis.gas_limit,
        eip1559_params=params,
        operator_fee_params=fee_params,
        min_base_fee=genesis.min_base_fee or 0,
        da_footprint_gas_scalar=genesis.da_footprint_gas_scalar or 0,
    )


def l1_info_of_block(header: Header, transactions: Sequence[bytes]) -> L1BlockInfo:
    """Decode the L1-info deposit of a post-genesis L2 block.

    Raises:
        CriticalError: the block has no valid L1-info deposit first.
    """
    if not transactions:
        raise CriticalError(f"L2 block {header.number} has no transactions")
    try:
        tx = decode_transaction(transactions[0])
        if not isinstance(tx, DepositTransaction):
            raise CriticalError(f"first transaction of L2 block {header.number} is no deposit")
        return decode_l1_info(tx.data)
    except DecodeError as exc:
        raise CriticalError(f"L2 block {header.number}: bad L1-info deposit: {exc}") from exc


def l2_block_ref(rollup: RollupConfig, header: Header, transactions: Sequence[bytes]) -> L2BlockRef:
    """The block reference of an L2 block, with its L1 origin and sequence number.

    Raises:
        CriticalError: a genesis-numbered block with the wrong hash, or a bad L1-info deposit.
    """
    genesis = rollup.genesis
    if header.number == genesis.l2.number:
        if header.hash != genesis.l2.hash:
            raise CriticalError("L2 genesis block hash does not match the rollup config")
        return L2BlockRef(header.hash, header.number, header.parent_hash, header.timestamp,
                          genesis.l1, 0)  # fmt: skip
    info = l1_info_of_block(header, transactions)
    return L2BlockRef(
        header.hash, header.number, header.parent_hash, header.timestamp,
        BlockId(info.block_hash, info.number), info.sequence_number,
    )  # fmt: skip


def _extra_data_params(rollup: RollupConfig, header: Header) -> tuple[bytes, int]:
    """EIP-1559 params (8 bytes) and min base fee from a Holocene/Jovian ``extraData``."""
    jovian = rollup.is_jovian(header.timestamp)
    try:
        params = decode_extra_data(header.extra_data, jovian)
    except ExtraDataDecodeError as exc:
        fork = "Jovian" if jovian else "Holocene"
        raise CriticalError(f"L2 block {header.number}: invalid {fork} extraData") from exc
    return params.packed, params.min_base_fee


def system_config_of_block(
    rollup: RollupConfig, header: Header, transactions: Sequence[bytes]
) -> SystemConfig:
    """The system config an L2 block was derived with (op-node ``PayloadToSystemConfig``).

    Raises:
        CriticalError: bad L1-info deposit or malformed Holocene/Jovian ``extraData``.
    """
    if header.number == rollup.genesis.l2.number:
        return genesis_system_config(rollup.genesis.system_config)
    info = l1_info_of_block(header, transactions)
    scalar = info.l1_fee_scalar
    if info.fork is not L1InfoFork.BEDROCK:
        # v1 encoding is fine even if the block was derived from a v0 scalar (op-node).
        scalar = encode_ecotone_scalar(info.base_fee_scalar, info.blob_base_fee_scalar)
    params, min_base_fee = bytes(8), 0
    if rollup.is_holocene(header.timestamp):
        params, min_base_fee = _extra_data_params(rollup, header)
    fee_params = bytes(32)
    if rollup.is_isthmus(header.timestamp):
        fee_params = encode_operator_fee_params(
            info.operator_fee_scalar, info.operator_fee_constant
        )
    return SystemConfig(
        batcher_address=info.batcher_address,
        overhead=info.l1_fee_overhead,
        scalar=scalar,
        gas_limit=header.gas_limit,
        eip1559_params=params,
        operator_fee_params=fee_params,
        min_base_fee=min_base_fee,
        da_footprint_gas_scalar=info.da_footprint_gas_scalar
        if rollup.is_jovian(header.timestamp)
        else 0,
    )
