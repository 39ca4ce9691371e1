"""P256VERIFY (RIP-7212, Fjord): signatures made with pycryptodome verify; malformed ones do not."""

from Crypto.Hash import SHA256
from Crypto.PublicKey import ECC
from Crypto.Signature import DSS

from op_program.executor import p256
from op_program.executor.precompile_table import precompile_table
from op_program.executor.precompiles import PrecompileRules


def signed_input(message: bytes) -> bytes:
    key = ECC.generate(curve="P-256")
    digest = SHA256.new(message)
    signature = DSS.new(key, "fips-186-3").sign(digest)
    point = key.public_key().pointQ
    return (digest.digest() + signature + int(point.x).to_bytes(32, "big")
            + int(point.y).to_bytes(32, "big"))


def test_valid_signatures_verify() -> None:
    for i in range(3):
        assert p256.verify(signed_input(b"op-program %d" % i))


def test_tampered_or_malformed_inputs_do_not_verify() -> None:
    good = signed_input(b"hello")
    assert not p256.verify(bytes([good[0] ^ 1]) + good[1:])  # other hash
    assert not p256.verify(good[:32] + bytes([good[32] ^ 1]) + good[33:])  # other r
    assert not p256.verify(good[:-1])  # short
    assert not p256.verify(good + b"\x00")  # long
    assert not p256.verify(good[:32] + bytes(32) + good[64:])  # r = 0
    assert not p256.verify(good[:128] + bytes([good[128] ^ 1]) + good[129:])  # off the curve


def test_p256verify_is_a_precompile_from_fjord_only() -> None:
    address = p256.P256_ADDRESS.to_bytes(20, "big")
    assert address in precompile_table({}, PrecompileRules(fjord=True), Exception)
    assert address not in precompile_table({}, PrecompileRules(fjord=False), Exception)
