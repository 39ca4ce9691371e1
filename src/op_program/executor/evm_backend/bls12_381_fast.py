"""The EIP-2537 BLS12-381 precompiles (0x0b-0x11) with arkworks doing the curve arithmetic.

Spec: EIP-2537 (final, Prague; OP from Isthmus, exec-engine.md). py-evm computes these with
py_ecc in pure Python: a G2 MSM at the Isthmus input limit took ~90 s, a pairing check of a few
pairs seconds (bench/precompiles.py), so a block full of such calls could not be proven in
time. The curve arithmetic here is arkworks (``py_arkworks_bls12381``, already used by
protocol.kzg); every rule EIP-2537 states about the *encoding* is checked here in Python, before
arkworks sees a byte, so arkworks only ever receives canonical, on-curve points:

- a field element is 64 bytes, big-endian, and must be below p (so its top 16 bytes are zero);
- a point is x ‖ y (G2: each coordinate c0 ‖ c1); (0, 0) is the point at infinity, any other
  pair must satisfy the curve equation (y² = x³ + 4, resp. y² = x³ + 4(1 + u));
- MSM and pairing inputs must be in the order-r subgroup (infinity is); ADD does NOT check it;
- an MSM scalar is any 32-byte integer; on a subgroup point ``s·P = (s mod r)·P``;
- outputs are affine x ‖ y in the same encoding, infinity as zeros.

Gas and length rules are py-evm's (its constants and discount tables, which the anvil
differential tests pin against revm). tests/unit/executor/test_bls12_381_fast.py compares every
function with py-evm's on random valid and invalid inputs.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from eth.exceptions import VMError
from eth.precompiles.bls12_381.constants import (
    BLS12_G1_ADD_GAS,
    BLS12_G1_MSM_GAS,
    BLS12_G2_ADD_GAS,
    BLS12_G2_MSM_GAS,
    BLS12_MAP_FP2_G2_GAS,
    BLS12_MAP_FP_G1_GAS,
    G1_MSM_DISCOUNTS,
    G1_MSM_MAX_DISCOUNT,
    G2_MSM_DISCOUNTS,
    G2_MSM_MAX_DISCOUNT,
    MSM_MULTIPLIER,
)
from py_arkworks_bls12381 import GT, G1Point, G2Point, Scalar

P = int("1A0111EA397FE69A4B1BA7B6434BACD764774B84F38512BF"
        "6730D2A0F6B0F6241EABFFFEB153FFFFB9FEFFFFFFFFAAAB", 16)
"""The base field modulus of BLS12-381."""

PAIRING_BASE_GAS = 37_700
PAIRING_PER_PAIR_GAS = 32_600
_FP = 64
_G1 = 2 * _FP
_G2 = 4 * _FP
_SCALAR = 32
_PAIRING_PAIR = _G1 + _G2
_WIDTH = 48
"""Bytes of a field element in arkworks' encoding (EIP-2537 pads each one to 64)."""


def _fp(data: bytes, offset: int) -> int:
    """The field element at ``offset``: 64 big-endian bytes, below p."""
    value = int.from_bytes(data[offset:offset + _FP], "big")
    if value >= P:
        raise VMError("BLS12-381: field element not below p")
    return value


def _ark(values: tuple[int, ...]) -> bytes:
    return b"".join(v.to_bytes(_WIDTH, "big") for v in values)


def _eip(encoded: bytes) -> bytes:
    """Widen arkworks' 48-byte coordinates to EIP-2537's 64-byte ones."""
    pad = bytes(_FP - _WIDTH)
    return b"".join(pad + encoded[i:i + _WIDTH] for i in range(0, len(encoded), _WIDTH))


def _g1(data: bytes, offset: int) -> G1Point:
    """A G1 point on the curve (not necessarily in the subgroup)."""
    x, y = _fp(data, offset), _fp(data, offset + _FP)
    if x == 0 and y == 0:
        return G1Point.identity()
    if (y * y - x * x * x - 4) % P != 0:
        raise VMError("BLS12-381: G1 point not on the curve")
    return G1Point.from_xy_bytes_unchecked_be(_ark((x, y)))


