"""EIP-4844 KZG over BLS12-381: blob commitments and point-evaluation proofs, without a full setup.

Spec: EIP-4844 and the consensus specs' polynomial-commitments.md (``blob_to_kzg_commitment``,
``verify_kzg_proof``); fault-proof/index.md (the client checks every blob against its
commitment, and a KZG point-evaluation result the oracle serves). Why not ckzg here: ckzg 2.x
loads the whole trusted setup and precomputes EIP-7594 tables on load (~2 s, measured with
ckzg 2.1.8 at precompute 0), while a commitment needs only the 4096 Lagrange-basis G1 points
and a proof check only ``[tau]G2``. Both come from the public Ethereum KZG ceremony: the G1
points are package data (``kzg_g1_lagrange_brp.bin``, derived from the ceremony's
``trusted_setup.txt`` by ``derive_lagrange_points``, checked against a pinned SHA-256 when
loaded), and ``[tau]G2`` is a constant below. The curve arithmetic (multi-scalar
multiplication, pairing) is arkworks through ``py_arkworks_bls12381`` (the library the
consensus specs use for their KZG test vectors).

Blob field elements follow the setup file order after a bit-reversal permutation (the file
lists the Lagrange points in natural order; EIP-4844 blobs are in bit-reversed order).
"""

import hashlib
from collections.abc import Sequence
from functools import cache
from importlib import resources

from py_arkworks_bls12381 import GT, G1Point, G2Point, Scalar

from op_program.preimage.blob_roots import BLS_MODULUS, FIELD_ELEMENTS_PER_BLOB
from op_program.protocol.errors import ProtocolDecodeError

BYTES_PER_FIELD_ELEMENT = 32
BLOB_SIZE = FIELD_ELEMENTS_PER_BLOB * BYTES_PER_FIELD_ELEMENT
COMMITMENT_SIZE = 48
_XY_SIZE = 96
_LOG2_ELEMENTS = 12
_INFINITY_FLAG = 0x40
G1_INFINITY = b"\xc0" + bytes(47)
"""The one valid compressed encoding of the G1 point at infinity (ZCash serialization)."""

SETUP_FILE = "kzg_g1_lagrange_brp.bin"
SETUP_FILE_SHA256 = "f39d3cb84a0b8e5dbba3601ad506e5a6fc89db22b361b59b10207768a82ba623"
"""SHA-256 of ``SETUP_FILE``: 4096 affine G1 points, x ‖ y big-endian (96 bytes each)."""

TAU_G2 = bytes.fromhex(
    "b5bfd7dd8cdeb128843bc287230af38926187075cbfbefa81009a2ce615ac53d2914e5870cb452d2afaaab24"
    "f3499f72185cbfee53492714734429b7b38608e23926c911cceceac9a36851477ba4c60b087041de621000"
    "edc98edada20c1def2"
)
"""``[tau]G2`` of the Ethereum KZG ceremony, compressed (the second G2 monomial point)."""


class KZGError(ProtocolDecodeError):
    """A blob that is not 4096 canonical field elements, or a corrupt setup file."""


def _reverse_bits(value: int) -> int:
    return int(format(value, f"0{_LOG2_ELEMENTS}b")[::-1], 2)


def derive_lagrange_points(setup_text: str) -> bytes:
    """Return ``SETUP_FILE``'s bytes from a ceremony ``trusted_setup.txt`` (c-kzg format).

    The text is ``4096``, ``65``, then 4096 compressed Lagrange G1 points in natural order,
    65 G2 points, and (in newer files) 4096 monomial G1 points. Every point is fully checked
    (on the curve, in the subgroup) here, once, so loading the derived file can skip it.
    """
    words = setup_text.split()
    if len(words) < 2 + FIELD_ELEMENTS_PER_BLOB or words[:2] != ["4096", "65"]:
        raise KZGError("not a 4096-point KZG trusted setup")
    natural = [
        G1Point.from_compressed_bytes(bytes.fromhex(word))
        for word in words[2 : 2 + FIELD_ELEMENTS_PER_BLOB]
    ]
    return b"".join(
        natural[_reverse_bits(i)].to_xy_bytes_be() for i in range(FIELD_ELEMENTS_PER_BLOB)
    )


@cache
def lagrange_points() -> tuple[G1Point, ...]:
    """Return the 4096 Lagrange-basis G1 points in blob (bit-reversed) order, loaded once."""
    data = resources.files(__package__).joinpath(SETUP_FILE).read_bytes()
    if hashlib.sha256(data).hexdigest() != SETUP_FILE_SHA256:
        raise KZGError(f"{SETUP_FILE} does not have its pinned SHA-256")
    return tuple(
        G1Point.from_xy_bytes_unchecked_be(data[offset : offset + _XY_SIZE])
        for offset in range(0, FIELD_ELEMENTS_PER_BLOB * _XY_SIZE, _XY_SIZE)
    )


def _scalars(blob: bytes) -> list[Scalar]:
    if len(blob) != BLOB_SIZE:
        raise KZGError(f"blob has {len(blob)} bytes, want {BLOB_SIZE}")
    scalars = []
    for offset in range(0, BLOB_SIZE, BYTES_PER_FIELD_ELEMENT):
        element = blob[offset : offset + BYTES_PER_FIELD_ELEMENT]
        if int.from_bytes(element, "big") >= BLS_MODULUS:
            raise KZGError(f"blob field element {offset // 32} is not below the field modulus")
        scalars.append(Scalar.from_be_bytes(element))
    return scalars


