import json
from dataclasses import replace
from typing import Any

import pytest

from op_program.config.hardforks import Fork, HardforkTimes
from op_program.config.rollup import (
    MAX_CHANNEL_BANK_SIZE_BEDROCK,
    MAX_CHANNEL_BANK_SIZE_FJORD,
    MAX_RLP_BYTES_PER_CHANNEL_BEDROCK,
    MAX_RLP_BYTES_PER_CHANNEL_FJORD,
    RollupConfig,
)
from op_program.config.rollup_json import parse_rollup_config, rollup_config_to_json
from op_program.errors import ConfigError, OpProgramError

from .conftest import minimal_rollup_json


@pytest.fixture
def config(rollup_json: dict[str, Any]) -> RollupConfig:
    return parse_rollup_config(rollup_json)


def test_parse_fields(config: RollupConfig) -> None:
    assert config.block_time == 2
    assert config.genesis.l1.number == 100
    assert config.genesis.l2.hash == bytes.fromhex("22" * 32)
    assert config.genesis.system_config.overhead == bytes(31) + b"\xbc"
    assert config.genesis.system_config.batcher_address == bytes.fromhex("33" * 20)
    assert config.batch_inbox_address == b"\xff" * 20
    assert config.hardforks.canyon_time == 2000
    assert config.hardforks.isthmus_time is None
    assert config.granite_channel_timeout == 50
    assert config.base_fee.eip1559_denominator_canyon == 250


def test_predicates_and_activation_blocks(config: RollupConfig) -> None:
    assert not config.is_canyon(1998) and config.is_canyon(2000)
    assert config.is_canyon_activation_block(2000)
    assert not config.is_canyon_activation_block(2002)
    assert config.is_ecotone_activation_block(4001)  # first block with t >= 4000 when off-grid
    assert not config.is_ecotone_activation_block(3999)
    assert config.is_holocene(7000) and not config.is_isthmus(10**12)
    assert not config.is_isthmus_activation_block(10**12)
    # Regolith at 0: the genesis-time block is not an activation block (no parent before it).
    assert not config.is_regolith_activation_block(0)
    assert not config.is_regolith_activation_block(1000)


def test_activation_block_needs_a_parent() -> None:
    cfg = parse_rollup_config(minimal_rollup_json(canyon_time=1))
    assert not cfg.is_canyon_activation_block(1)  # 1 < block_time: no parent block
    assert cfg.is_canyon_activation_block(2)


def test_fork_dependent_parameters(config: RollupConfig) -> None:
    assert config.max_sequencer_drift_at(4999) == 600
    assert config.max_sequencer_drift_at(5000) == 1800
    assert config.channel_timeout_at(5999) == 300
    assert config.channel_timeout_at(6000) == 50
    assert config.max_rlp_bytes_per_channel(4999) == MAX_RLP_BYTES_PER_CHANNEL_BEDROCK
    assert config.max_rlp_bytes_per_channel(5000) == MAX_RLP_BYTES_PER_CHANNEL_FJORD
    assert config.max_channel_bank_size(4999) == MAX_CHANNEL_BANK_SIZE_BEDROCK
    assert config.max_channel_bank_size(5000) == MAX_CHANNEL_BANK_SIZE_FJORD
    assert config.eip1559_denominator_at(1999) == 50
    assert config.eip1559_denominator_at(2000) == 250
    assert config.target_block_number(1000 + 20) == 10


def test_every_fork_predicate_is_wired(config: RollupConfig) -> None:
    times = {f.time_field: 10 * (i + 1) for i, f in enumerate(Fork) if f is not Fork.BEDROCK}
    cfg = replace(config, hardforks=HardforkTimes(**times))
    for fork in Fork:
        if fork is Fork.BEDROCK:
            continue
        t = times[fork.time_field]
        assert getattr(cfg, f"is_{fork.value}")(t), fork
        if fork is not Fork.PECTRA_BLOB_SCHEDULE:
            assert not getattr(cfg, f"is_{fork.value}")(t - 1), fork
            assert getattr(cfg, f"is_{fork.value}_activation_block")(t), fork


