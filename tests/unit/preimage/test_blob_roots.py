import pytest

from op_program.preimage.blob_roots import (
    BLS_MODULUS,
    FIELD_ELEMENTS_PER_BLOB,
    blob_evaluation_point,
    blob_evaluation_points,
)
from op_program.preimage.errors import InvalidKeyError


def test_first_points_are_bit_reversed_not_indices() -> None:
    points = blob_evaluation_points()
    assert int.from_bytes(points[0], "big") == 1
    # element 1 sits at omega^2048 = -1, element 2 at omega^1024 (a square root of -1)
    assert int.from_bytes(points[1], "big") == BLS_MODULUS - 1
    z2 = int.from_bytes(points[2], "big")
    assert z2 * z2 % BLS_MODULUS == BLS_MODULUS - 1
    z3 = int.from_bytes(points[3], "big")
    assert z3 == BLS_MODULUS - z2
    assert points[2].hex() == (
        "00000000000000008d51ccce760304d0ec030002760300000001000000000000"
    )


def test_all_points_are_distinct_4096th_roots_of_unity() -> None:
    points = blob_evaluation_points()
    assert len(points) == FIELD_ELEMENTS_PER_BLOB
    assert len(set(points)) == FIELD_ELEMENTS_PER_BLOB
    values = [int.from_bytes(p, "big") for p in points]
    assert all(len(p) == 32 for p in points)
    assert all(0 < v < BLS_MODULUS for v in values)
    assert all(pow(v, FIELD_ELEMENTS_PER_BLOB, BLS_MODULUS) == 1 for v in values)
    # omega is primitive: omega^2048 == -1
    omega = values[2048]  # bit-reverse(2048) == 1, so this is omega itself
    assert pow(omega, FIELD_ELEMENTS_PER_BLOB // 2, BLS_MODULUS) == BLS_MODULUS - 1


def test_point_accessor() -> None:
    assert blob_evaluation_point(4095) == blob_evaluation_points()[4095]
    for bad in (-1, 4096):
        with pytest.raises(InvalidKeyError):
            blob_evaluation_point(bad)
