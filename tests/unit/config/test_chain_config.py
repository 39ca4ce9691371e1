import json

import pytest

from op_program.config.chain_config import (
    BlobParams,
    l2_chain_config_from_rollup,
    parse_chain_config,
)
from op_program.config.rollup_json import parse_rollup_config
from op_program.errors import ConfigError

from .conftest import minimal_rollup_json

OP_GETH_CONFIG = {
    "chainId": 901,
    "homesteadBlock": 0,
    "londonBlock": 0,
    "bedrockBlock": 0,
    "shanghaiTime": 2000,
    "cancunTime": 4000,
    "regolithTime": 0,
    "canyonTime": 2000,
    "holoceneTime": 7000,
    "terminalTotalDifficulty": 0,
    "optimism": {"eip1559Elasticity": 6, "eip1559Denominator": 50, "eip1559DenominatorCanyon": 250},
}


def test_parse_op_geth_config() -> None:
    cfg = parse_chain_config(json.dumps(OP_GETH_CONFIG))
    assert cfg.chain_id == 901
    assert cfg.is_block_fork("londonBlock", 0)
    assert not cfg.is_block_fork("berlinBlock", 10**9)  # absent = not scheduled
    assert cfg.is_time_fork("cancunTime", 4000) and not cfg.is_time_fork("cancunTime", 3999)
    assert cfg.optimism is not None and cfg.optimism.eip1559_denominator_canyon == 250


def test_whole_genesis_accepted() -> None:
    assert parse_chain_config({"config": OP_GETH_CONFIG, "alloc": {}}).chain_id == 901


def test_canyon_denominator_defaults_to_denominator() -> None:
    cfg = parse_chain_config(
        {"chainId": 1, "optimism": {"eip1559Elasticity": 2, "eip1559Denominator": 8}}
    )
    assert cfg.optimism is not None and cfg.optimism.eip1559_denominator_canyon == 8


def test_blob_schedule() -> None:
    cfg = parse_chain_config(
        {
            "chainId": 1,
            "cancunTime": 10,
            "pragueTime": 20,
            "bpo1Time": 30,
            "blobSchedule": {
                "cancun": {"target": 3, "max": 6, "baseFeeUpdateFraction": 3338477},
                "prague": {"target": 6, "max": 9, "baseFeeUpdateFraction": 5007716},
                "bpo1": {"target": 10, "max": 15, "baseFeeUpdateFraction": 8346193},
            },
        }
    )
    assert cfg.blob_params_at(9) is None
    assert cfg.blob_params_at(10) == BlobParams(3, 6, 3338477)
    assert cfg.blob_params_at(29) == BlobParams(6, 9, 5007716)
    assert cfg.blob_params_at(30) == BlobParams(10, 15, 8346193)


@pytest.mark.parametrize(
    "raw", ["{", "[]", '{"chainId": "x"}', '{"chainId": 1, "optimism": 3}', "{}"]
)
def test_malformed(raw: str) -> None:
    with pytest.raises(ConfigError):
        parse_chain_config(raw)


def test_from_rollup_maps_ethereum_forks() -> None:
    rollup = parse_rollup_config(minimal_rollup_json(isthmus_time=8000))
    cfg = l2_chain_config_from_rollup(rollup, bedrock_block=5)
    assert cfg.chain_id == 901
    assert cfg.fork_time("shanghaiTime") == 2000
    assert cfg.fork_time("cancunTime") == 4000
    assert cfg.fork_time("pragueTime") == 8000
    assert cfg.fork_block("bedrockBlock") == 5
    assert cfg.optimism == rollup.base_fee
