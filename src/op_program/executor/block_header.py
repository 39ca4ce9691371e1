"""Block header rules: the header fields of an OP block built from payload attributes.

Spec: specs/protocol/exec-engine.md (gasLimit from the attributes; base fee per EIP-1559 with
OP parameters), canyon (withdrawalsRoot = empty root), ecotone (blobGasUsed = excessBlobGas = 0,
parentBeaconBlockRoot), holocene (extraData), isthmus (withdrawalsRoot, requestsHash =
sha256("")), jovian (extraData version 1, blobGasUsed = DA footprint, base fee metering).
"""

from dataclasses import dataclass

from op_program.config.rollup import RollupConfig
from op_program.encoding.hashing import sha256
from op_program.executor.base_fee import (
    Eip1559Params,
    decode_eip1559_params,
    decode_extra_data,
    encode_extra_data,
    next_base_fee,
)
from op_program.executor.errors import InvalidAttributesError
from op_program.executor.rules import BlockRules
from op_program.protocol.attributes import PayloadAttributes
from op_program.protocol.header import EMPTY_OMMERS_HASH, Header

EMPTY_REQUESTS_HASH = sha256(b"")


@dataclass(frozen=True, slots=True)
class HeaderFields:
    """The header fields fixed before execution."""

    gas_limit: int
    base_fee: int
    extra_data: bytes


@dataclass(frozen=True, slots=True)
class Roots:
    """The header fields known only after execution."""

    state_root: bytes
    transactions_root: bytes
    receipts_root: bytes
    logs_bloom: bytes
    withdrawals_root: bytes


def parent_base_fee_params(config: RollupConfig, parent: Header, timestamp: int) -> Eip1559Params:
    """The EIP-1559 parameters that set this block's base fee (from the parent from Holocene)."""
    if config.is_holocene(parent.timestamp):
        # A Jovian parent carries version 1 (with a minimum base fee); the first Jovian block's
        # parent still carries Holocene's version 0.
        jovian = config.is_jovian(parent.timestamp) and parent.extra_data[:1] != b"\x00"
        return decode_extra_data(parent.extra_data, jovian)
    return Eip1559Params(
        denominator=config.eip1559_denominator_at(timestamp),
        elasticity=config.base_fee.eip1559_elasticity,
    )


def _extra_data(config: RollupConfig, attributes: PayloadAttributes, rules: BlockRules) -> bytes:
    if not rules.holocene:
        return b""
    if attributes.eip1559_params is None:
        raise InvalidAttributesError("Holocene attributes lack eip1559Params")
    denominator, elasticity = decode_eip1559_params(attributes.eip1559_params)
    if denominator == 0:
        denominator = config.eip1559_denominator_at(attributes.timestamp)
        elasticity = config.base_fee.eip1559_elasticity
    min_base_fee = 0
    if rules.jovian:
        if attributes.min_base_fee is None:
            raise InvalidAttributesError("Jovian attributes lack minBaseFee")
        min_base_fee = attributes.min_base_fee
    return encode_extra_data(Eip1559Params(denominator, elasticity, min_base_fee), rules.jovian)


def header_fields(
    config: RollupConfig, parent: Header, attributes: PayloadAttributes, rules: BlockRules
) -> HeaderFields:
    """Check the attributes against the parent and compute gas limit, base fee and extraData.

    Raises:
        InvalidAttributesError: missing fields or values no valid block can have.
    """
    if attributes.timestamp <= parent.timestamp:
        raise InvalidAttributesError("timestamp not after the parent's")
    if attributes.gas_limit is None:
        raise InvalidAttributesError("attributes lack gasLimit")
    if rules.ecotone and attributes.parent_beacon_block_root is None:
        raise InvalidAttributesError("Ecotone attributes lack parentBeaconBlockRoot")
    if parent.base_fee_per_gas is None:
        raise InvalidAttributesError("parent header has no base fee")
    params = parent_base_fee_params(config, parent, attributes.timestamp)
    metered = parent.gas_used
    if config.is_jovian(parent.timestamp):
        metered = max(metered, parent.blob_gas_used or 0)
    base_fee = next_base_fee(parent.base_fee_per_gas, parent.gas_limit, metered, params)
    return HeaderFields(attributes.gas_limit, base_fee, _extra_data(config, attributes, rules))


def seal(
    fields: HeaderFields, parent: Header, attributes: PayloadAttributes, rules: BlockRules,
    roots: Roots, gas_used: int, blob_gas_used: int,
) -> Header:
    """The finished header."""
    return Header(
        parent_hash=parent.hash, ommers_hash=EMPTY_OMMERS_HASH,
        coinbase=attributes.suggested_fee_recipient, state_root=roots.state_root,
        transactions_root=roots.transactions_root, receipts_root=roots.receipts_root,
        logs_bloom=roots.logs_bloom, difficulty=0, number=parent.number + 1,
        gas_limit=fields.gas_limit, gas_used=gas_used, timestamp=attributes.timestamp,
        extra_data=fields.extra_data, mix_hash=attributes.prev_randao, nonce=bytes(8),
        base_fee_per_gas=fields.base_fee,
        withdrawals_root=roots.withdrawals_root if rules.canyon else None,
        blob_gas_used=blob_gas_used if rules.ecotone else None,
        excess_blob_gas=0 if rules.ecotone else None,
        parent_beacon_block_root=attributes.parent_beacon_block_root if rules.ecotone else None,
        requests_hash=EMPTY_REQUESTS_HASH if rules.isthmus else None,
    )