def _g2(data: bytes, offset: int) -> G2Point:
    """A G2 point on the twist (not necessarily in the subgroup)."""
    x0, x1, y0, y1 = (_fp(data, offset + i * _FP) for i in range(4))
    if x0 == 0 and x1 == 0 and y0 == 0 and y1 == 0:
        return G2Point.identity()
    # In F_p[u]/(u² + 1): y² - x³ - 4(1 + u) must be zero.
    xx0, xx1 = (x0 * x0 - x1 * x1) % P, 2 * x0 * x1 % P
    xxx0, xxx1 = (xx0 * x0 - xx1 * x1) % P, (xx0 * x1 + xx1 * x0) % P
    yy0, yy1 = (y0 * y0 - y1 * y1) % P, 2 * y0 * y1 % P
    if (yy0 - xxx0 - 4) % P != 0 or (yy1 - xxx1 - 4) % P != 0:
        raise VMError("BLS12-381: G2 point not on the curve")
    return G2Point.from_xy_bytes_unchecked_be(_ark((x0, x1, y0, y1)))


def _g1_in_subgroup(data: bytes, offset: int) -> G1Point:
    point = _g1(data, offset)
    if not point.is_in_subgroup():
        raise VMError("BLS12-381: G1 point not in the subgroup")
    return point


def _g2_in_subgroup(data: bytes, offset: int) -> G2Point:
    point = _g2(data, offset)
    if not point.is_in_subgroup():
        raise VMError("BLS12-381: G2 point not in the subgroup")
    return point


def _scalar(data: bytes, offset: int) -> Scalar:
    return Scalar.from_be_bytes_mod_order(data[offset:offset + _SCALAR])


def _msm_gas(k: int, base: int, discounts: list[int], max_discount: int) -> int:
    """EIP-2537: ``k * base * discount(k) // 1000`` (the table's last entry beyond it)."""
    discount = discounts[k - 1] if k <= len(discounts) else max_discount
    return k * base * discount // MSM_MULTIPLIER


def _data(computation: Any) -> bytes:
    return bytes(computation.msg.data_as_bytes)


def _fixed_input(computation: Any, name: str, size: int, gas: int) -> bytes:
    """The input of a fixed-size precompile: length checked first, then the fixed gas charged.

    EIP-2537: an input of the wrong length is an error, which consumes all gas of the call.
    """
    data = _data(computation)
    if len(data) != size:
        raise VMError(f"{name}: input is not {size} bytes")
    computation.consume_gas(gas, reason=f"{name} gas")
    return data


def bls12_g1_add(computation: Any) -> Any:
    """0x0b: two G1 points (on the curve, no subgroup check) -> their sum."""
    data = _fixed_input(computation, "BLS12_G1ADD", 2 * _G1, BLS12_G1_ADD_GAS)
    computation.output = _eip((_g1(data, 0) + _g1(data, _G1)).to_xy_bytes_be())
    return computation


def bls12_g2_add(computation: Any) -> Any:
    """0x0d: two G2 points (on the twist, no subgroup check) -> their sum."""
    data = _fixed_input(computation, "BLS12_G2ADD", 2 * _G2, BLS12_G2_ADD_GAS)
    computation.output = _eip((_g2(data, 0) + _g2(data, _G2)).to_xy_bytes_be())
    return computation


@dataclass(frozen=True, slots=True)
class _MsmGroup:
    """What tells the G1 MSM (0x0c) from the G2 one (0x0e); the procedure is the same."""

    name: str
    point_size: int
    point: Callable[[bytes, int], Any]
    """Decode a point at an offset, on the curve and in the order-r subgroup (else VMError)."""
    multiexp: Callable[[list[Any], list[Scalar]], Any]
    base_gas: int
    discounts: list[int]
    max_discount: int


_G1_MSM = _MsmGroup("BLS12_G1MSM", _G1, _g1_in_subgroup, G1Point.multiexp_unchecked,
                    BLS12_G1_MSM_GAS, G1_MSM_DISCOUNTS, G1_MSM_MAX_DISCOUNT)
