"""Chain configs: the L2 execution chain config (op-geth genesis ``config``) and the L1 one.

Spec: specs/protocol/exec-engine.md (EIP-1559 params per chain), specs/fault-proof/index.md
(local keys 6 and 9 carry these as JSON for custom chains). The L2 config ties Ethereum forks to
OP forks (Shanghai = Canyon, Cancun = Ecotone, Prague = Isthmus). The L1 config gives the blob
schedule the L1-info deposit needs to price blobs (EIP-4844, EIP-7691, EIP-7892 BPO forks).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from op_program.config import json_fields as jf
from op_program.config.rollup import BaseFeeConfig, RollupConfig
from op_program.errors import ConfigError

BLOCK_FORKS = (
    "homesteadBlock",
    "eip150Block",
    "eip155Block",
    "eip158Block",
    "byzantiumBlock",
    "constantinopleBlock",
    "petersburgBlock",
    "istanbulBlock",
    "muirGlacierBlock",
    "berlinBlock",
    "londonBlock",
    "arrowGlacierBlock",
    "grayGlacierBlock",
    "mergeNetsplitBlock",
    "bedrockBlock",
)
TIME_FORKS = (
    "shanghaiTime",
    "cancunTime",
    "pragueTime",
    "osakaTime",
    "regolithTime",
    "canyonTime",
    "deltaTime",
    "ecotoneTime",
    "fjordTime",
    "graniteTime",
    "holoceneTime",
    "pectraBlobScheduleTime",
    "isthmusTime",
    "jovianTime",
    "karstTime",
    "interopTime",
)


@dataclass(frozen=True, slots=True)
class BlobParams:
    """One blob schedule entry (EIP-7840): target and max blobs, base fee update fraction."""

    target: int
    max: int
    base_fee_update_fraction: int


CANCUN_BLOBS = BlobParams(target=3, max=6, base_fee_update_fraction=3_338_477)
"""EIP-4844's blob parameters (Cancun's default when a chain config has no blob schedule)."""
PRAGUE_BLOBS = BlobParams(target=6, max=9, base_fee_update_fraction=5_007_716)
"""EIP-7691's blob parameters (Prague's default, and Osaka's)."""


@dataclass(frozen=True, slots=True)
class ChainConfig:
    """A geth-style chain config: fork blocks and times, and OP's EIP-1559 parameters.

    ``block_forks``/``time_forks`` map the JSON field name to its value, in a fixed order.
    """

    chain_id: int
    block_forks: tuple[tuple[str, int], ...]
    time_forks: tuple[tuple[str, int], ...]
    optimism: BaseFeeConfig | None = None
    blob_schedule: tuple[tuple[str, BlobParams], ...] = ()

    def fork_block(self, name: str) -> int | None:
        """Activation block of a block-numbered fork (JSON field name), or None."""
        return dict(self.block_forks).get(name)

    def fork_time(self, name: str) -> int | None:
        """Activation time of a timestamped fork (JSON field name), or None."""
        return dict(self.time_forks).get(name)

    def is_time_fork(self, name: str, timestamp: int) -> bool:
        """Whether the timestamped fork ``name`` (e.g. ``"pragueTime"``) is active."""
        time = self.fork_time(name)
        return time is not None and timestamp >= time

    def is_block_fork(self, name: str, number: int) -> bool:
        """Whether the block-numbered fork ``name`` (e.g. ``"londonBlock"``) is active."""
        block = self.fork_block(name)
        return block is not None and number >= block

    def blob_params_at(self, timestamp: int) -> BlobParams | None:
        """The blob parameters in force at an L1 ``timestamp`` (latest scheduled fork)."""
        best: tuple[int, BlobParams] | None = None
        for name, params in self.blob_schedule:
            time = self.fork_time(f"{name}Time")
            if time is not None and timestamp >= time and (best is None or time >= best[0]):
                best = (time, params)
        return None if best is None else best[1]


