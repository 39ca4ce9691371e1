"""OP precompile rules: the accelerator interface and the OP input-size limits.

Spec: fault-proof/index.md#precompile-accelerators (ecrecover, bn256 pairing, KZG point
evaluation and BLS12-381 answered through the oracle, type-6 keys), granite/exec-engine.md
(bn256Pairing input <= 112,687 bytes), isthmus/exec-engine.md#bls-precompiles,
jovian/exec-engine.md#precompile-input-size-restrictions and karst/exec-engine.md (smaller
limits). An input over its
limit makes the call fail and consume all gas given to it. ``PrecompileAccelerator`` is the
Protocol the client backs with the oracle; without one, ``evm_backend`` computes locally.
"""

from dataclasses import dataclass
from typing import Protocol

ECRECOVER = 0x01
BN256_PAIRING = 0x08
KZG_POINT_EVALUATION = 0x0A
BLS12_G1_ADD = 0x0B
BLS12_G1_MSM = 0x0C
BLS12_G2_ADD = 0x0D
BLS12_G2_MSM = 0x0E
BLS12_PAIRING = 0x0F
BLS12_MAP_FP_TO_G1 = 0x10
BLS12_MAP_FP2_TO_G2 = 0x11
ACCELERATABLE = frozenset((
    ECRECOVER, BN256_PAIRING, KZG_POINT_EVALUATION, BLS12_G1_ADD, BLS12_G1_MSM, BLS12_G2_ADD,
    BLS12_G2_MSM, BLS12_PAIRING, BLS12_MAP_FP_TO_G1, BLS12_MAP_FP2_TO_G2,
))

BN256_PAIRING_MAX_GRANITE = 112_687
BN256_PAIRING_MAX_JOVIAN = 81_984
BN256_PAIRING_MAX_KARST = 57_600
BLS_G1_MSM_MAX_ISTHMUS = 513_760
BLS_G1_MSM_MAX_JOVIAN = 288_960
BLS_G2_MSM_MAX_ISTHMUS = 488_448
BLS_G2_MSM_MAX_JOVIAN = 278_784
BLS_PAIRING_MAX_ISTHMUS = 235_008
BLS_PAIRING_MAX_JOVIAN = 156_672


@dataclass(frozen=True, slots=True)
class PrecompileRules:
    """The forks that change the OP precompile set or limits, at the block's timestamp."""

    fjord: bool = False
    granite: bool = False
    isthmus: bool = False
    jovian: bool = False
    karst: bool = False


@dataclass(frozen=True, slots=True)
class PrecompileOutcome:
    """A precompile's result; ``success`` False makes the call fail, consuming its gas."""

    success: bool
    output: bytes


class PrecompileAccelerator(Protocol):
    """Answers heavy precompiles elsewhere (the client: the L1 through type-6 oracle keys)."""

    def accelerates(self, address: int) -> bool:
        """Whether calls to the precompile at ``address`` go through this accelerator."""

    def run(
        self, address: int, data: bytes, required_gas: int, rules: PrecompileRules
    ) -> PrecompileOutcome:
        """Return the outcome for ``data``; ``required_gas`` is what the EVM charged for it."""


def input_limit(address: int, rules: PrecompileRules) -> int | None:
    """The OP input-size limit of the precompile at ``address`` under ``rules`` (None: none)."""
    if address == BN256_PAIRING:
        if rules.karst:
            return BN256_PAIRING_MAX_KARST
        if rules.jovian:
            return BN256_PAIRING_MAX_JOVIAN
        return BN256_PAIRING_MAX_GRANITE if rules.granite else None
    limits = {
        BLS12_G1_MSM: (BLS_G1_MSM_MAX_ISTHMUS, BLS_G1_MSM_MAX_JOVIAN),
        BLS12_G2_MSM: (BLS_G2_MSM_MAX_ISTHMUS, BLS_G2_MSM_MAX_JOVIAN),
        BLS12_PAIRING: (BLS_PAIRING_MAX_ISTHMUS, BLS_PAIRING_MAX_JOVIAN),
    }.get(address)
    if limits is None or not rules.isthmus:
        return None
    return limits[1] if rules.jovian else limits[0]