_G2_MSM = _MsmGroup("BLS12_G2MSM", _G2, _g2_in_subgroup, G2Point.multiexp_unchecked,
                    BLS12_G2_MSM_GAS, G2_MSM_DISCOUNTS, G2_MSM_MAX_DISCOUNT)


def _msm(computation: Any, group: _MsmGroup) -> Any:
    """The MSM: k (point in the subgroup, 32-byte scalar) pairs -> the sum of the products.

    The gas (with EIP-2537's discount for k) is charged before any point is decoded, so a
    large input out of gas costs no curve arithmetic.
    """
    data = _data(computation)
    pair = group.point_size + _SCALAR
    if len(data) == 0 or len(data) % pair:
        raise VMError(f"{group.name}: input is not a positive multiple of {pair} bytes")
    k = len(data) // pair
    computation.consume_gas(_msm_gas(k, group.base_gas, group.discounts, group.max_discount),
                            reason=f"{group.name} gas")
    offsets = range(0, len(data), pair)
    points = [group.point(data, at) for at in offsets]
    scalars = [_scalar(data, at + group.point_size) for at in offsets]
    computation.output = _eip(group.multiexp(points, scalars).to_xy_bytes_be())
    return computation


def bls12_g1_msm(computation: Any) -> Any:
    """0x0c: k (G1 point in the subgroup, 32-byte scalar) pairs -> the sum of the products."""
    return _msm(computation, _G1_MSM)


def bls12_g2_msm(computation: Any) -> Any:
    """0x0e: k (G2 point in the subgroup, 32-byte scalar) pairs -> the sum of the products."""
    return _msm(computation, _G2_MSM)


def bls12_pairing_check(computation: Any) -> Any:
    """0x0f: k (G1, G2) pairs, all in their subgroups -> 1 if the product of pairings is 1."""
    data = _data(computation)
    if len(data) == 0 or len(data) % _PAIRING_PAIR:
        raise VMError("BLS12_PAIRING_CHECK: input is not a positive multiple of 384 bytes")
    k = len(data) // _PAIRING_PAIR
    computation.consume_gas(PAIRING_BASE_GAS + PAIRING_PER_PAIR_GAS * k,
                            reason="BLS12_PAIRING_CHECK gas")
    offsets = range(0, len(data), _PAIRING_PAIR)
    g1s = [_g1_in_subgroup(data, at) for at in offsets]
    g2s = [_g2_in_subgroup(data, at + _G1) for at in offsets]
    computation.output = (1 if GT.pairing_check(g1s, g2s) else 0).to_bytes(32, "big")
    return computation


def bls12_map_fp_to_g1(computation: Any) -> Any:
    """0x10: a field element -> its G1 point (simplified SWU, 11-isogeny, cofactor cleared)."""
    data = _fixed_input(computation, "BLS12_MAP_FP_TO_G1", _FP, BLS12_MAP_FP_G1_GAS)
    point = G1Point.map_from_fp_be(_ark((_fp(data, 0),)))
    computation.output = _eip(point.to_xy_bytes_be())
    return computation


def bls12_map_fp2_to_g2(computation: Any) -> Any:
    """0x11: an F_p² element c0 ‖ c1 -> its G2 point (SWU, 3-isogeny, cofactor cleared)."""
    data = _fixed_input(computation, "BLS12_MAP_FP2_TO_G2", 2 * _FP, BLS12_MAP_FP2_G2_GAS)
    point = G2Point.map_from_fp2_be(_ark((_fp(data, 0), _fp(data, _FP))))
    computation.output = _eip(point.to_xy_bytes_be())
    return computation


PRECOMPILES: dict[bytes, Callable[[Any], Any]] = {
    (0x0B).to_bytes(20, "big"): bls12_g1_add,
    (0x0C).to_bytes(20, "big"): bls12_g1_msm,
    (0x0D).to_bytes(20, "big"): bls12_g2_add,
    (0x0E).to_bytes(20, "big"): bls12_g2_msm,
    (0x0F).to_bytes(20, "big"): bls12_pairing_check,
    (0x10).to_bytes(20, "big"): bls12_map_fp_to_g1,
    (0x11).to_bytes(20, "big"): bls12_map_fp2_to_g2,
}
"""EIP-2537's addresses -> the functions here."""