def parse_chain_config(data: bytes | str | Mapping[str, Any]) -> ChainConfig:
    """Parse an op-geth/geth chain config (the genesis ``config`` object, or a whole genesis).

    Raises:
        ConfigError: malformed JSON or a mistyped field.
    """
    if isinstance(data, (bytes, str)):
        try:
            data = json.loads(data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ConfigError(f"chain config is not valid JSON: {exc}") from None
    obj = jf.as_object(data, "chain config")
    if "config" in obj and "chainId" not in obj:
        obj = jf.as_object(obj["config"], "config")
    blocks = tuple((n, v) for n in BLOCK_FORKS if (v := jf.opt_int(obj, n)) is not None)
    extra_times = sorted(k for k in obj if k.endswith("Time") and k not in TIME_FORKS)
    times = tuple(
        (n, v) for n in (*TIME_FORKS, *extra_times) if (v := jf.opt_int(obj, n)) is not None
    )
    optimism = None
    if (op := jf.get(obj, "optimism")) is not None:
        op_obj = jf.as_object(op, "optimism")
        denominator = jf.req_int(op_obj, "eip1559Denominator")
        optimism = BaseFeeConfig(
            eip1559_elasticity=jf.req_int(op_obj, "eip1559Elasticity"),
            eip1559_denominator=denominator,
            eip1559_denominator_canyon=jf.opt_int(op_obj, "eip1559DenominatorCanyon")
            or denominator,
        )
    schedule: list[tuple[str, BlobParams]] = []
    if (raw_schedule := jf.get(obj, "blobSchedule")) is not None:
        for name, entry in sorted(jf.as_object(raw_schedule, "blobSchedule").items()):
            entry_obj = jf.as_object(entry, f"blobSchedule.{name}")
            schedule.append(
                (
                    name,
                    BlobParams(
                        target=jf.req_int(entry_obj, "target"),
                        max=jf.req_int(entry_obj, "max"),
                        base_fee_update_fraction=jf.req_int(entry_obj, "baseFeeUpdateFraction"),
                    ),
                )
            )
    return ChainConfig(
        chain_id=jf.req_int(obj, "chainId"),
        block_forks=blocks,
        time_forks=times,
        optimism=optimism,
        blob_schedule=tuple(schedule),
    )


def l2_chain_config_from_rollup(rollup: RollupConfig, bedrock_block: int = 0) -> ChainConfig:
    """The op-geth chain config of a known network, built from its rollup config.

    All pre-merge forks are active at block 0 and Ethereum's timestamped forks follow their OP
    counterparts (op-geth ``LoadOPStackChainConfig``).
    """
    pre_merge = tuple((name, 0) for name in BLOCK_FORKS if name != "bedrockBlock")
    hf = rollup.hardforks
    op_times = {
        "regolithTime": hf.regolith_time,
        "canyonTime": hf.canyon_time,
        "deltaTime": hf.delta_time,
        "ecotoneTime": hf.ecotone_time,
        "fjordTime": hf.fjord_time,
        "graniteTime": hf.granite_time,
        "holoceneTime": hf.holocene_time,
        "pectraBlobScheduleTime": hf.pectra_blob_schedule_time,
        "isthmusTime": hf.isthmus_time,
        "jovianTime": hf.jovian_time,
        "karstTime": hf.karst_time,
        "interopTime": hf.interop_time,
    }
    eth_times = {
        "shanghaiTime": hf.canyon_time,
        "cancunTime": hf.ecotone_time,
        "pragueTime": hf.isthmus_time,
    }
    merged = {**eth_times, **op_times}
    times = tuple((n, t) for n in TIME_FORKS if (t := merged.get(n)) is not None)
    return ChainConfig(
        chain_id=rollup.l2_chain_id,
        block_forks=(*pre_merge, ("bedrockBlock", bedrock_block)),
        time_forks=times,
        optimism=rollup.base_fee,
    )
