"""The L1 blob base fee copied into the L1-info deposit (pectra-blob-schedule/derivation.md).

Spec: EIP-4844 ``fake_exponential(MIN_BASE_FEE_PER_BLOB_GAS, excess_blob_gas, fraction)`` with
the Cancun fraction, or EIP-7691's Prague fraction, and
https://specs.optimism.io/protocol/pectra-blob-schedule/derivation.html: with a Pectra blob
schedule time set, the Prague fraction applies from L1 origins at or after that time (Cancun
before it); without one, the fraction of the L1 fork active at the origin applies. An L1 block
without blob gas fields gives a blob base fee of 1 (op-node).
"""

MIN_BASE_FEE_PER_BLOB_GAS = 1
BLOB_BASE_FEE_UPDATE_FRACTION_CANCUN = 3_338_477
BLOB_BASE_FEE_UPDATE_FRACTION_PRAGUE = 5_007_716


def fake_exponential(factor: int, numerator: int, denominator: int) -> int:
    """Approximate ``factor * e ** (numerator / denominator)`` (EIP-4844)."""
    i = 1
    output = 0
    accum = factor * denominator
    while accum > 0:
        output += accum
        accum = (accum * numerator) // (denominator * i)
        i += 1
    return output // denominator


def update_fraction(
    l1_origin_time: int, l1_is_prague: bool, pectra_blob_schedule_time: int | None
) -> int:
    """Return the blob base fee update fraction for an L1 origin."""
    if pectra_blob_schedule_time is not None:
        prague = l1_origin_time >= pectra_blob_schedule_time
    else:
        prague = l1_is_prague
    return BLOB_BASE_FEE_UPDATE_FRACTION_PRAGUE if prague else BLOB_BASE_FEE_UPDATE_FRACTION_CANCUN


def blob_base_fee(excess_blob_gas: int | None, fraction: int) -> int:
    """Return the blob base fee for an L1 header's ``excess_blob_gas`` (1 when absent)."""
    if excess_blob_gas is None:
        return 1
    return fake_exponential(MIN_BASE_FEE_PER_BLOB_GAS, excess_blob_gas, fraction)
