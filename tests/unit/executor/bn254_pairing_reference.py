"""The bn256 pairing precompile (0x08) with a fast G2 subgroup check: a reference for the tests.

The executor answered 0x08 with this until revm took over (``bn254_revm``); it stays as an
independent oracle for tests/unit/executor/test_bn254_revm.py (py_ecc's Miller loop, a check
of its own against py-evm in test_bn254_pairing.py), under tests/ since nothing else runs it.

Spec: EIP-197 (input: k pairs of a G1 point (64 bytes) and a G2 point (128 bytes, imaginary
part first); every point must be on its curve and in the order-``r`` subgroup, else the call
fails; output 1 when the product of the pairings is one), EIP-1108 (Istanbul gas: 45,000 +
34,000 per pair; every OP fork is later). py-evm checks G2 membership by multiplying the point
by ``r`` with py_ecc's field-element objects: about half of the precompile's time, hundreds of
milliseconds per pair. The same multiplication is done here on plain integers (Jacobian
coordinates over F_p² = F_p[i]/(i² + 1)); the Miller loop and the final exponentiation stay
py_ecc's.
"""

from typing import Any

from eth._utils.bn128 import FQP_point_to_FQ2_point, validate_point
from eth.exceptions import VMError
from eth_utils.exceptions import ValidationError
from py_ecc import optimized_bn128

bn128: Any = optimized_bn128  # py_ecc re-exports its names without declaring them

P = bn128.field_modulus
R = bn128.curve_order
PAIRING_BASE_GAS = 45_000
PAIRING_PER_POINT_GAS = 34_000
_PAIR_SIZE = 192
# The twist's b' = 3 / (9 + i), as py_ecc's ``b2`` (coefficients: real, imaginary).
B2 = (int(bn128.b2.coeffs[0]), int(bn128.b2.coeffs[1]))

Fp2 = tuple[int, int]
Jacobian = tuple[Fp2, Fp2, Fp2]


def _mul(a: Fp2, b: Fp2) -> Fp2:
    a0, a1 = a
    b0, b1 = b
    return ((a0 * b0 - a1 * b1) % P, (a0 * b1 + a1 * b0) % P)


def _sqr(a: Fp2) -> Fp2:
    a0, a1 = a
    return ((a0 + a1) * (a0 - a1) % P, 2 * a0 * a1 % P)


def _sub(a: Fp2, b: Fp2) -> Fp2:
    return ((a[0] - b[0]) % P, (a[1] - b[1]) % P)


def _scale(a: Fp2, k: int) -> Fp2:
    return (a[0] * k % P, a[1] * k % P)


def _is_zero(a: Fp2) -> bool:
    return a[0] == 0 and a[1] == 0


def _double(pt: Jacobian) -> Jacobian:
    """2·P on y² = x³ + b' (a = 0), Jacobian coordinates ("dbl-2009-l")."""
    x, y, z = pt
    if _is_zero(z):
        return pt
    a = _sqr(x)
    b = _sqr(y)
    c = _sqr(b)
    d = _scale(_sub(_sub(_sqr((x[0] + b[0], x[1] + b[1])), a), c), 2)
    e = _scale(a, 3)
    f = _sqr(e)
    x3 = _sub(f, _scale(d, 2))
    y3 = _sub(_mul(e, _sub(d, x3)), _scale(c, 8))
    z3 = _scale(_mul(y, z), 2)
    return (x3, y3, z3)


