"""P256VERIFY (RIP-7212, Fjord): the Wycheproof vectors, malformed inputs, and agreement with
the former pure-Python implementation (tests/unit/executor/p256_reference.py) as an oracle."""

import json
import random
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed, decode_dss_signature

from op_program.executor import p256
from op_program.executor.precompile_table import precompile_table
from op_program.executor.precompiles import PrecompileRules
from tests.unit.executor import p256_reference

VECTORS = Path(__file__).resolve().parents[2] / "fixtures/vectors/p256-verify/p256Verify.json"
GX = 0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296
GY = 0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5


def word(value: int) -> bytes:
    return value.to_bytes(32, "big")


def signed_input(rng: random.Random) -> bytes:
    key = ec.derive_private_key(rng.randrange(1, p256.N), ec.SECP256R1())
    # Half the digests are below 2^224, so that digest + n still fits in the hash word.
    digest = bytes(4) + rng.randbytes(28) if rng.random() < 0.5 else rng.randbytes(32)
    r, s = decode_dss_signature(key.sign(digest, ec.ECDSA(Prehashed(hashes.SHA256()))))
    point = key.public_key().public_numbers()
    return digest + word(r) + word(s) + word(point.x) + word(point.y)


def load_vectors() -> list[dict[str, object]]:
    vectors: list[dict[str, object]] = json.loads(VECTORS.read_text())
    return vectors


def test_wycheproof_and_op_geth_vectors() -> None:
    vectors = load_vectors()
    assert len(vectors) == 781
    valid = 0
    for vector in vectors:
        data = bytes.fromhex(str(vector["Input"]))
        expected = vector["Expected"] == "0" * 63 + "1"
        assert expected or vector["Expected"] == "", vector["Name"]
        assert vector["Gas"] == p256.P256_GAS
        assert p256.verify(data) is expected, vector["Name"]
        valid += expected
    assert valid == 566


def test_old_implementation_agrees_on_a_sample_of_the_vectors() -> None:
    for vector in load_vectors()[::13]:
        data = bytes.fromhex(str(vector["Input"]))
        assert p256_reference.verify(data) is p256.verify(data), vector["Name"]


def mutations(good: bytes, rng: random.Random) -> list[bytes]:
    """Valid-looking variants: flipped bits in each field, boundary values of r, s, x, y."""
    out = []
    for field in range(5):
        i = field * 32 + rng.randrange(32)
        out.append(good[:i] + bytes((good[i] ^ (1 << rng.randrange(8)),)) + good[i + 1:])
    h, r, s, x, y = (good[i:i + 32] for i in range(0, 160, 32))
    n_minus_s = word(p256.N - int.from_bytes(s, "big"))
    out += [
        h + r + n_minus_s + x + y,                          # (r, n - s): also valid (malleable)
        h + word(0) + s + x + y, h + r + word(0) + x + y,
        h + word(p256.N) + s + x + y, h + r + word(p256.N) + x + y,
        h + word(p256.N - 1) + s + x + y, h + r + word(p256.N - 1) + x + y,
        h + r + s + word(0) + word(0),                      # the point at infinity
        h + r + s + word(p256.P) + y, h + r + s + x + word(p256.P),
        h + r + s + x + word(p256.P - int.from_bytes(y, "big")),  # -Q
        h + r + s + word(GX) + word(GY),                    # another key
    ]
    e = int.from_bytes(h, "big")
    if e + p256.N < 2**256:
        out.append(word(e + p256.N) + r + s + x + y)        # the same hash mod n: valid
    return out


def test_agrees_with_the_old_implementation_on_random_inputs() -> None:
    rng = random.Random(7212)
    checked = valid = 0
    for _ in range(30):
        good = signed_input(rng)
        assert p256.verify(good) and p256_reference.verify(good)
        for data in mutations(good, rng) + [rng.randbytes(160), good[:-1], good + b"\x00"]:
            assert p256.verify(data) is p256_reference.verify(data), data.hex()
            checked += 1
            valid += p256.verify(data)
    # The malleable twin (r, n - s) always verifies, h + n where it fits.
    assert checked > 450 and valid > 30


@pytest.mark.parametrize("data", [b"", bytes(160), bytes(159), bytes(161), b"\xff" * 160])
def test_malformed_inputs_do_not_verify(data: bytes) -> None:
    assert not p256.verify(data)


def test_p256verify_is_a_precompile_from_fjord_only() -> None:
    address = p256.P256_ADDRESS.to_bytes(20, "big")
    assert address in precompile_table({}, PrecompileRules(fjord=True), Exception)
    assert address not in precompile_table({}, PrecompileRules(fjord=False), Exception)
