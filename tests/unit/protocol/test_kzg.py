"""protocol.kzg against ckzg (the reference C library) on the real witness's blobs."""

import hashlib
import random
from importlib import resources

import ckzg
import pytest

from op_program.devnet.ckzg_setup import ckzg_trusted_setup, trusted_setup_path
from op_program.preimage.blob_roots import BLS_MODULUS, blob_evaluation_points
from op_program.preimage.keys import blob_key
from op_program.protocol import kzg
from tests.unit.client.witness import witness

P = 0x1A0111EA397FE69A4B1BA7B6434BACD764774B84F38512BF6730D2A0F6B0F6241EABFFFEB153FFFFB9FEFFFFAAAB
INFINITY = kzg.G1_INFINITY
ZERO = bytes(32)
BLOB_SIZE = kzg.BLOB_SIZE


def _real_blobs() -> list[tuple[bytes, bytes]]:
    table, _ = witness()
    commitments = sorted(v for k, v in table.items() if k[0] == 4)
    return [
        (b"".join(table[blob_key(c, z)] for z in blob_evaluation_points()), c)
        for c in commitments
    ]


def _ckzg_commitment(blob: bytes) -> bytes | None:
    try:
        return bytes(ckzg.blob_to_kzg_commitment(blob, ckzg_trusted_setup()))
    except (RuntimeError, ValueError):
        return None


def _ours(blob: bytes) -> bytes | None:
    try:
        return kzg.blob_to_commitment(blob)
    except kzg.KZGError:
        return None


def _ckzg_verify(commitment: bytes, z: bytes, y: bytes, proof: bytes) -> bool:
    try:
        return bool(ckzg.verify_kzg_proof(commitment, z, y, proof, ckzg_trusted_setup()))
    except (RuntimeError, ValueError):
        return False


def test_packaged_points_are_the_ceremony_lagrange_points() -> None:
    data = resources.files("op_program.protocol").joinpath(kzg.SETUP_FILE).read_bytes()
    assert hashlib.sha256(data).hexdigest() == kzg.SETUP_FILE_SHA256
    assert kzg.derive_lagrange_points(trusted_setup_path().read_text()) == data


def test_tau_g2_is_the_ceremony_point() -> None:
    words = trusted_setup_path().read_text().split()
    assert bytes.fromhex(words[2 + 4096 + 1]) == kzg.TAU_G2


def test_real_blobs_and_tampered_ones_match_ckzg() -> None:
    blobs = _real_blobs()
    assert len(blobs) == 6
    for number, (blob, commitment) in enumerate(blobs):
        assert kzg.blob_to_commitment(blob) == commitment == _ckzg_commitment(blob)
        tampered = bytearray(blob)
        tampered[32 * (number * 600) + 31] ^= 1
        ours = _ours(bytes(tampered))
        assert ours is not None and ours != commitment
        assert ours == _ckzg_commitment(bytes(tampered))
        too_big = bytes(tampered[: 32 * 5]) + BLS_MODULUS.to_bytes(32, "big") + blob[32 * 6 :]
        assert _ours(too_big) is None and _ckzg_commitment(too_big) is None
    assert _ours(blobs[0][0][:-1]) is None


def test_proofs_on_real_blobs_match_ckzg() -> None:
    rng = random.Random(4844)
    for blob, commitment in _real_blobs()[:3]:
        z = rng.randrange(BLS_MODULUS).to_bytes(32, "big")
        proof_, y_ = ckzg.compute_kzg_proof(blob, z, ckzg_trusted_setup())
        proof, y = bytes(proof_), bytes(y_)
        wrong_y = ((int.from_bytes(y, "big") + 1) % BLS_MODULUS).to_bytes(32, "big")
        wrong_z = ((int.from_bytes(z, "big") + 1) % BLS_MODULUS).to_bytes(32, "big")
        cases = [
            (commitment, z, y, proof),
            (commitment, z, wrong_y, proof),
            (commitment, wrong_z, y, proof),
            (commitment, z, y, commitment),
            (proof, z, y, proof),
        ]
        answers = [kzg.verify_proof(*case) for case in cases]
        assert answers == [_ckzg_verify(*case) for case in cases]
        assert answers == [True, False, False, False, False]


