"""Edge inputs for the precompile differential tests: curve points in and out of subgroups.

Constants are the curves' published parameters (EIP-196/197 for alt_bn128, EIP-2537 for
BLS12-381); points are built with py_ecc's field arithmetic so that the tests can name what
each input is (on the curve but outside the prime-order subgroup, a coordinate equal to p...).
"""

from typing import Any

from py_ecc import optimized_bls12_381, optimized_bn128

from tests.unit.executor.test_precompile_runner import G1, G2, P, R, fp

# py_ecc's modules re-export names it does not list, which mypy --strict rejects.
bn: Any = optimized_bn128
bls: Any = optimized_bls12_381
BN_P = bn.field_modulus
BN_N = bn.curve_order
BLS_P = P
BLS_R = R


def word(value: int) -> bytes:
    return value.to_bytes(32, "big")


# -- alt_bn128 -------------------------------------------------------------------------------

BN_G1 = word(1) + word(2)
BN_NEG_G1 = word(1) + word(BN_P - 2)
BN_ZERO = bytes(64)


def bn_g2(point: tuple[Any, Any, Any]) -> bytes:
    """EIP-197 G2 encoding: x_imaginary ‖ x_real ‖ y_imaginary ‖ y_real."""
    x, y = bn.normalize(point)
    return b"".join(word(int(c)) for c in (x.coeffs[1], x.coeffs[0], y.coeffs[1], y.coeffs[0]))


BN_G2 = bn_g2(bn.G2)


def _fq2_sqrt(a: Any, p: int, one: Any) -> Any:
    """A square root in F_p^2 for p = 3 mod 4 (Adj and Rodriguez-Henriquez, algorithm 9)."""
    a1 = a ** ((p - 3) // 4)
    alpha = a1 * a1 * a
    x0 = a1 * a
    if alpha == -one:
        root = x0 * type(a)([0, 1])
    else:
        root = (one + alpha) ** ((p - 1) // 2) * x0
    return root if root * root == a else None


def bn_g2_outside_subgroup() -> bytes:
    """A point of the G2 twist curve that is not in the order-n subgroup."""
    for x0 in range(1, 100):
        x = bn.FQ2([x0, 1])
        y = _fq2_sqrt(x ** 3 + bn.b2, BN_P, bn.FQ2.one())
        if y is None:
            continue
        point = (x, y, bn.FQ2.one())
        assert bn.is_on_curve(point, bn.b2)
        if not bn.is_inf(bn.multiply(point, BN_N)):
            return bn_g2(point)
    raise AssertionError("no point found")


# -- BLS12-381 -------------------------------------------------------------------------------

G1_INF = bytes(128)
G2_INF = bytes(256)


def bls_g1_outside_subgroup() -> bytes:
    """A point of E(Fp): y^2 = x^3 + 4 outside the order-r subgroup."""
    for x in range(1, 100):
        rhs = (x ** 3 + 4) % BLS_P
        y = pow(rhs, (BLS_P + 1) // 4, BLS_P)
        if y * y % BLS_P != rhs:
            continue
        point = (bls.FQ(x), bls.FQ(y), bls.FQ.one())
        if not bls.is_inf(bls.multiply(point, BLS_R)):
            return fp(x) + fp(y)
    raise AssertionError("no point found")


def bls_g2_outside_subgroup() -> bytes:
    """A point of E'(Fp2): y^2 = x^3 + 4(1 + i) outside the order-r subgroup."""
    for x0 in range(1, 100):
        x = bls.FQ2([x0, 1])
        y = _fq2_sqrt(x ** 3 + bls.b2, BLS_P, bls.FQ2.one())
        if y is None:
            continue
        point = (x, y, bls.FQ2.one())
        assert bls.is_on_curve(point, bls.b2)
        if not bls.is_inf(bls.multiply(point, BLS_R)):
            xs, ys = x.coeffs, y.coeffs
            return fp(int(xs[0])) + fp(int(xs[1])) + fp(int(ys[0])) + fp(int(ys[1]))
    raise AssertionError("no point found")


def bls_g1_off_curve() -> bytes:
    return G1[:127] + bytes((G1[127] ^ 1,))


def bls_g2_off_curve() -> bytes:
    return G2[:255] + bytes((G2[255] ^ 1,))
