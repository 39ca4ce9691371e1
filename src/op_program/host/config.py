"""The validated host configuration: boot inputs, chain configs, stores, sources, run mode.

Spec: fault-proof/index.md, "Bootstrapping" (the local keys the host serves) and DESIGN §8
(the reference op-program host's flags and their validation rules). Built by the CLI from flags
and environment variables; everything downstream trusts it.
"""

import json
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from op_program.config.chain_config import parse_chain_config
from op_program.config.rollup import RollupConfig
from op_program.config.rollup_json import parse_rollup_config
from op_program.errors import ConfigError
from op_program.host.dialect import ClientDialect
from op_program.host.errors import HostConfigError
from op_program.host.kvstore.base import DataFormat
from op_program.host.rpc.jsonrpc import DEFAULT_DEADLINE, DEFAULT_MAX_RESPONSE_BYTES
from op_program.local_keys import CUSTOM_CHAIN_ID


class RPCKind(StrEnum):
    """The L1 RPC provider kind (``--l1.rpckind``); it picks the receipts-fetching methods."""

    ALCHEMY = "alchemy"
    QUICKNODE = "quicknode"
    INFURA = "infura"
    PARITY = "parity"
    NETHERMIND = "nethermind"
    DEBUG_GETH = "debug_geth"
    ERIGON = "erigon"
    BASIC = "basic"
    ANY = "any"
    STANDARD = "standard"


@dataclass(frozen=True, slots=True)
class ChainSetup:
    """The chain the proof is about and the config JSON served to the client for custom chains.

    For a known network the client resolves its configs from ``l2_chain_id``; for a custom chain
    the host serves chain id 2**64-1 and the JSON documents in local keys 6, 7 and 9.
    """

    rollup: RollupConfig
    l2_chain_id: int
    custom: bool = False
    l2_chain_config_json: bytes | None = None
    rollup_config_json: bytes | None = None
    l1_chain_config_json: bytes | None = None

    @property
    def served_chain_id(self) -> int:
        """The value of local key 5."""
        return CUSTOM_CHAIN_ID if self.custom else self.l2_chain_id


@dataclass(frozen=True, slots=True)
class HostConfig:
    """Everything one host run needs; construct with :meth:`checked`."""

    chain: ChainSetup
    l1_head: bytes
    l2_head: bytes
    l2_output_root: bytes
    l2_claim: bytes
    l2_claim_block_number: int
    datadir: Path | None = None
    data_format: DataFormat = DataFormat.DIRECTORY
    l1_url: str | None = None
    l1_beacon_url: str | None = None
    l1_trust_rpc: bool = False
    l1_rpc_kind: RPCKind = RPCKind.STANDARD
    l2_url: str | None = None
    l2_experimental_url: str | None = None
    exec_cmd: str | None = None
    server_mode: bool = False
    rpc_deadline: float = DEFAULT_DEADLINE
    """Seconds one RPC request may take, connect to last byte (``HttpLimits.deadline``)."""
    rpc_max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    """Largest decoded RPC reply accepted (``HttpLimits.max_response_bytes``)."""
    dialect: ClientDialect = ClientDialect.OP_PROGRAM

    @property
    def fetching_enabled(self) -> bool:
        """Whether hints fetch from nodes (the reference needs L1, L2 and beacon URLs)."""
        return bool(self.l1_url and self.l2_url and self.l1_beacon_url)

    def check(self) -> "HostConfig":
        """Return self after applying the reference host's consistency rules.

        Raises:
            HostConfigError: the first rule that fails, as a one-line message.
        """
        for name, value in (("l1.head", self.l1_head), ("l2.head", self.l2_head),
                            ("l2.outputroot", self.l2_output_root)):
            if len(value) != 32 or not any(value):
                raise HostConfigError(f"invalid {name}: must be a non-zero 32-byte hash")
        if len(self.l2_claim) != 32:
            raise HostConfigError("invalid l2.claim: must be a 32-byte hash")
        if not self.rpc_deadline > 0 or self.rpc_max_response_bytes <= 0:
            raise HostConfigError("RPC deadline and response size cap must be positive")
        if not 0 < self.l2_claim_block_number < 2**64:
            raise HostConfigError("invalid l2.blocknumber: must be a positive u64")
        if bool(self.l1_url) != bool(self.l2_url):
            raise HostConfigError("l1 and l2 options must be specified together or both omitted")
        if not self.fetching_enabled and self.datadir is None:
            raise HostConfigError("datadir must be specified when in non-fetching mode")
        if self.server_mode and self.exec_cmd:
            raise HostConfigError("exec command must not be set when in server mode")
        return self


def load_custom_chain(rollup_path: Path, genesis_path: Path,
                      l1_config_path: Path | None = None) -> ChainSetup:
    """Load a custom chain from an op-node ``rollup.json`` and an op-geth genesis file.

    Raises:
        HostConfigError: a file is missing or is not a valid config.
    """
    rollup_json = _read_json(rollup_path, "rollup config")
    genesis = _read_json(genesis_path, "l2 genesis")
    config_obj = genesis.get("config") if isinstance(genesis, dict) else None
    if not isinstance(config_obj, dict):
        raise HostConfigError(f"invalid genesis {genesis_path}: no 'config' object")
    try:
        rollup = parse_rollup_config(rollup_json)
        parse_chain_config(config_obj)
    except ConfigError as exc:
        raise HostConfigError(f"invalid custom chain config: {exc}") from exc
    l1_json = None
    if l1_config_path is not None:
        l1_obj = _read_json(l1_config_path, "l1 chain config")
        l1_obj = l1_obj.get("config", l1_obj) if isinstance(l1_obj, dict) else l1_obj
        try:
            parse_chain_config(l1_obj)
        except ConfigError as exc:
            raise HostConfigError(f"invalid l1 chain config: {exc}") from exc
        l1_json = _compact(l1_obj)
    return ChainSetup(
        rollup=rollup,
        l2_chain_id=rollup.l2_chain_id,
        custom=True,
        l2_chain_config_json=_compact(config_obj),
        rollup_config_json=_compact(rollup_json),
        l1_chain_config_json=l1_json,
    )


def _read_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_bytes())
    except OSError as exc:
        raise HostConfigError(f"cannot read {what} {path}: {exc.strerror}") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise HostConfigError(f"invalid {what} {path}: not JSON ({exc})") from exc


def _compact(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()
