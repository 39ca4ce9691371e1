"""Edge inputs for every precompile of an Isthmus block: valid, boundary and malformed.

Valid points and signatures are computed (py_ecc, coincurve, pycryptodome) so calls exercise
the success paths too, not only the failure ones. EIP-196/197 (bn254), EIP-152 (blake2f),
EIP-198/2565/7823-free MODEXP, EIP-4844 point evaluation, EIP-2537 (BLS12-381), RIP-7212 (P256).
"""

import functools
import importlib
import random
from collections.abc import Callable
from typing import Any

from coincurve import PrivateKey
from Crypto.Hash import SHA256
from Crypto.PublicKey import ECC
from Crypto.Signature import DSS

# py_ecc (a py-evm dependency) does not re-export its curve functions for type checkers.
bn128: Any = importlib.import_module("py_ecc.bn128")
bls: Any = importlib.import_module("py_ecc.optimized_bls12_381")

BLS_P = bls.field_modulus
BN_P = bn128.field_modulus


def _w(value: int, size: int = 32) -> bytes:
    return (value % (1 << (8 * size))).to_bytes(size, "big")


def _noise(rng: random.Random, size: int) -> bytes:
    return rng.randbytes(size)


# --- 0x01 ecrecover -------------------------------------------------------------------------

def ecrecover(rng: random.Random) -> bytes:
    digest = rng.randbytes(32)
    sig = PrivateKey(rng.randbytes(31) + b"\x01").sign_recoverable(digest, hasher=None)
    v, r, s = 27 + sig[64], sig[:32], sig[32:64]
    choice = rng.randrange(6)
    if choice == 0:
        return digest + _w(v) + r + s
    if choice == 1:
        return digest + _w(rng.choice((0, 1, 29, v + 256))) + r + s  # bad v
    if choice == 2:
        return (digest + _w(v) + r + s)[: rng.randrange(128)]  # short (zero-padded)
    if choice == 3:
        return digest + _w(v) + bytes(32) + s  # r = 0
    if choice == 4:
        return digest + _w(v) + r + s + rng.randbytes(rng.randrange(40))  # long
    return _noise(rng, 128)


# --- 0x05 modexp ----------------------------------------------------------------------------

def modexp(rng: random.Random) -> bytes:
    """A MODEXP input; one in twenty is an empty base with a zero exponent (EIP-198: 0**0 = 1,
    the issue 15 bug py-evm had, fixed in evm_backend.corrected_precompiles)."""
    if rng.random() < 0.05:
        mod_len = rng.choice((1, 2, 32))
        modulus = rng.randrange(2, 1 << (8 * mod_len)).to_bytes(mod_len, "big")
        exp_len = rng.choice((0, 1, 32))
        return _w(0) + _w(exp_len) + _w(mod_len) + bytes(exp_len) + modulus
    return _modexp(rng)


def _modexp(rng: random.Random) -> bytes:
    sizes = (0, 1, 2, 31, 32, 33, 64, 100)
    lengths = [rng.choice(sizes) for _ in range(3)]
    if rng.random() < 0.1:
        lengths[rng.randrange(3)] = rng.choice((1 << 16, 1 << 32, (1 << 256) - 1))
    head = b"".join(_w(n) for n in lengths)
    body_len = sum(min(n, 200) for n in lengths)
    body = bytearray(rng.randbytes(body_len))
    if rng.random() < 0.3 and body:
        body[rng.randrange(len(body))] = 0  # more zero bytes: zero exponents and moduli
    if rng.random() < 0.2:
        body = body[: rng.randrange(len(body) + 1)]  # truncated: zero-padded by the EVM
    return head + bytes(body)


# --- 0x06-0x08 bn254 ------------------------------------------------------------------------

@functools.cache
def _bn_g1(k: int) -> bytes:
    point = bn128.multiply(bn128.G1, k)
    if point is None:
        return bytes(64)
    return _w(point[0].n) + _w(point[1].n)


@functools.cache
def _bn_g2(k: int) -> bytes:
    point = bn128.multiply(bn128.G2, k)
    if point is None:
        return bytes(128)
    x, y = point
    return (_w(int(x.coeffs[1])) + _w(int(x.coeffs[0])) + _w(int(y.coeffs[1]))
            + _w(int(y.coeffs[0])))


