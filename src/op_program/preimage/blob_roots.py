"""Evaluation points of blob field elements: bit-reversed 4096th roots of unity (EIP-4844).

Spec: fault-proof/index.md, "Type 5: Global EIP-4844 Point-evaluation key". Field element ``i``
of a blob is the evaluation of the blob polynomial at ``z_i``, the i-th entry of the
bit-reversal permutation of the 4096th roots of unity of BLS12-381's scalar field; its preimage
key is ``blob_key(commitment, z_i)``. Keying by ``i`` itself is a known trap (the 2024 scheme).
"""

from functools import cache

from op_program.preimage.errors import InvalidKeyError

BLS_MODULUS = 0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001
"""The order r of the BLS12-381 scalar field."""

PRIMITIVE_ROOT_OF_UNITY = 7
"""The generator EIP-4844 uses to derive roots of unity of the scalar field."""

FIELD_ELEMENTS_PER_BLOB = 4096
_LOG2_ELEMENTS = 12


def _reverse_bits(value: int, width: int) -> int:
    return int(format(value, f"0{width}b")[::-1], 2)


@cache
def blob_evaluation_points() -> tuple[bytes, ...]:
    """Return the 4096 points ``z_i`` as 32-byte big-endian values, in field-element order."""
    omega = pow(PRIMITIVE_ROOT_OF_UNITY, (BLS_MODULUS - 1) // FIELD_ELEMENTS_PER_BLOB, BLS_MODULUS)
    powers = [1] * FIELD_ELEMENTS_PER_BLOB
    for exponent in range(1, FIELD_ELEMENTS_PER_BLOB):
        powers[exponent] = powers[exponent - 1] * omega % BLS_MODULUS
    return tuple(
        powers[_reverse_bits(i, _LOG2_ELEMENTS)].to_bytes(32, "big")
        for i in range(FIELD_ELEMENTS_PER_BLOB)
    )


def blob_evaluation_point(index: int) -> bytes:
    """Return ``z`` for blob field element ``index`` (0..4095) as 32 big-endian bytes."""
    if not 0 <= index < FIELD_ELEMENTS_PER_BLOB:
        raise InvalidKeyError(f"blob field element index out of range: {index}")
    return blob_evaluation_points()[index]