def _malformed() -> list[tuple[bytes, bytes, bytes, bytes]]:
    compressed = 0x80 << 376
    on_curve = off_curve = b""
    for x in range(1, 100):
        square = pow((x**3 + 4) % P, (P - 1) // 2, P) == 1
        if square and not on_curve:
            on_curve = (compressed | x).to_bytes(48, "big")  # on the curve, not in G1
        if not square and not off_curve:
            off_curve = (compressed | x).to_bytes(48, "big")
    modulus = BLS_MODULUS.to_bytes(32, "big")
    return [
        (INFINITY, ZERO, ZERO, INFINITY),  # the zero polynomial: a valid proof
        (b"\xc0" + bytes(46) + b"\x01", ZERO, ZERO, INFINITY),
        (b"\xe0" + bytes(47), ZERO, ZERO, INFINITY),
        (INFINITY, ZERO, ZERO, b"\xc0" + b"\x01" + bytes(46)),
        (bytes(48), ZERO, ZERO, INFINITY),
        ((compressed | P).to_bytes(48, "big"), ZERO, ZERO, INFINITY),
        (off_curve, ZERO, ZERO, INFINITY),
        (on_curve, ZERO, ZERO, INFINITY),
        (INFINITY, ZERO, ZERO, on_curve),
        (INFINITY, modulus, ZERO, INFINITY),
        (INFINITY, ZERO, modulus, INFINITY),
        (INFINITY[:47], ZERO, ZERO, INFINITY),
    ]


@pytest.mark.parametrize("case", range(12))
def test_malformed_points_and_scalars_match_ckzg(case: int) -> None:
    inputs = _malformed()[case]
    assert kzg.verify_proof(*inputs) == _ckzg_verify(*inputs)
    assert kzg.verify_proof(*inputs) == (case == 0)


def test_a_setup_file_without_its_hash_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    kzg.lagrange_points.cache_clear()
    monkeypatch.setattr(kzg, "SETUP_FILE_SHA256", "00" * 32)
    try:
        with pytest.raises(kzg.KZGError):
            kzg.lagrange_points()
    finally:
        kzg.lagrange_points.cache_clear()


def test_batch_check_agrees_with_one_by_one() -> None:
    blobs, commitments = zip(*_real_blobs(), strict=True)
    assert kzg.blobs_match_commitments(list(blobs), list(commitments))
    assert kzg.blobs_match_commitments(list(blobs[:1]), list(commitments[:1]))
    assert kzg.blobs_match_commitments([], [])
    swapped = [commitments[1], commitments[0], *commitments[2:]]
    assert not kzg.blobs_match_commitments(list(blobs), swapped)
    tampered = bytearray(blobs[4])
    tampered[32 * 4095 + 31] ^= 0x10
    assert not kzg.blobs_match_commitments([*blobs[:4], bytes(tampered), blobs[5]], commitments)
    # Element 0 of blob 0 up by one and of blob 1 down by one: the sum of the two blobs (and so
    # of their commitments) is unchanged, the challenge powers still catch it.
    first, second = (int.from_bytes(b[:32], "big") for b in blobs[:2])
    assert 0 < second and first + 1 < BLS_MODULUS
    moved = [(first + 1).to_bytes(32, "big") + blobs[0][32:],
             (second - 1).to_bytes(32, "big") + blobs[1][32:]]
    assert not kzg.blobs_match_commitments(moved, commitments[:2])
    garbage_infinity = b"\xc0" + bytes(46) + b"\x01"
    assert not kzg.blobs_match_commitments([blobs[0], bytes(BLOB_SIZE)],
                                           [commitments[0], garbage_infinity])
    assert kzg.blobs_match_commitments([blobs[0], bytes(BLOB_SIZE)],
                                       [commitments[0], INFINITY])
    with pytest.raises(kzg.KZGError):
        kzg.blobs_match_commitments([blobs[0], b"\xff" * BLOB_SIZE], commitments[:2])
    with pytest.raises(ValueError):
        kzg.blobs_match_commitments(list(blobs[:2]), list(commitments[:1]))
