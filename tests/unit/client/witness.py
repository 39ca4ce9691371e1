"""The real fpp witness (op-sepolia-16491249) served by dict-backed test oracles."""

import gzip
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from op_program.client.blobs import OracleBlobSource
from op_program.client.l1 import OracleL1Source
from op_program.client.l2 import OracleL2Source
from op_program.client.oracle import ClientOracle
from op_program.config.registry import l1_chain_config_by_chain_id, rollup_config_by_chain_id
from op_program.config.rollup import RollupConfig
from op_program.derive.attributes_builder import UpgradeTransactions
from op_program.derive.pipeline import DerivationPipeline
from op_program.preimage.keys import local_key
from tests.fixture_paths import fixtures_path

WITNESS = ("fpp", "op-sepolia-16491249")


@lru_cache(maxsize=1)
def _load(folder: str) -> tuple[dict[bytes, bytes], dict[str, Any]]:
    path = Path(folder)
    with gzip.open(path / "preimages.json.gz", "rt") as fh:
        raw = json.load(fh)
    table = {bytes.fromhex(k[2:]): bytes.fromhex(v[2:]) for k, v in raw.items()}
    boot = json.loads((path / "boot.json").read_text())
    return table, boot


def witness() -> tuple[dict[bytes, bytes], dict[str, Any]]:
    """Return (preimages by key, boot.json) of the real witness, or skip the test."""
    folder = fixtures_path(*WITNESS)
    return _load(str(folder))


def boot_preimages(boot: dict[str, Any], **overrides: Any) -> dict[bytes, bytes]:
    """Return the local keys 1-5 of ``boot`` (with overrides by boot.json field name)."""
    values = {**boot, **overrides}
    return {
        local_key(1): bytes.fromhex(values["l1_head"][2:]),
        local_key(2): bytes.fromhex(values["agreed_l2_output_root"][2:]),
        local_key(3): bytes.fromhex(values["claimed_l2_output_root"][2:]),
        local_key(4): int(values["claimed_l2_block_number"]).to_bytes(8, "big"),
        local_key(5): int(values["l2_chain_id"]).to_bytes(8, "big"),
    }


@dataclass
class DictOracle:
    """A preimage oracle and hint writer over dicts; records every request and hint."""

    table: dict[bytes, bytes]
    overlay: dict[bytes, bytes] = field(default_factory=dict)
    removed: frozenset[bytes] = frozenset()
    requests: list[bytes] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)

    def get(self, key: bytes) -> bytes:
        self.requests.append(key)
        if key in self.removed:
            raise KeyError(f"0x{key.hex()}")
        if key in self.overlay:
            return self.overlay[key]
        return self.table[key]

    def hint(self, hint: str) -> None:
        self.hints.append(hint)


def witness_oracle(**boot_overrides: Any) -> DictOracle:
    """Return a DictOracle of the real witness plus boot local keys."""
    table, boot = witness()
    return DictOracle(table, overlay=boot_preimages(boot, **boot_overrides))


def flip_bit(root: str, bit: int) -> str:
    """Return the 0x-hex 32-byte ``root`` with bit ``bit`` (0 = lowest of byte 0) flipped."""
    value = bytearray(bytes.fromhex(root[2:]))
    value[bit // 8] ^= 1 << (bit % 8)
    return "0x" + value.hex()


@dataclass(frozen=True)
class WitnessPipeline:
    """A derivation pipeline over the witness, with the client sources it reads through."""

    pipeline: DerivationPipeline
    rollup: RollupConfig
    l1: OracleL1Source
    l2: OracleL2Source


def witness_pipeline(raw: DictOracle, upgrades: UpgradeTransactions) -> WitnessPipeline:
    """Return the pipeline of the witness's chain from its L1 head and agreed L2 head."""
    _, boot = witness()
    oracle = ClientOracle(raw, raw)
    rollup = rollup_config_by_chain_id(int(boot["l2_chain_id"]))
    l1 = OracleL1Source(oracle, bytes.fromhex(boot["l1_head"][2:]))
    l2 = OracleL2Source(oracle, bytes.fromhex(boot["agreed_l2_head_hash"][2:]))
    l1_config = l1_chain_config_by_chain_id(rollup.l1_chain_id)
    pipeline = DerivationPipeline(rollup, l1_config, l1, OracleBlobSource(oracle), l2, upgrades)
    return WitnessPipeline(pipeline, rollup, l1, l2)
