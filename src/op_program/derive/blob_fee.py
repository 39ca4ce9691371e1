"""L1 blob base fee for the L1-info deposit: the L1 fork's blob schedule, with OP's override.

Spec: ecotone/l1-attributes.md (blob base fee), pectra-blob-schedule/derivation.md (Cancun's
update fraction until the optional fork when L1 is already on Prague); EIP-4844
``fake_exponential``; EIP-7691 (Prague), EIP-7892 (blob-parameter-only forks). Matches kona's
choice: a scheduled BPO entry, else Osaka, else Prague (unless the Pectra blob schedule fork is
configured and not yet active at the L1 block), else Cancun.
"""

from __future__ import annotations

from op_program.config.chain_config import CANCUN_BLOBS, PRAGUE_BLOBS, BlobParams, ChainConfig
from op_program.config.rollup import RollupConfig
from op_program.protocol.header import Header

MIN_BLOB_BASE_FEE = 1


def fake_exponential(factor: int, numerator: int, denominator: int) -> int:
    """EIP-4844's integer approximation of ``factor * e ** (numerator / denominator)``."""
    i, output, accum = 1, 0, factor * denominator
    while accum > 0:
        output += accum
        accum = (accum * numerator) // (denominator * i)
        i += 1
    return output // denominator


def _scheduled(l1: ChainConfig, name: str, default: BlobParams) -> BlobParams:
    return dict(l1.blob_schedule).get(name, default)


def blob_params(rollup: RollupConfig, l1: ChainConfig, timestamp: int) -> BlobParams:
    """The blob parameters that price blobs in the L1 block at ``timestamp``."""
    bpo: tuple[int, BlobParams] | None = None
    for name, params in l1.blob_schedule:
        time = l1.fork_time(f"{name}Time")
        if name.startswith("bpo") and time is not None and time <= timestamp:
            if bpo is None or time >= bpo[0]:
                bpo = (time, params)
    if bpo is not None:
        return bpo[1]
    if l1.is_time_fork("osakaTime", timestamp):
        return _scheduled(l1, "osaka", PRAGUE_BLOBS)
    pectra_fix = rollup.hardforks.pectra_blob_schedule_time
    if l1.is_time_fork("pragueTime", timestamp) and (
        pectra_fix is None or rollup.is_pectra_blob_schedule(timestamp)
    ):
        return _scheduled(l1, "prague", PRAGUE_BLOBS)
    return _scheduled(l1, "cancun", CANCUN_BLOBS)


def blob_base_fee(rollup: RollupConfig, l1: ChainConfig, header: Header) -> int:
    """The blob base fee of an L1 block (1 when the header has no excess blob gas)."""
    if header.excess_blob_gas is None:
        return MIN_BLOB_BASE_FEE
    params = blob_params(rollup, l1, header.timestamp)
    return fake_exponential(
        MIN_BLOB_BASE_FEE, header.excess_blob_gas, params.base_fee_update_fraction
    )