def _add(p: Jacobian, q: Jacobian) -> Jacobian:
    """P + Q in Jacobian coordinates ("add-2007-bl"), handling the special cases."""
    if _is_zero(p[2]):
        return q
    if _is_zero(q[2]):
        return p
    x1, y1, z1 = p
    x2, y2, z2 = q
    z1z1 = _sqr(z1)
    z2z2 = _sqr(z2)
    u1 = _mul(x1, z2z2)
    u2 = _mul(x2, z1z1)
    s1 = _mul(_mul(y1, z2), z2z2)
    s2 = _mul(_mul(y2, z1), z1z1)
    if u1 == u2:
        if s1 == s2:
            return _double(p)
        return ((1, 0), (1, 0), (0, 0))  # P + (-P): the point at infinity
    h = _sub(u2, u1)
    i = _sqr(_scale(h, 2))
    j = _mul(h, i)
    r = _scale(_sub(s2, s1), 2)
    v = _mul(u1, i)
    x3 = _sub(_sub(_sqr(r), j), _scale(v, 2))
    y3 = _sub(_mul(r, _sub(v, x3)), _scale(_mul(s1, j), 2))
    z3 = _mul(_sub(_sub(_sqr((z1[0] + z2[0], z1[1] + z2[1])), z1z1), z2z2), h)
    return (x3, y3, z3)


def multiply(point: Jacobian, scalar: int) -> Jacobian:
    """``scalar``·P by double-and-add from the most significant bit."""
    result: Jacobian = ((1, 0), (1, 0), (0, 0))
    for bit in bin(scalar)[2:]:
        result = _double(result)
        if bit == "1":
            result = _add(result, point)
    return result


def g2_in_subgroup(x: Fp2, y: Fp2) -> bool:
    """Whether the twist point (x, y) (on the curve) has order ``r``: r·P is infinity."""
    return _is_zero(multiply((x, y, (1, 0)), R)[2])


def _g2_on_curve(x: Fp2, y: Fp2) -> bool:
    rhs = _mul(_sqr(x), x)
    return _sqr(y) == ((rhs[0] + B2[0]) % P, (rhs[1] + B2[1]) % P)


def _pair_factor(chunk: bytes) -> Any:
    """One pair's Miller-loop value; ``ValidationError`` for an invalid point (EIP-197)."""
    x1, y1, x2_i, x2_r, y2_i, y2_r = (
        int.from_bytes(chunk[i:i + 32], "big") for i in range(0, _PAIR_SIZE, 32)
    )
    p1 = validate_point(x1, y1)
    if max(x2_i, x2_r, y2_i, y2_r) >= P:
        raise ValidationError("value greater than field modulus")
    if not (x2_i or x2_r or y2_i or y2_r):
        return bn128.FQ12.one()  # the G2 identity contributes a factor of one
    x2, y2 = (x2_r, x2_i), (y2_r, y2_i)
    if not _g2_on_curve(x2, y2):
        raise ValidationError("point is not on curve")
    if not g2_in_subgroup(x2, y2):
        raise ValidationError("G2 point is not in the subgroup")
    p2 = (bn128.FQ2([x2_r, x2_i]), bn128.FQ2([y2_r, y2_i]), bn128.FQ2.one())
    return bn128.pairing(FQP_point_to_FQ2_point(p2), p1, final_exponentiate=False)


def pairing_check(data: bytes) -> bool:
    """EIP-197's check on a whole input (a multiple of 192 bytes)."""
    product = bn128.FQ12.one()
    for start in range(0, len(data), _PAIR_SIZE):
        product = product * _pair_factor(data[start:start + _PAIR_SIZE])
    return bool(bn128.final_exponentiate(product) == bn128.FQ12.one())


def ecpairing(computation: Any) -> Any:
    """bn256Pairing (0x08): EIP-197 with EIP-1108 gas; an invalid input fails the call."""
    data = bytes(computation.msg.data_as_bytes)
    if len(data) % _PAIR_SIZE:
        raise VMError("Invalid ECPAIRING parameters")
    pairs = len(data) // _PAIR_SIZE
    computation.consume_gas(PAIRING_BASE_GAS + pairs * PAIRING_PER_POINT_GAS, "ECPAIRING")
    try:
        result = pairing_check(data)
    except ValidationError as exc:
        raise VMError("Invalid ECPAIRING parameters") from exc
    computation.output = (1 if result else 0).to_bytes(32, "big")
    return computation
