"""bls12_381_fast (arkworks) against py-evm's EIP-2537 precompiles (py_ecc), differentially.

Each example builds an input from points of every kind EIP-2537 distinguishes: in the
subgroup, infinity, on the curve but outside the subgroup, off the curve, a coordinate >= p
(including set top padding bits), and compares success, output and the gas charged with py-evm's
own function on the same input. py_ecc is slow (a pairing is ~1 s), so example counts are small;
the fixed cases cover each rule at least once regardless of what hypothesis draws.
"""

from typing import Any

import pytest
from eth.precompiles.bls12_381 import bls12_381_g1, bls12_381_g2, bls12_381_pairing
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from py_ecc import optimized_bls12_381

from op_program.executor.evm_backend import bls12_381_fast as fast
from tests.integration.precompile_inputs import (
    BLS_P,
    BLS_R,
    G1_INF,
    G2_INF,
    bls_g1_off_curve,
    bls_g1_outside_subgroup,
    bls_g2_off_curve,
    bls_g2_outside_subgroup,
)
from tests.unit.executor.precompile_outcome import Precompile, outcome

bls: Any = optimized_bls12_381


def enc_g1(point: Any) -> bytes:
    if bls.is_inf(point):
        return G1_INF
    x, y = bls.normalize(point)
    return int(x).to_bytes(64, "big") + int(y).to_bytes(64, "big")


def enc_g2(point: Any) -> bytes:
    if bls.is_inf(point):
        return G2_INF
    x, y = bls.normalize(point)
    return b"".join(int(c).to_bytes(64, "big") for c in (*x.coeffs, *y.coeffs))


def dec_g1(data: bytes) -> Any:
    return (bls.FQ(int.from_bytes(data[:64], "big")), bls.FQ(int.from_bytes(data[64:], "big")),
            bls.FQ.one())


def dec_g2(data: bytes) -> Any:
    c = [int.from_bytes(data[i:i + 64], "big") for i in range(0, 256, 64)]
    return bls.FQ2(c[:2]), bls.FQ2(c[2:]), bls.FQ2.one()


G1_OUTSIDE = dec_g1(bls_g1_outside_subgroup())
G2_OUTSIDE = dec_g2(bls_g2_outside_subgroup())
scalars = st.integers(min_value=0, max_value=2**256 - 1)


def _bad_field(point: bytes, index: int, excess: int) -> bytes:
    """``point`` with its ``index``-th 64-byte coordinate replaced by ``p + excess`` (>= p)."""
    value = (BLS_P + excess) % 2**512
    return point[:64 * index] + value.to_bytes(64, "big") + point[64 * (index + 1):]


def g1_points(subgroup_only: bool = False) -> st.SearchStrategy[bytes]:
    inside = st.builds(lambda k: enc_g1(bls.multiply(bls.G1, k)), st.integers(1, BLS_R - 1))
    if subgroup_only:
        return inside | st.just(G1_INF)
    outside = st.builds(lambda k: enc_g1(bls.multiply(G1_OUTSIDE, k)), st.integers(1, 2**64))
    base = inside | outside | st.just(G1_INF)
    off = st.just(bls_g1_off_curve()) | st.binary(min_size=128, max_size=128)
    too_big = st.builds(_bad_field, base, st.integers(0, 1), st.integers(0, 2**512 - BLS_P - 1)
                        | st.integers(0, 3))
    return st.one_of(inside, outside, st.just(G1_INF), off, too_big)


def g2_points(subgroup_only: bool = False) -> st.SearchStrategy[bytes]:
    inside = st.builds(lambda k: enc_g2(bls.multiply(bls.G2, k)), st.integers(1, BLS_R - 1))
    if subgroup_only:
        return inside | st.just(G2_INF)
    outside = st.builds(lambda k: enc_g2(bls.multiply(G2_OUTSIDE, k)), st.integers(1, 2**16))
    base = inside | outside | st.just(G2_INF)
    off = st.just(bls_g2_off_curve()) | st.binary(min_size=256, max_size=256)
    too_big = st.builds(_bad_field, base, st.integers(0, 3), st.integers(0, 2**512 - BLS_P - 1)
                        | st.integers(0, 3))
    return st.one_of(inside, outside, st.just(G2_INF), off, too_big)


def fields() -> st.SearchStrategy[bytes]:
    return st.one_of(st.integers(0, BLS_P - 1), st.integers(BLS_P, 2**512 - 1),
                     st.sampled_from([0, 1, BLS_P - 1, BLS_P])).map(lambda v: v.to_bytes(64, "big"))


def assert_same(reference: Precompile, ours: Precompile, data: bytes) -> None:
    assert outcome(ours, data) == outcome(reference, data)


SLOW = settings(max_examples=12, suppress_health_check=[HealthCheck.too_slow], deadline=None)
FAST = settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)


@FAST
@given(g1_points(), g1_points(), st.integers(-1, 1))
def test_g1_add(a: bytes, b: bytes, cut: int) -> None:
    assert_same(bls12_381_g1.bls12_g1_add, fast.bls12_g1_add, (a + b)[:256 + cut])


@FAST
@given(g2_points(), g2_points())
def test_g2_add(a: bytes, b: bytes) -> None:
    assert_same(bls12_381_g2.bls12_g2_add, fast.bls12_g2_add, a + b)


@SLOW
@given(st.lists(st.tuples(g1_points(), scalars), min_size=0, max_size=3))
def test_g1_msm(pairs: list[tuple[bytes, int]]) -> None:
    data = b"".join(p + s.to_bytes(32, "big") for p, s in pairs)
    assert_same(bls12_381_g1.bls12_g1_msm, fast.bls12_g1_msm, data)