def _bn_point(rng: random.Random) -> bytes:
    choice = rng.randrange(5)
    if choice == 0:
        return bytes(64)  # infinity
    if choice == 1:
        return _w(1) + _w(3)  # off the curve
    if choice == 2:
        return _w(BN_P + 1) + _w(2)  # coordinate not below p
    return _bn_g1(rng.randrange(1, 6))


def bn_add(rng: random.Random) -> bytes:
    data = _bn_point(rng) + _bn_point(rng)
    return data[: rng.randrange(129)] if rng.random() < 0.2 else data


def bn_mul(rng: random.Random) -> bytes:
    scalar = rng.choice((0, 1, 2, bn128.curve_order, bn128.curve_order - 1, rng.getrandbits(256)))
    return _bn_point(rng) + _w(scalar)


def bn_pairing(rng: random.Random) -> bytes:
    choice = rng.randrange(5)
    if choice == 0:
        return b""  # empty: true
    if choice == 1:  # e(a*G1, G2) * e(-a*G1, G2) = 1 with -a = order - a
        a = rng.randrange(1, 4)
        neg = bn128.neg(bn128.multiply(bn128.G1, a))
        return _bn_g1(a) + _bn_g2(1) + _w(neg[0].n) + _w(neg[1].n) + _bn_g2(1)
    if choice == 2:
        return _bn_g1(1) + _bn_g2(rng.randrange(1, 3))  # a single pair: false
    if choice == 3:
        return _bn_g1(1) + _bn_g2(1)[:-1] + b"\x07"  # G2 off the curve / subgroup
    return _noise(rng, rng.choice((191, 192, 193)))


# --- 0x09 blake2f ---------------------------------------------------------------------------

def blake2f(rng: random.Random) -> bytes:
    rounds = rng.choice((0, 1, 12, rng.randrange(64)))
    data = _w(rounds, 4) + rng.randbytes(64 + 128 + 16) + bytes([rng.choice((0, 1, 1, 2))])
    if rng.random() < 0.15:
        data = data[: rng.choice((0, 212))] if rng.random() < 0.5 else data + b"\x00"
    return data


# --- 0x0a point evaluation ------------------------------------------------------------------

def point_evaluation(rng: random.Random) -> bytes:
    return _noise(rng, rng.choice((0, 191, 192, 193)))


# --- 0x0b-0x11 BLS12-381 (EIP-2537) ---------------------------------------------------------

def _fp(value: int) -> bytes:
    return _w(value, 64)


@functools.cache
def _bls_g1(k: int) -> bytes:
    point = bls.normalize(bls.multiply(bls.G1, k))
    return _fp(int(point[0])) + _fp(int(point[1]))


@functools.cache
def _bls_g2(k: int) -> bytes:
    x, y = bls.normalize(bls.multiply(bls.G2, k))
    return (_fp(int(x.coeffs[0])) + _fp(int(x.coeffs[1])) + _fp(int(y.coeffs[0]))
            + _fp(int(y.coeffs[1])))


def _g1(rng: random.Random) -> bytes:
    choice = rng.randrange(6)
    if choice == 0:
        return bytes(128)
    if choice == 1:
        return _fp(1) + _fp(1)  # off the curve
    if choice == 2:
        return _fp(BLS_P) + _fp(0)  # not a field element
    if choice == 3:
        return b"\x01" + _bls_g1(1)[1:]  # non-zero top padding byte
    return _bls_g1(rng.randrange(1, 4))


def _g2(rng: random.Random) -> bytes:
    choice = rng.randrange(5)
    if choice == 0:
        return bytes(256)
    if choice == 1:
        return _fp(1) * 4
    return _bls_g2(rng.randrange(1, 3))


def _scalar(rng: random.Random) -> bytes:
    return _w(rng.choice((0, 1, 2, bls.curve_order, rng.getrandbits(256))))


def bls_g1add(rng: random.Random) -> bytes:
    return _g1(rng) + _g1(rng)


def bls_g1msm(rng: random.Random) -> bytes:
    pairs = b"".join(_g1(rng) + _scalar(rng) for _ in range(rng.choice((0, 1, 1, 2, 3))))
    return pairs[:-1] if pairs and rng.random() < 0.1 else pairs


def bls_g2add(rng: random.Random) -> bytes:
    return _g2(rng) + _g2(rng)


