"""Known networks match the superchain registry facts in tests/fixtures/chains."""

import json
from typing import Any

import pytest

from op_program.config.hardforks import TIMED_FORKS
from op_program.config.registry import network_by_chain_id, network_by_name, networks
from op_program.config.rollup_json import parse_rollup_config
from tests.fixture_paths import fixtures_path

pytestmark = pytest.mark.conformance


def _chains() -> dict[str, Any]:
    data = json.loads(fixtures_path("chains", "rollup_configs.json").read_text())
    chains: dict[str, Any] = data["chains"]
    return chains


def _addr(text: str) -> bytes:
    return bytes.fromhex(text[2:])


def _word(text: str) -> bytes:
    return int(text, 16).to_bytes(32, "big")


def _all_chains() -> dict[str, Any]:
    """Every chain of the registry snapshot, by its Go op-program name ``<chain>-<superchain>``."""
    data = json.loads(fixtures_path("chains", "rollup_configs_all.json").read_text())
    return {f"{c['source_path'].rsplit('/', 1)[1].removesuffix('.toml')}-{c['superchain']}": c
            for c in data["chains"].values()}


GO_OP_PROGRAM_NETWORKS = (
    "base-mainnet", "base-sepolia", "lyra-mainnet", "metal-mainnet", "metal-sepolia",
    "mode-mainnet", "mode-sepolia", "op-mainnet", "op-sepolia", "orderly-mainnet",
    "race-mainnet", "race-sepolia", "tbn-mainnet", "zora-mainnet", "zora-sepolia",
)
"""``op-program --help`` of the Go reference (v0.10.14-dev) lists these networks (and two
devnets, base-devnet-0-sepolia-dev-0 and oplabs-devnet-0-sepolia-dev-0, that the registry
snapshot does not hold)."""


def test_every_fixture_chain_is_known() -> None:
    names = {n.name for n in networks()}
    assert set(_chains()) <= names
    assert len(networks()) == len(_all_chains()) == 54


@pytest.mark.parametrize("name", sorted(_all_chains()))
def test_every_registry_chain_is_known_by_its_go_name(name: str) -> None:
    chain = _all_chains()[name]
    net = network_by_name(name)
    assert network_by_name(name.upper()) is net
    assert network_by_chain_id(chain["l2_chain_id"]) is net
    check_fields(chain, net)


@pytest.mark.parametrize("name", [*GO_OP_PROGRAM_NETWORKS, "mainnet", "sepolia",
                                  "worldchain-mainnet", "lisk-mainnet", "unichain-mainnet"])
def test_go_op_program_network_names(name: str) -> None:
    expected = {"mainnet": 10, "sepolia": 11155420}.get(name)
    net = network_by_name(name)
    if expected is not None:
        assert net.chain_id == expected
    else:
        assert net.chain_id == _all_chains()[name]["l2_chain_id"]


@pytest.mark.parametrize(
    "name",
    [
        "op-mainnet",
        "op-sepolia",
        "base",
        "base-sepolia",
        "unichain",
        "unichain-sepolia",
        "ink",
        "ink-sepolia",
        "soneium",
        "worldchain",
        "mode",
        "zora",
        "lisk",
    ],
)
def test_network_matches_registry(name: str) -> None:
    chain = _chains()[name]
    net = network_by_name(name)
    assert network_by_chain_id(chain["l2_chain_id"]) is net
    check_fields(chain, net)
    assert chain["alt_da"] is None and not net.rollup.is_alt_da_enabled()


def check_fields(chain: dict[str, Any], net: Any) -> None:
    """Every field of the network's rollup config equals the registry's."""
    rc = net.rollup
    assert net.display_name == chain["name"]
    assert rc.l1_chain_id == chain["l1_chain_id"]
    assert rc.l2_chain_id == chain["l2_chain_id"]
    g = chain["genesis"]
    assert (
        rc.genesis.l1.hash == _word(g["l1"]["hash"]) and rc.genesis.l1.number == g["l1"]["number"]
    )
    assert (
        rc.genesis.l2.hash == _word(g["l2"]["hash"]) and rc.genesis.l2.number == g["l2"]["number"]
    )
    assert rc.genesis.l2_time == g["l2_time"]
    sc = g["system_config"]
    assert rc.genesis.system_config.batcher_address == _addr(sc["batcherAddress"])
    assert rc.genesis.system_config.overhead == _word(sc["overhead"])
    assert rc.genesis.system_config.scalar == _word(sc["scalar"])
    assert rc.genesis.system_config.gas_limit == sc["gasLimit"]
    assert rc.block_time == chain["block_time"]
    assert rc.max_sequencer_drift == chain["max_sequencer_drift"]
    assert rc.seq_window_size == chain["seq_window_size"]
    assert rc.channel_timeout == chain["channel_timeout"]
    assert rc.granite_channel_timeout == chain["granite_channel_timeout"]
    assert rc.batch_inbox_address == _addr(chain["batch_inbox_address"])
    assert rc.deposit_contract_address == _addr(chain["deposit_contract_address"])
    assert rc.l1_system_config_address == _addr(chain["l1_system_config_address"])
    assert rc.protocol_versions_address == _addr(chain["protocol_versions_address"])
    assert rc.superchain_config_address == _addr(chain["superchain_config_address"])
    for fork in TIMED_FORKS:
        assert rc.hardforks.time_of(fork) == chain["hardforks"].get(fork.time_field), fork
    eip = chain["eip1559"]
    assert rc.base_fee.eip1559_elasticity == eip["eip1559_elasticity"]
    assert rc.base_fee.eip1559_denominator == eip["eip1559_denominator"]
    assert rc.base_fee.eip1559_denominator_canyon == eip["eip1559_denominator_canyon"]
    alt_da = chain.get("alt_da") or {}
    assert rc.da_challenge_address == (_addr(alt_da["da_challenge_contract_address"])
                                       if "da_challenge_contract_address" in alt_da else None)
    assert net.alt_da == (chain.get("data_availability_type") == "alt-da")


def test_parsing_the_registry_entry_directly_gives_the_same_config() -> None:
    chains = _chains()
    assert len(chains) == 13
    for name, chain in chains.items():
        parsed = parse_rollup_config(chain)
        assert parsed == network_by_name(name).rollup, name


def test_executor_fixture_rollup_configs_agree_with_registry() -> None:
    folders = sorted(p for p in fixtures_path("executor").iterdir() if p.is_dir())
    assert len(folders) == 17
    for folder in folders:
        raw = json.loads((folder / "fixture.json").read_text())["rollup_config"]
        rc = parse_rollup_config(raw)
        known = network_by_chain_id(rc.l2_chain_id).rollup
        assert rc.genesis == known.genesis or rc.genesis.l2 == known.genesis.l2, folder.name
        assert rc.batch_inbox_address == known.batch_inbox_address
        assert rc.deposit_contract_address == known.deposit_contract_address
        assert rc.base_fee == known.base_fee
        for fork in TIMED_FORKS:
            t = rc.hardforks.time_of(fork)
            if t is not None:  # fixtures predate later forks; every time they do set agrees
                assert t == known.hardforks.time_of(fork), (folder.name, fork)
