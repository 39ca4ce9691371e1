import pytest

from op_program.config.registry import (
    L1_MAINNET,
    L1_SEPOLIA,
    l1_chain_config_by_chain_id,
    l2_chain_config_by_chain_id,
    network_by_chain_id,
    network_by_name,
    networks,
    rollup_config_by_chain_id,
)
from op_program.errors import ConfigError

REQUIRED = {
    "op-mainnet": 10,
    "op-sepolia": 11155420,
    "base": 8453,
    "base-sepolia": 84532,
    "unichain": 130,
    "ink": 57073,
}


@pytest.mark.parametrize(("name", "chain_id"), sorted(REQUIRED.items()))
def test_required_networks(name: str, chain_id: int) -> None:
    assert network_by_name(name).chain_id == chain_id
    assert network_by_chain_id(chain_id).name == name
    assert rollup_config_by_chain_id(chain_id).l2_chain_id == chain_id
    assert l2_chain_config_by_chain_id(chain_id).chain_id == chain_id


def test_names_unique_and_case_insensitive() -> None:
    names = [n.name for n in networks()]
    assert len(names) == len(set(names))
    ids = [n.chain_id for n in networks()]
    assert len(ids) == len(set(ids))
    assert network_by_name("OP-Mainnet").chain_id == 10
    assert network_by_name("optimism").chain_id == 10


def test_unknown() -> None:
    with pytest.raises(ConfigError):
        network_by_name("nope")
    with pytest.raises(ConfigError):
        network_by_chain_id(2**64 - 1)
    with pytest.raises(ConfigError):
        l1_chain_config_by_chain_id(5)


def test_op_mainnet_bedrock_block_is_genesis() -> None:
    assert network_by_name("op-mainnet").l2_chain_config.fork_block("bedrockBlock") == 105235063


def test_l1_configs() -> None:
    assert l1_chain_config_by_chain_id(1) is L1_MAINNET
    assert l1_chain_config_by_chain_id(11155111) is L1_SEPOLIA
    # Prague raised the update fraction (EIP-7691); BPO2 (EIP-7892) is the newest here.
    assert L1_MAINNET.blob_params_at(1_746_612_311 - 1).base_fee_update_fraction == 3_338_477  # type: ignore[union-attr]
    assert L1_MAINNET.blob_params_at(1_746_612_311).base_fee_update_fraction == 5_007_716  # type: ignore[union-attr]
    assert L1_SEPOLIA.blob_params_at(1_761_607_008).max == 21  # type: ignore[union-attr]
