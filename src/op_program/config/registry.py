"""Registry of known networks: rollup, L2 chain and L1 chain configs by name or chain id.

Spec: specs/fault-proof/index.md (the L2 chain id local key selects a known chain; 2^64-1 means a
custom chain whose configs come from local keys 6, 7 and 9). Network parameters are facts from the
superchain registry, carried in ``networks.json`` and checked by
tests/conformance/test_config_registry.py against tests/fixtures/chains/rollup_configs.json.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from op_program.config import json_fields as jf
from op_program.config.chain_config import (
    BLOCK_FORKS,
    CANCUN_BLOBS,
    PRAGUE_BLOBS,
    BlobParams,
    ChainConfig,
    l2_chain_config_from_rollup,
)
from op_program.config.rollup import RollupConfig
from op_program.config.rollup_json import parse_rollup_config
from op_program.errors import ConfigError

BPO1_BLOBS = BlobParams(target=10, max=15, base_fee_update_fraction=8_346_193)
BPO2_BLOBS = BlobParams(target=14, max=21, base_fee_update_fraction=11_684_671)
_BLOB_SCHEDULE = (
    ("cancun", CANCUN_BLOBS),
    ("prague", PRAGUE_BLOBS),
    ("osaka", PRAGUE_BLOBS),
    ("bpo1", BPO1_BLOBS),
    ("bpo2", BPO2_BLOBS),
)
_PRE_MERGE = tuple(
    (name, 0)
    for name in BLOCK_FORKS[: BLOCK_FORKS.index("londonBlock") + 1]
    if name != "muirGlacierBlock"
)
"""Ethereum's block-numbered forks through London, all at block 0 (taken from BLOCK_FORKS)."""

# L1 chains: only the timestamped forks and blob schedule matter to the program (EIP-7840,
# EIP-7892 activation times of Ethereum mainnet and Sepolia).
L1_MAINNET = ChainConfig(
    chain_id=1,
    block_forks=_PRE_MERGE,
    time_forks=(
        ("shanghaiTime", 1_681_338_455),
        ("cancunTime", 1_710_338_135),
        ("pragueTime", 1_746_612_311),
        ("osakaTime", 1_764_798_551),
        ("bpo1Time", 1_765_290_071),
        ("bpo2Time", 1_767_747_671),
    ),
    blob_schedule=_BLOB_SCHEDULE,
)
L1_SEPOLIA = ChainConfig(
    chain_id=11_155_111,
    block_forks=_PRE_MERGE,
    time_forks=(
        ("shanghaiTime", 1_677_557_088),
        ("cancunTime", 1_706_655_072),
        ("pragueTime", 1_741_159_776),
        ("osakaTime", 1_760_427_360),
        ("bpo1Time", 1_761_017_184),
        ("bpo2Time", 1_761_607_008),
    ),
    blob_schedule=_BLOB_SCHEDULE,
)
_L1_CHAINS = {1: L1_MAINNET, 11_155_111: L1_SEPOLIA}


@dataclass(frozen=True, slots=True)
class Network:
    """A known L2 network: its names and configs."""

    name: str
    display_name: str
    superchain: str
    aliases: tuple[str, ...]
    rollup: RollupConfig
    alt_da: bool = False
    """The registry marks the chain ``data_availability_type = "alt-da"``: its batcher data are
    commitments this program cannot read, so the host refuses it (derivation would differ)."""

    @property
    def chain_id(self) -> int:
        """The L2 chain id."""
        return self.rollup.l2_chain_id

    @property
    def l2_chain_config(self) -> ChainConfig:
        """The op-geth chain config, built from the rollup config."""
        return l2_chain_config_from_rollup(self.rollup, self.rollup.genesis.l2.number)


@cache
def networks() -> tuple[Network, ...]:
    """Every known network, in registry order."""
    text = resources.files("op_program.config").joinpath("networks.json").read_text("utf-8")
    data = jf.as_object(json.loads(text), "networks.json")
    result = []
    for entry in data["networks"]:
        obj = jf.as_object(entry, "network")
        result.append(
            Network(
                name=str(obj["name"]),
                display_name=str(obj["display_name"]),
                superchain=str(obj["superchain"]),
                aliases=tuple(str(a) for a in obj["aliases"]),
                rollup=parse_rollup_config(obj["rollup"]),
                alt_da=obj.get("data_availability_type") == "alt-da",
            )
        )
    return tuple(result)


def network_by_name(name: str) -> Network:
    """The known network called ``name`` (or one of its aliases), case-insensitive.

    Raises:
        ConfigError: no such network.
    """
    wanted = name.strip().lower()
    for network in networks():
        if wanted == network.name or wanted in network.aliases:
            return network
    known = ", ".join(n.name for n in networks())
    raise ConfigError(f"unknown network {name!r} (known: {known})")


def network_by_chain_id(chain_id: int) -> Network:
    """The known network with L2 chain id ``chain_id``.

    Raises:
        ConfigError: no known network has that chain id.
    """
    for network in networks():
        if network.chain_id == chain_id:
            return network
    raise ConfigError(f"no known network with L2 chain id {chain_id}")


def rollup_config_by_chain_id(chain_id: int) -> RollupConfig:
    """The rollup config of the known network with L2 chain id ``chain_id``."""
    return network_by_chain_id(chain_id).rollup


def l2_chain_config_by_chain_id(chain_id: int) -> ChainConfig:
    """The op-geth chain config of the known network with L2 chain id ``chain_id``."""
    return network_by_chain_id(chain_id).l2_chain_config


def l1_chain_config_by_chain_id(chain_id: int) -> ChainConfig:
    """The L1 chain config (forks, blob schedule) of a known L1: Ethereum mainnet or Sepolia.

    Raises:
        ConfigError: unknown L1 chain id.
    """
    config = _L1_CHAINS.get(chain_id)
    if config is None:
        raise ConfigError(f"no known L1 chain config for chain id {chain_id}")
    return config