def bls_g2msm(rng: random.Random) -> bytes:
    return b"".join(_g2(rng) + _scalar(rng) for _ in range(rng.choice((0, 1, 1, 2))))


def bls_pairing(rng: random.Random) -> bytes:
    if rng.random() < 0.3:
        a = rng.randrange(1, 3)
        neg = bls.normalize(bls.neg(bls.multiply(bls.G1, a)))
        return _bls_g1(a) + _bls_g2(1) + _fp(int(neg[0])) + _fp(int(neg[1])) + _bls_g2(1)
    return b"".join(_g1(rng) + _g2(rng) for _ in range(rng.choice((0, 1, 2))))


def bls_map_fp(rng: random.Random) -> bytes:
    value = _fp(rng.choice((0, 1, BLS_P - 1, BLS_P, rng.randrange(BLS_P))))
    return value[: rng.choice((64, 64, 63))]


def bls_map_fp2(rng: random.Random) -> bytes:
    return _fp(rng.randrange(BLS_P)) + _fp(rng.choice((0, BLS_P, rng.randrange(BLS_P))))


# --- 0x100 P256VERIFY (RIP-7212) ------------------------------------------------------------

def p256verify(rng: random.Random) -> bytes:
    key = ECC.construct(curve="P-256", d=rng.randrange(1, 1 << 250))
    digest = SHA256.new(rng.randbytes(16))
    sig = DSS.new(key, "deterministic-rfc6979").sign(digest)
    q = key.public_key().pointQ
    good = digest.digest() + sig + _w(int(q.x)) + _w(int(q.y))
    choice = rng.randrange(6)
    if choice <= 2:
        return good
    if choice == 3:
        return good[:32] + bytes(32) + good[64:]  # r = 0
    if choice == 4:
        return good[: rng.choice((0, 159))] if rng.random() < 0.5 else good + b"\x00"
    return good[:128] + _w(int(q.y) ^ 1)  # off the curve


def _bytes_like(rng: random.Random) -> bytes:
    return rng.randbytes(rng.choice((0, 1, 31, 32, 33, 64, 200)))


GENERATORS: dict[int, Callable[[random.Random], bytes]] = {
    0x01: ecrecover, 0x02: _bytes_like, 0x03: _bytes_like, 0x04: _bytes_like, 0x05: modexp,
    0x06: bn_add, 0x07: bn_mul, 0x08: bn_pairing, 0x09: blake2f, 0x0A: point_evaluation,
    0x0B: bls_g1add, 0x0C: bls_g1msm, 0x0D: bls_g2add, 0x0E: bls_g2msm, 0x0F: bls_pairing,
    0x10: bls_map_fp, 0x11: bls_map_fp2, 0x100: p256verify,
}  # fmt: skip


def precompile_input(address: int, rng: random.Random) -> bytes:
    """A random edge input for the precompile at ``address``."""
    return GENERATORS[address](rng)


def valid_inputs(rng: random.Random) -> dict[int, bytes]:
    """One input per Isthmus precompile that succeeds (BLS12-381 and P256 among them)."""
    neg = bls.normalize(bls.neg(bls.G1))
    return {
        0x0B: _bls_g1(1) + _bls_g1(2),
        0x0C: _bls_g1(1) + _w(5) + _bls_g1(2) + _w(7),
        0x0D: _bls_g2(1) + _bls_g2(2),
        0x0E: _bls_g2(1) + _w(3),
        0x0F: _bls_g1(1) + _bls_g2(1) + _fp(int(neg[0])) + _fp(int(neg[1])) + _bls_g2(1),
        0x10: _fp(rng.randrange(BLS_P)),
        0x11: _fp(rng.randrange(BLS_P)) + _fp(rng.randrange(BLS_P)),
        0x100: p256_valid(rng),
    }


def p256_valid(rng: random.Random) -> bytes:
    """A valid RIP-7212 input: hash, r, s, public key x and y."""
    key = ECC.construct(curve="P-256", d=rng.randrange(1, 1 << 250))
    digest = SHA256.new(rng.randbytes(16))
    sig = DSS.new(key, "deterministic-rfc6979").sign(digest)
    q = key.public_key().pointQ
    return digest.digest() + sig + _w(int(q.x)) + _w(int(q.y))