@SLOW
@given(st.lists(st.tuples(g1_points(subgroup_only=True), scalars), min_size=1, max_size=3))
def test_g1_msm_valid(pairs: list[tuple[bytes, int]]) -> None:
    data = b"".join(p + s.to_bytes(32, "big") for p, s in pairs)
    assert outcome(fast.bls12_g1_msm, data)[0]
    assert_same(bls12_381_g1.bls12_g1_msm, fast.bls12_g1_msm, data)


@SLOW
@given(st.lists(st.tuples(g2_points(), scalars), min_size=1, max_size=2))
def test_g2_msm(pairs: list[tuple[bytes, int]]) -> None:
    data = b"".join(p + s.to_bytes(32, "big") for p, s in pairs)
    assert_same(bls12_381_g2.bls12_g2_msm, fast.bls12_g2_msm, data)


@SLOW
@given(st.lists(st.tuples(g2_points(subgroup_only=True), scalars), min_size=1, max_size=2))
def test_g2_msm_valid(pairs: list[tuple[bytes, int]]) -> None:
    data = b"".join(p + s.to_bytes(32, "big") for p, s in pairs)
    assert outcome(fast.bls12_g2_msm, data)[0]
    assert_same(bls12_381_g2.bls12_g2_msm, fast.bls12_g2_msm, data)


@SLOW
@given(st.lists(st.tuples(g1_points(), g2_points()), min_size=1, max_size=2))
def test_pairing_check(pairs: list[tuple[bytes, bytes]]) -> None:
    data = b"".join(a + b for a, b in pairs)
    assert_same(bls12_381_pairing.bls12_pairing_check, fast.bls12_pairing_check, data)


@SLOW
@given(st.integers(1, BLS_R - 1), st.integers(1, BLS_R - 1), st.booleans())
def test_pairing_check_bilinear(a: int, b: int, balanced: bool) -> None:
    # e(aG1, bG2) * e(-(ab or ab+1)G1, G2): one exactly when balanced.
    c = a * b % BLS_R if balanced else (a * b + 1) % BLS_R
    data = (enc_g1(bls.multiply(bls.G1, a)) + enc_g2(bls.multiply(bls.G2, b))
            + enc_g1(bls.neg(bls.multiply(bls.G1, c))) + enc_g2(bls.G2))
    assert outcome(fast.bls12_pairing_check, data) == (
        True, (1 if balanced else 0).to_bytes(32, "big"), 37_700 + 2 * 32_600)
    assert_same(bls12_381_pairing.bls12_pairing_check, fast.bls12_pairing_check, data)


@FAST
@given(fields())
def test_map_fp_to_g1(fp: bytes) -> None:
    assert_same(bls12_381_g1.bls12_map_fp_to_g1, fast.bls12_map_fp_to_g1, fp)


@SLOW
@given(fields(), fields())
def test_map_fp2_to_g2(c0: bytes, c1: bytes) -> None:
    assert_same(bls12_381_g2.bls12_map_fp2_to_g2, fast.bls12_map_fp2_to_g2, c0 + c1)


@pytest.mark.parametrize("ours, reference, data", [
    (fast.bls12_g1_add, bls12_381_g1.bls12_g1_add, G1_INF + G1_INF),
    (fast.bls12_g1_add, bls12_381_g1.bls12_g1_add, bls_g1_outside_subgroup() * 2),
    (fast.bls12_g1_add, bls12_381_g1.bls12_g1_add, bls_g1_off_curve() + G1_INF),
    # (0, 2) is on y² = x³ + 4 and is not infinity.
    (fast.bls12_g1_add, bls12_381_g1.bls12_g1_add, (2).to_bytes(128, "big") + G1_INF),
    (fast.bls12_g1_add, bls12_381_g1.bls12_g1_add, _bad_field(G1_INF, 0, 0) + G1_INF),
    (fast.bls12_g2_add, bls12_381_g2.bls12_g2_add, bls_g2_outside_subgroup() + G2_INF),
    (fast.bls12_g2_add, bls12_381_g2.bls12_g2_add, bls_g2_off_curve() + G2_INF),
    (fast.bls12_g1_msm, bls12_381_g1.bls12_g1_msm, bls_g1_outside_subgroup() + bytes(32)),
    (fast.bls12_g1_msm, bls12_381_g1.bls12_g1_msm, G1_INF + bytes(31) + b"\x05"),
    (fast.bls12_g2_msm, bls12_381_g2.bls12_g2_msm, bls_g2_outside_subgroup() + bytes(32)),
    (fast.bls12_g2_msm, bls12_381_g2.bls12_g2_msm, enc_g2(bls.G2) + BLS_R.to_bytes(32, "big")),
    (fast.bls12_pairing_check, bls12_381_pairing.bls12_pairing_check, G1_INF + G2_INF),
    (fast.bls12_pairing_check, bls12_381_pairing.bls12_pairing_check,
     bls_g1_outside_subgroup() + G2_INF),
    (fast.bls12_pairing_check, bls12_381_pairing.bls12_pairing_check,
     G1_INF + bls_g2_outside_subgroup()),
    (fast.bls12_map_fp_to_g1, bls12_381_g1.bls12_map_fp_to_g1, BLS_P.to_bytes(64, "big")),
    (fast.bls12_map_fp2_to_g2, bls12_381_g2.bls12_map_fp2_to_g2, bytes(64) + b"\x01" * 64),
    (fast.bls12_g1_msm, bls12_381_g1.bls12_g1_msm, b""),
    (fast.bls12_pairing_check, bls12_381_pairing.bls12_pairing_check, bytes(383)),
])
def test_edge_cases(ours: Precompile, reference: Precompile, data: bytes) -> None:
    assert outcome(ours, data) == outcome(reference, data)
