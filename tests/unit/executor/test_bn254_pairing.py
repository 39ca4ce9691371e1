"""bn254_pairing_reference: the integer G2 subgroup check and 0x08 against py-evm/py_ecc.

Points in the subgroup are multiples of the G2 generator; points on the twist outside it are
found by solving the curve equation for random x (the twist's cofactor is huge, so almost all
are outside). Whole precompile inputs (valid, identity, wrong pairs, off-curve, outside the
subgroup, bad lengths) must give py-evm's result or its failure.
"""

import importlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from py_ecc import optimized_bn128

from tests.unit.executor import bn254_pairing_reference as bp

bn128: Any = optimized_bn128
P = bp.P


def _fp_sqrt(a: int) -> int | None:
    root = pow(a, (P + 1) // 4, P)
    return root if root * root % P == a % P else None


def _fp2_sqrt(a: tuple[int, int]) -> tuple[int, int] | None:
    """A square root in F_p[i] (p = 3 mod 4), through the norm; None for a non-square."""
    a0, a1 = a
    if a1 == 0:
        root = _fp_sqrt(a0)
        if root is not None:
            return (root, 0)
        root = _fp_sqrt(-a0 % P)
        return None if root is None else (0, root)
    norm = _fp_sqrt((a0 * a0 + a1 * a1) % P)
    if norm is None:
        return None
    inv2 = pow(2, P - 2, P)
    for delta in ((a0 + norm) * inv2 % P, (a0 - norm) * inv2 % P):
        x0 = _fp_sqrt(delta)
        if x0:
            x1 = a1 * pow(2 * x0, P - 2, P) % P
            if bp._sqr((x0, x1)) == (a0 % P, a1 % P):
                return (x0, x1)
    return None


def _twist_point(x: tuple[int, int]) -> tuple[tuple[int, int], tuple[int, int]] | None:
    rhs = bp._mul(bp._sqr(x), x)
    y = _fp2_sqrt(((rhs[0] + bp.B2[0]) % P, (rhs[1] + bp.B2[1]) % P))
    return None if y is None else (x, y)


def _g2_multiple(k: int) -> tuple[tuple[int, int], tuple[int, int]]:
    x, y = bn128.normalize(bn128.multiply(bn128.G2, k))
    return (int(x.coeffs[0]), int(x.coeffs[1])), (int(y.coeffs[0]), int(y.coeffs[1]))


def _g1_multiple(k: int) -> tuple[int, int]:
    x, y = bn128.normalize(bn128.multiply(bn128.G1, k))
    return int(x), int(y)


def _pyevm_subgroup(x: tuple[int, int], y: tuple[int, int]) -> bool:
    point = (bn128.FQ2(list(x)), bn128.FQ2(list(y)), bn128.FQ2.one())
    return bool(bn128.multiply(point, bn128.curve_order)[-1] == bn128.FQ2.zero())


@settings(max_examples=6, deadline=None)
@given(st.integers(1, bp.R - 1))
def test_subgroup_multiples_are_members(k: int) -> None:
    assert bp.g2_in_subgroup(*_g2_multiple(k))


@settings(max_examples=6, deadline=None)
@given(st.integers(0, P - 1), st.integers(0, P - 1))
def test_twist_points_agree_with_py_ecc(x0: int, x1: int) -> None:
    point = _twist_point((x0, x1))
    if point is None:
        return
    assert bp._g2_on_curve(*point)
    assert bp.g2_in_subgroup(*point) == _pyevm_subgroup(*point)


def test_a_point_outside_the_subgroup_is_found_and_rejected() -> None:
    for x0 in range(1, 50):
        point = _twist_point((x0, 1))
        if point is not None:
            assert not bp.g2_in_subgroup(*point)
            assert not _pyevm_subgroup(*point)
            return
    pytest.fail("no twist point with x = (n, 1), n < 50")


def _pair(g1: tuple[int, int], g2: Any) -> bytes:
    (x_r, x_i), (y_r, y_i) = g2
    return b"".join(v.to_bytes(32, "big") for v in (g1[0], g1[1], x_i, x_r, y_i, y_r))


class _Msg:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.data_as_bytes = data


class _Comp:
    def __init__(self, data: bytes) -> None:
        self.msg = _Msg(data)
        self.gas = 0
        self.output = b""

    def consume_gas(self, amount: int, reason: str) -> None:
        self.gas += amount


def _run(fn: Any, data: bytes) -> tuple[str, Any, int]:
    comp = _Comp(data)
    try:
        fn(comp)
    except Exception as exc:  # noqa: BLE001 - both sides' failure compared
        return "error", type(exc).__name__, comp.gas
    return "ok", comp.output, comp.gas


def _outside_point() -> Any:
    for x0 in range(1, 50):
        point = _twist_point((x0, 1))
        if point is not None:
            return point
    raise AssertionError("unreachable")


_CASES = {
    "valid pair e(5 G1, G2) e(-5 G1, G2)": _pair(_g1_multiple(5), _g2_multiple(1))
    + _pair(_g1_multiple(bn128.curve_order - 5), _g2_multiple(1)),
    "not one": _pair(_g1_multiple(2), _g2_multiple(3)),
    "identity G2": _pair(_g1_multiple(7), ((0, 0), (0, 0))),
    "empty": b"",
    "G2 outside the subgroup": _pair(_g1_multiple(1), _outside_point()),
    "G2 off the curve": _pair(_g1_multiple(1), ((1, 2), (3, 4))),
    "G1 off the curve": _pair((1, 3), _g2_multiple(1)),
    "coordinate over p": _pair(_g1_multiple(1), ((P, 0), (0, 0))),
    "bad length": bytes(191),
}


@pytest.mark.parametrize("name", list(_CASES))
def test_precompile_answers_as_pyevm(name: str) -> None:
    pyevm_ecpairing: Any = importlib.import_module("eth.precompiles.ecpairing")
    reference = pyevm_ecpairing.ecpairing(
        gas_cost_base=bp.PAIRING_BASE_GAS, gas_cost_per_point=bp.PAIRING_PER_POINT_GAS
    )
    data = _CASES[name]
    assert _run(bp.ecpairing, data) == _run(reference, data)