def test_round_trip_json(config: RollupConfig) -> None:
    assert parse_rollup_config(json.dumps(rollup_config_to_json(config))) == config
    assert parse_rollup_config(json.dumps(rollup_config_to_json(config)).encode()) == config


def test_kona_and_registry_forms() -> None:
    kona = minimal_rollup_json(
        base_fee_params={"elasticity_multiplier": "0xa", "max_change_denominator": "0x32"},
        canyon_base_fee_params={"elasticity_multiplier": "0xa", "max_change_denominator": "0xfa"},
    )
    assert parse_rollup_config(kona).base_fee.eip1559_elasticity == 10
    reg = minimal_rollup_json(
        hardforks={"canyon_time": 7},
        eip1559={
            "eip1559_elasticity": 4,
            "eip1559_denominator": 8,
            "eip1559_denominator_canyon": 9,
        },
    )
    parsed = parse_rollup_config(reg)
    assert parsed.hardforks.canyon_time == 7 and parsed.hardforks.delta_time is None
    assert parsed.base_fee.eip1559_denominator_canyon == 9


def test_genesis_system_config_packed_params() -> None:
    js = minimal_rollup_json()
    js["genesis"]["system_config"]["eip1559Params"] = "0x000000fa00000006"
    js["genesis"]["system_config"]["operatorFeeParams"] = (
        "0x" + "00" * 20 + "00000007" + "00" * 7 + "09"
    )
    sc = parse_rollup_config(js).genesis.system_config
    assert (sc.eip1559_denominator, sc.eip1559_elasticity) == (250, 6)
    assert (sc.operator_fee_scalar, sc.operator_fee_constant) == (7, 9)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda j: j.pop("genesis"),
        lambda j: j.pop("block_time"),
        lambda j: j.update(block_time=0),
        lambda j: j.update(block_time=True),
        lambda j: j.update(block_time=-1),
        lambda j: j.update(block_time="nope"),
        lambda j: j.update(block_time=[1]),
        lambda j: j.update(seq_window_size=1),
        lambda j: j.update(l2_chain_id=0),
        lambda j: j.update(batch_inbox_address="0x1234"),
        lambda j: j.update(batch_inbox_address="0x" + "zz" * 20),
        lambda j: j.update(batch_inbox_address="0x" + "00" * 20),
        lambda j: j.update(deposit_contract_address=5),
        lambda j: j.update(canyon_time=10, delta_time=5),
        lambda j: j.update(genesis=[]),
        lambda j: j["genesis"].update(l1={"hash": "0x00", "number": 1}),
        lambda j: j["genesis"]["system_config"].pop("batcherAddr"),
        lambda j: j["genesis"]["system_config"].update(gasLimit=0),
        lambda j: j["genesis"]["system_config"].update(overhead="0x" + "00" * 33),
        lambda j: j.update(chain_op_config={"eip1559Elasticity": 1}),
    ],
)
def test_malformed_configs_raise_config_error(mutate: Any) -> None:
    js = minimal_rollup_json()
    mutate(js)
    with pytest.raises(ConfigError):
        parse_rollup_config(js)


@pytest.mark.parametrize("raw", [b"", b"{", b"\xff\xfe", b"[]", b"null", b"42"])
def test_bad_json_is_config_error(raw: bytes) -> None:
    with pytest.raises(OpProgramError):
        parse_rollup_config(raw)


def test_defaults_only_for_absent_fields() -> None:
    js = minimal_rollup_json()
    del js["channel_timeout"]
    cfg = parse_rollup_config(js)
    assert cfg.channel_timeout == 300 and cfg.granite_channel_timeout == 50
    with pytest.raises(ConfigError):
        parse_rollup_config(minimal_rollup_json(channel_timeout=0))