def blob_to_commitment(blob: bytes) -> bytes:
    """Return the 48-byte KZG commitment of ``blob`` (``blob_to_kzg_commitment``).

    Raises:
        KZGError: the blob is not 131072 bytes of canonical field elements.
    """
    return G1Point.multiexp_unchecked(list(lagrange_points()), _scalars(blob)).to_compressed_bytes()


BATCH_DOMAIN = b"op-program blob batch v1"
"""Domain separator of the batch challenge (a Fiat-Shamir hash of everything being checked)."""


def _elements(blob: bytes) -> list[int]:
    if len(blob) != BLOB_SIZE:
        raise KZGError(f"blob has {len(blob)} bytes, want {BLOB_SIZE}")
    values = [
        int.from_bytes(blob[offset : offset + BYTES_PER_FIELD_ELEMENT], "big")
        for offset in range(0, BLOB_SIZE, BYTES_PER_FIELD_ELEMENT)
    ]
    if max(values) >= BLS_MODULUS:
        raise KZGError("a blob field element is not below the field modulus")
    return values


def blobs_match_commitments(blobs: Sequence[bytes], commitments: Sequence[bytes]) -> bool:
    """Return whether each blob's commitment is the matching 48-byte ``commitments`` entry.

    Same answer as comparing ``blob_to_commitment`` of each blob, with one 4096-point MSM for
    all of them instead of one each (an MSM is ~85 ms, most of a blob's cost): with powers of a
    challenge r, sum r^j * C_j == MSM(L, sum r^j * blob_j). r is a hash of all commitments and
    blobs (Fiat-Shamir, as EIP-4844's batch proof check derives its challenge): wrong blobs
    pass only if r is a root of a nonzero polynomial of degree < n, probability about n / 2^255
    per try with the hash modelled as a random oracle, so a supplier cannot pick them to cancel.

    Raises:
        KZGError: a blob that is not 131072 bytes of canonical field elements.
    """
    if len(blobs) != len(commitments):
        raise ValueError("one commitment per blob")
    if len(blobs) <= 1:
        return [blob_to_commitment(b) for b in blobs] == list(commitments)
    columns = [_elements(blob) for blob in blobs]
    points = [_g1(c) for c in commitments]
    pairs = zip(points, commitments, strict=True)
    if any(p is None or p.to_compressed_bytes() != c for p, c in pairs):
        return False  # not the canonical encoding of a G1 point: no blob commits to it
    digest = hashlib.sha256(BATCH_DOMAIN)
    for blob, commitment in zip(blobs, commitments, strict=True):
        digest.update(commitment)
        digest.update(blob)
    challenge = int.from_bytes(digest.digest(), "big") % BLS_MODULUS
    powers = [pow(challenge, j, BLS_MODULUS) for j in range(len(blobs))]
    combined = columns[0]  # power 0 is 1
    for power, column in zip(powers[1:], columns[1:], strict=True):
        combined = [total + power * value for total, value in zip(combined, column, strict=True)]
    scalars = [Scalar.from_be_bytes((v % BLS_MODULUS).to_bytes(32, "big")) for v in combined]
    left = G1Point.multiexp_unchecked(list(lagrange_points()), scalars)
    right = G1Point.multiexp_unchecked(
        [p for p in points if p is not None],
        [Scalar.from_be_bytes(power.to_bytes(32, "big")) for power in powers],
    )
    return bool(left == right)


def _scalar(value: bytes) -> Scalar | None:
    if len(value) != BYTES_PER_FIELD_ELEMENT or int.from_bytes(value, "big") >= BLS_MODULUS:
        return None
    return Scalar.from_be_bytes(value)


def _g1(value: bytes) -> G1Point | None:
    if len(value) != COMMITMENT_SIZE:
        return None
    if value[0] & _INFINITY_FLAG and value != G1_INFINITY:
        return None  # arkworks ignores the other bits of infinity; the ZCash encoding does not
    try:
        return G1Point.from_compressed_bytes(value)  # on the curve and in the subgroup
    except ValueError:
        return None


@cache
def _tau_g2() -> G2Point:
    return G2Point.from_compressed_bytes(TAU_G2)


def verify_proof(commitment: bytes, z: bytes, y: bytes, proof: bytes) -> bool:
    """Return whether ``proof`` shows the polynomial of ``commitment`` is ``y`` at ``z``.

    ``verify_kzg_proof``: e(C - [y]G1, G2) == e(proof, [tau]G2 - [z]G2). Malformed inputs
    (a non-canonical scalar, a point not on the curve or not in the subgroup) are not a valid
    proof, as for the precompile.
    """
    point, quotient = _g1(commitment), _g1(proof)
    z_scalar, y_scalar = _scalar(z), _scalar(y)
    if point is None or quotient is None or z_scalar is None or y_scalar is None:
        return False
    left = point - G1Point() * y_scalar
    right = _tau_g2() - G2Point() * z_scalar
    return GT.pairing_check([left, -quotient], [G2Point(), right])
