"""Holocene/Jovian ``extraData`` codec: layout, versions, lengths (exec-engine.md of each)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from op_program.protocol.extra_data import (
    Eip1559Params,
    ExtraDataDecodeError,
    decode_extra_data,
    encode_extra_data,
)

U32 = st.integers(0, 2**32 - 1)
U64 = st.integers(0, 2**64 - 1)


def test_layout_of_both_versions() -> None:
    params = Eip1559Params(250, 6, 10**9)
    assert encode_extra_data(params, False).hex() == "00000000fa00000006"
    assert encode_extra_data(params, True).hex() == "01000000fa00000006000000003b9aca00"
    assert params.packed.hex() == "000000fa00000006"
    assert decode_extra_data(bytes.fromhex("00000000fa00000006"), False) == Eip1559Params(250, 6)
    assert decode_extra_data(bytes.fromhex("01000000fa00000006000000003b9aca00"), True) == params


def test_wrong_version_or_length_is_rejected() -> None:
    holocene = encode_extra_data(Eip1559Params(8, 8), False)
    jovian = encode_extra_data(Eip1559Params(8, 8, 257), True)
    for extra, is_jovian in ((holocene, True), (jovian, False), (b"", False), (b"", True),
                             (holocene[:8], False), (jovian + b"\x00", True),
                             (b"\x01" + holocene[1:], False), (b"\x00" + jovian[1:], True)):
        with pytest.raises(ExtraDataDecodeError):
            decode_extra_data(extra, is_jovian)


def test_zero_denominator_is_left_to_the_caller() -> None:
    assert decode_extra_data(bytes(9), False) == Eip1559Params(0, 0)


@given(U32, U32, U64, st.booleans())
def test_round_trip(denominator: int, elasticity: int, min_base_fee: int, jovian: bool) -> None:
    params = Eip1559Params(denominator, elasticity, min_base_fee if jovian else 0)
    assert decode_extra_data(encode_extra_data(params, jovian), jovian) == params


@given(st.binary(max_size=24), st.booleans())
def test_any_bytes_decode_exactly_or_raise(extra: bytes, jovian: bool) -> None:
    try:
        params = decode_extra_data(extra, jovian)
    except ExtraDataDecodeError:
        return
    assert encode_extra_data(params, jovian) == extra
