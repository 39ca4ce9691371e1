"""Boot info: the program's inputs, read from local preimage keys 1-7 (and 9).

Spec: fault-proof/index.md, "Bootstrapping", "Prologue"; DESIGN §4 (op-program numbering):
1 L1 head, 2 agreed output root, 3 claimed output root, 4 claimed block number (u64 BE),
5 L2 chain id (u64 BE). Chain id 2^64-1 means a custom chain whose L2 chain config and rollup
config are JSON in keys 6 and 7; otherwise the configs come from the known-network registry.
"""

from dataclasses import dataclass

from op_program.client.errors import BootError
from op_program.client.oracle import ClientOracle
from op_program.config.chain_config import ChainConfig, parse_chain_config
from op_program.config.registry import (
    l1_chain_config_by_chain_id,
    l2_chain_config_by_chain_id,
    rollup_config_by_chain_id,
)
from op_program.config.rollup import RollupConfig
from op_program.config.rollup_json import parse_rollup_config
from op_program.errors import ConfigError
from op_program.local_keys import CUSTOM_CHAIN_ID, LocalKey


@dataclass(frozen=True, slots=True)
class BootInfo:
    """Everything the program knows before it reads any chain data."""

    l1_head: bytes
    agreed_output_root: bytes
    claimed_output_root: bytes
    claimed_block_number: int
    l2_chain_id: int
    rollup_config: RollupConfig
    l2_chain_config: ChainConfig
    l1_chain_config: ChainConfig | None


def _hash(oracle: ClientOracle, key: LocalKey) -> bytes:
    value = oracle.local(key)
    if len(value) != 32:
        raise BootError(f"boot input {key.name.lower()} must be 32 bytes, got {len(value)}")
    return value


def _u64(oracle: ClientOracle, key: LocalKey) -> int:
    value = oracle.local(key)
    if len(value) != 8:
        raise BootError(f"boot input {key.name.lower()} must be 8 bytes, got {len(value)}")
    return int.from_bytes(value, "big")


def _l1_config(oracle: ClientOracle, l1_chain_id: int, custom: bool) -> ChainConfig | None:
    try:
        return l1_chain_config_by_chain_id(l1_chain_id)
    except ConfigError:
        if not custom:
            return None
    # A custom chain on an unknown L1 carries the L1 chain config in local key 9.
    try:
        return parse_chain_config(oracle.local(LocalKey.L1_CHAIN_CONFIG))
    except ConfigError as exc:
        raise BootError(f"invalid L1 chain config (local key 9): {exc}") from exc


def load_boot_info(oracle: ClientOracle) -> BootInfo:
    """Read the boot inputs and resolve the chain configs.

    Raises:
        BootError: a malformed input, an unknown chain id, or invalid custom config JSON.
    """
    l1_head = _hash(oracle, LocalKey.L1_HEAD)
    agreed = _hash(oracle, LocalKey.AGREED_OUTPUT_ROOT)
    claimed = _hash(oracle, LocalKey.CLAIMED_OUTPUT_ROOT)
    claimed_number = _u64(oracle, LocalKey.CLAIMED_BLOCK_NUMBER)
    chain_id = _u64(oracle, LocalKey.L2_CHAIN_ID)
    try:
        if chain_id == CUSTOM_CHAIN_ID:
            l2_config = parse_chain_config(oracle.local(LocalKey.L2_CHAIN_CONFIG))
            rollup = parse_rollup_config(oracle.local(LocalKey.ROLLUP_CONFIG))
        else:
            rollup = rollup_config_by_chain_id(chain_id)
            l2_config = l2_chain_config_by_chain_id(chain_id)
    except ConfigError as exc:
        raise BootError(f"cannot load the chain config of chain id {chain_id}: {exc}") from exc
    l1_config = _l1_config(oracle, rollup.l1_chain_id, custom=chain_id == CUSTOM_CHAIN_ID)
    return BootInfo(
        l1_head=l1_head,
        agreed_output_root=agreed,
        claimed_output_root=claimed,
        claimed_block_number=claimed_number,
        l2_chain_id=chain_id,
        rollup_config=rollup,
        l2_chain_config=l2_config,
        l1_chain_config=l1_config,
    )
