"""Rollup config JSON: op-node ``rollup.json`` and the fixture/registry forms, both ways.

Spec: specs/protocol/configurability.md. The op-node form (local key 7, ``--rollup.config``) has
snake_case top-level fields, fork times as ``<fork>_time`` and a camelCase
``genesis.system_config``. Also accepted: kona's ``base_fee_params``/``canyon_base_fee_params``
and ``chain_op_config`` with hex quantities (executor fixtures), and the superchain-registry form
with nested ``hardforks`` and ``eip1559`` objects (tests/fixtures/chains).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from op_program.config import json_fields as jf
from op_program.config.hardforks import TIMED_FORKS, HardforkTimes
from op_program.config.rollup import (
    GRANITE_CHANNEL_TIMEOUT,
    ZERO_ADDRESS,
    BaseFeeConfig,
    BlockId,
    Genesis,
    GenesisSystemConfig,
    RollupConfig,
)
from op_program.errors import ConfigError

U32_MAX = (1 << 32) - 1
BEDROCK_CHANNEL_TIMEOUT = 300


def parse_rollup_config(data: bytes | str | Mapping[str, Any]) -> RollupConfig:
    """Parse a rollup config from JSON bytes/text or an already-decoded object.

    Raises:
        ConfigError: malformed JSON, a missing or mistyped field, or an inconsistent config.
    """
    if isinstance(data, (bytes, str)):
        try:
            data = json.loads(data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ConfigError(f"rollup config is not valid JSON: {exc}") from None
    obj = jf.as_object(data, "rollup config")
    config = RollupConfig(
        genesis=_parse_genesis(jf.as_object(jf.require(obj, "genesis"), "genesis")),
        block_time=jf.req_int(obj, "block_time"),
        max_sequencer_drift=jf.req_int(obj, "max_sequencer_drift"),
        seq_window_size=jf.req_int(obj, "seq_window_size"),
        channel_timeout=_default(jf.opt_int(obj, "channel_timeout"), BEDROCK_CHANNEL_TIMEOUT),
        granite_channel_timeout=_default(
            jf.opt_int(obj, "granite_channel_timeout"), GRANITE_CHANNEL_TIMEOUT
        ),
        l1_chain_id=jf.req_int(obj, "l1_chain_id"),
        l2_chain_id=jf.req_int(obj, "l2_chain_id"),
        batch_inbox_address=jf.req_address(obj, "batch_inbox_address"),
        deposit_contract_address=jf.req_address(obj, "deposit_contract_address"),
        l1_system_config_address=jf.req_address(obj, "l1_system_config_address"),
        protocol_versions_address=jf.opt_address(obj, "protocol_versions_address") or ZERO_ADDRESS,
        superchain_config_address=jf.opt_address(obj, "superchain_config_address"),
        da_challenge_address=_da_challenge_address(obj),
        blobs_enabled_l1_timestamp=jf.opt_int(obj, "blobs_data"),
        interop_message_expiry_window=_default(
            jf.opt_int(obj, "interop_message_expiry_window"), 3600
        ),
        hardforks=_parse_hardforks(obj),
        base_fee=_parse_base_fee(obj),
    )
    validate_rollup_config(config)
    return config


def _default(value: int | None, default: int) -> int:
    """``value`` unless the field was absent (an explicit 0 stays 0 and is then validated)."""
    return default if value is None else value


def _parse_block_id(value: object, name: str) -> BlockId:
    obj = jf.as_object(value, name)
    return BlockId(
        hash=jf.as_bytes(jf.require(obj, "hash"), f"{name}.hash", 32),
        number=jf.req_int(obj, "number"),
    )


def _parse_genesis(obj: Mapping[str, Any]) -> Genesis:
    return Genesis(
        l1=_parse_block_id(jf.require(obj, "l1"), "genesis.l1"),
        l2=_parse_block_id(jf.require(obj, "l2"), "genesis.l2"),
        l2_time=jf.req_int(obj, "l2_time"),
        system_config=parse_genesis_system_config(
            jf.as_object(jf.require(obj, "system_config"), "genesis.system_config")
        ),
    )


def parse_genesis_system_config(obj: Mapping[str, Any]) -> GenesisSystemConfig:
    """Parse ``genesis.system_config`` (op-node and kona field names)."""
    denominator = jf.opt_int(obj, "eip1559Denominator", maximum=U32_MAX)
    elasticity = jf.opt_int(obj, "eip1559Elasticity", maximum=U32_MAX)
    params = jf.get(obj, "eip1559Params")
    if params is not None:  # op-node: bytes8 = denominator ‖ elasticity
        raw = jf.as_bytes(params, "eip1559Params", 8)
        denominator = int.from_bytes(raw[:4], "big")
        elasticity = int.from_bytes(raw[4:], "big")
    fee_scalar = jf.opt_int(obj, "operatorFeeScalar", maximum=U32_MAX)
    fee_constant = jf.opt_int(obj, "operatorFeeConstant")
    fee_params = jf.get(obj, "operatorFeeParams")
    if fee_params is not None:  # op-node: bytes32 = uint256(scalar) << 64 | constant
        raw = jf.as_bytes(fee_params, "operatorFeeParams", 32)
        fee_scalar = int.from_bytes(raw[20:24], "big")
        fee_constant = int.from_bytes(raw[24:], "big")
    return GenesisSystemConfig(
        batcher_address=jf.req_address(obj, "batcherAddr", "batcherAddress"),
        overhead=jf.as_bytes(jf.require(obj, "overhead"), "overhead", 32, left_pad=True),
        scalar=jf.as_bytes(jf.require(obj, "scalar"), "scalar", 32, left_pad=True),
        gas_limit=jf.req_int(obj, "gasLimit"),
        base_fee_scalar=jf.opt_int(obj, "baseFeeScalar"),
        blob_base_fee_scalar=jf.opt_int(obj, "blobBaseFeeScalar"),
        eip1559_denominator=denominator,
        eip1559_elasticity=elasticity,
        operator_fee_scalar=fee_scalar,
        operator_fee_constant=fee_constant,
        min_base_fee=jf.opt_int(obj, "minBaseFee"),
        da_footprint_gas_scalar=jf.opt_int(obj, "daFootprintGasScalar", maximum=0xFFFF),
    )


def _parse_hardforks(obj: Mapping[str, Any]) -> HardforkTimes:
    nested = jf.get(obj, "hardforks")
    source = jf.as_object(nested, "hardforks") if nested is not None else obj
    times = {
        fork.time_field: jf.opt_int(source, fork.time_field, fork.time_field)
        for fork in TIMED_FORKS
    }
    return HardforkTimes(**times)


def _parse_base_fee(obj: Mapping[str, Any]) -> BaseFeeConfig:
    op_config = jf.get(obj, "chain_op_config", "eip1559")
    if op_config is not None:
        cfg = jf.as_object(op_config, "chain_op_config")
        return BaseFeeConfig(
            eip1559_elasticity=jf.req_int(cfg, "eip1559Elasticity", "eip1559_elasticity"),
            eip1559_denominator=jf.req_int(cfg, "eip1559Denominator", "eip1559_denominator"),
            eip1559_denominator_canyon=jf.req_int(
                cfg, "eip1559DenominatorCanyon", "eip1559_denominator_canyon"
            ),
        )
    pre, post = jf.get(obj, "base_fee_params"), jf.get(obj, "canyon_base_fee_params")
    if pre is not None and post is not None:
        pre_obj = jf.as_object(pre, "base_fee_params")
        post_obj = jf.as_object(post, "canyon_base_fee_params")
        return BaseFeeConfig(
            eip1559_elasticity=jf.req_int(pre_obj, "elasticity_multiplier"),
            eip1559_denominator=jf.req_int(pre_obj, "max_change_denominator"),
            eip1559_denominator_canyon=jf.req_int(post_obj, "max_change_denominator"),
        )
    return BaseFeeConfig()  # op-geth's OP Mainnet defaults, as op-node and kona assume


def _da_challenge_address(obj: Mapping[str, Any]) -> bytes | None:
    direct = jf.opt_address(obj, "da_challenge_contract_address")
    if direct is not None:
        return direct
    alt_da = jf.get(obj, "alt_da")
    if alt_da is None:
        return None
    return jf.opt_address(jf.as_object(alt_da, "alt_da"), "da_challenge_contract_address")


def validate_rollup_config(config: RollupConfig) -> None:
    """The consistency checks of op-node ``Config.Check`` that matter to the program.

    Raises:
        ConfigError: the first violated rule.
    """
    if config.block_time == 0:
        raise ConfigError("block_time must not be 0")
    if config.seq_window_size < 2:
        raise ConfigError("seq_window_size must be at least 2")
    if config.channel_timeout == 0:
        raise ConfigError("channel_timeout must not be 0")
    if config.l1_chain_id == 0 or config.l2_chain_id == 0:
        raise ConfigError("l1_chain_id and l2_chain_id must not be 0")
    if config.batch_inbox_address == ZERO_ADDRESS:
        raise ConfigError("batch_inbox_address must not be the zero address")
    if config.deposit_contract_address == ZERO_ADDRESS:
        raise ConfigError("deposit_contract_address must not be the zero address")
    if config.genesis.system_config.gas_limit == 0:
        raise ConfigError("genesis.system_config.gasLimit must not be 0")
    previous: tuple[str, int] | None = None
    for fork in TIMED_FORKS:
        if fork.value in ("pectra_blob_schedule", "karst"):
            continue  # optional forks, outside the ordered main line
        time = config.hardforks.time_of(fork)
        if time is None:
            continue
        if previous is not None and time < previous[1]:
            raise ConfigError(f"{fork.time_field} ({time}) is before {previous[0]} ({previous[1]})")
        previous = (fork.time_field, time)


def rollup_config_to_json(config: RollupConfig) -> dict[str, Any]:
    """The op-node ``rollup.json`` object for ``config`` (round-trips through the parser)."""
    sc = config.genesis.system_config
    system_config: dict[str, Any] = {
        "batcherAddr": jf.hex_bytes(sc.batcher_address),
        "overhead": jf.hex_bytes(sc.overhead),
        "scalar": jf.hex_bytes(sc.scalar),
        "gasLimit": sc.gas_limit,
    }
    for key, value in (
        ("baseFeeScalar", sc.base_fee_scalar),
        ("blobBaseFeeScalar", sc.blob_base_fee_scalar),
        ("eip1559Denominator", sc.eip1559_denominator),
        ("eip1559Elasticity", sc.eip1559_elasticity),
        ("operatorFeeScalar", sc.operator_fee_scalar),
        ("operatorFeeConstant", sc.operator_fee_constant),
        ("minBaseFee", sc.min_base_fee),
        ("daFootprintGasScalar", sc.da_footprint_gas_scalar),
    ):
        if value is not None:
            system_config[key] = value
    out: dict[str, Any] = {
        "genesis": {
            "l1": {
                "hash": jf.hex_bytes(config.genesis.l1.hash),
                "number": config.genesis.l1.number,
            },
            "l2": {
                "hash": jf.hex_bytes(config.genesis.l2.hash),
                "number": config.genesis.l2.number,
            },
            "l2_time": config.genesis.l2_time,
            "system_config": system_config,
        },
        "block_time": config.block_time,
        "max_sequencer_drift": config.max_sequencer_drift,
        "seq_window_size": config.seq_window_size,
        "channel_timeout": config.channel_timeout,
        "granite_channel_timeout": config.granite_channel_timeout,
        "l1_chain_id": config.l1_chain_id,
        "l2_chain_id": config.l2_chain_id,
    }
    for key, time in config.hardforks.as_dict().items():
        if time is not None:
            out[key] = time
    out["batch_inbox_address"] = jf.hex_bytes(config.batch_inbox_address)
    out["deposit_contract_address"] = jf.hex_bytes(config.deposit_contract_address)
    out["l1_system_config_address"] = jf.hex_bytes(config.l1_system_config_address)
    out["protocol_versions_address"] = jf.hex_bytes(config.protocol_versions_address)
    if config.superchain_config_address is not None:
        out["superchain_config_address"] = jf.hex_bytes(config.superchain_config_address)
    if config.da_challenge_address is not None:
        out["da_challenge_contract_address"] = jf.hex_bytes(config.da_challenge_address)
    if config.blobs_enabled_l1_timestamp is not None:
        out["blobs_data"] = config.blobs_enabled_l1_timestamp
    out["interop_message_expiry_window"] = config.interop_message_expiry_window
    out["chain_op_config"] = {
        "eip1559Elasticity": config.base_fee.eip1559_elasticity,
        "eip1559Denominator": config.base_fee.eip1559_denominator,
        "eip1559DenominatorCanyon": config.base_fee.eip1559_denominator_canyon,
    }
    return out
