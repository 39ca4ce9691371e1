"""The former pure-Python P256VERIFY, kept as an independent oracle for the tests.

Until the precompile moved to ``cryptography`` (OpenSSL), this was
``op_program.executor.p256``: RIP-7212 verification in plain integer arithmetic on the NIST
P-256 curve (Jacobian coordinates). tests/unit/executor/test_p256.py checks that both agree.
"""

INPUT_LENGTH = 160
_P = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF
_A = _P - 3
_B = 0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B
_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
_G = (
    0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
    0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5,
)
_Jacobian = tuple[int, int, int]
_INFINITY: _Jacobian = (0, 1, 0)


def _double(p: _Jacobian) -> _Jacobian:
    x, y, z = p
    if z == 0 or y == 0:
        return _INFINITY
    ysq = y * y % _P
    s = 4 * x * ysq % _P
    zsq = z * z % _P
    m = (3 * x * x + _A * zsq * zsq) % _P
    nx = (m * m - 2 * s) % _P
    ny = (m * (s - nx) - 8 * ysq * ysq) % _P
    return nx, ny, 2 * y * z % _P


def _add(p: _Jacobian, q: _Jacobian) -> _Jacobian:
    if p[2] == 0:
        return q
    if q[2] == 0:
        return p
    z1sq = p[2] * p[2] % _P
    z2sq = q[2] * q[2] % _P
    u1 = p[0] * z2sq % _P
    u2 = q[0] * z1sq % _P
    s1 = p[1] * z2sq * q[2] % _P
    s2 = q[1] * z1sq * p[2] % _P
    if u1 == u2:
        return _double(p) if s1 == s2 else _INFINITY
    h = (u2 - u1) % _P
    r = (s2 - s1) % _P
    hsq = h * h % _P
    hcu = hsq * h % _P
    nx = (r * r - hcu - 2 * u1 * hsq) % _P
    ny = (r * (u1 * hsq - nx) - s1 * hcu) % _P
    return nx, ny, h * p[2] * q[2] % _P


def _multiply(p: _Jacobian, k: int) -> _Jacobian:
    result = _INFINITY
    addend = p
    while k:
        if k & 1:
            result = _add(result, addend)
        addend = _double(addend)
        k >>= 1
    return result


def verify(data: bytes) -> bool:
    """Whether ``data`` (RIP-7212 input) is a valid P-256 signature; malformed input is False."""
    if len(data) != INPUT_LENGTH:
        return False
    h, r, s, x, y = (int.from_bytes(data[i:i + 32], "big") for i in range(0, 160, 32))
    if not (0 < r < _N and 0 < s < _N and x < _P and y < _P):
        return False
    if (x, y) == (0, 0) or (y * y - (x * x * x + _A * x + _B)) % _P != 0:
        return False
    w = pow(s, -1, _N)
    point = _add(_multiply((_G[0], _G[1], 1), h * w % _N), _multiply((x, y, 1), r * w % _N))
    if point[2] == 0:
        return False
    zinv = pow(point[2], -1, _P)
    return (point[0] * zinv * zinv % _P) % _N == r
