"""state_db's inline decoder of storage values agrees with the strict RLP decoder."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from op_program.encoding.rlp import rlp_encode
from op_program.executor.evm_backend.state_db import _storage_int
from op_program.mpt.account import decode_storage_value


def _encode(value: int) -> bytes:
    return rlp_encode(value.to_bytes((value.bit_length() + 7) // 8, "big"))


@given(st.integers(1, 2**256 - 1) | st.integers(1, 300))
def test_canonical_values_decode_as_the_strict_decoder_does(value: int) -> None:
    encoded = _encode(value)
    assert _storage_int(encoded) == decode_storage_value(encoded) == value


@pytest.mark.parametrize("encoded", [
    b"\x00",  # a zero byte is no canonical integer
    b"\x81\x05",  # a single small byte must be encoded as itself
    b"\x82\x00\x01",  # leading zero
    b"\xa1" + b"\x01" * 33,  # more than 32 bytes
    b"\x82\x01",  # truncated
])
def test_non_canonical_values_are_rejected(encoded: bytes) -> None:
    with pytest.raises(Exception) as strict:
        decode_storage_value(encoded)
    with pytest.raises(type(strict.value)):
        _storage_int(encoded)
