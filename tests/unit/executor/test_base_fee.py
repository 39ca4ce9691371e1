"""EIP-1559 parameters: Holocene/Jovian extraData and the next base fee (eip1559 vectors)."""

import json
from typing import Any

import pytest

from op_program.executor.base_fee import (
    Eip1559Params,
    decode_eip1559_params,
    decode_extra_data,
    encode_extra_data,
    next_base_fee,
)
from op_program.executor.errors import InvalidAttributesError
from tests.fixture_paths import fixtures_path


def vectors() -> dict[str, Any]:
    path = fixtures_path("vectors", "eip1559-extradata", "eip1559_extradata_vectors.json")
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def encode_with_defaults(params_hex: str, default: dict[str, int], jovian: bool,
                         min_base_fee: int = 0) -> bytes:
    d, e = decode_eip1559_params(bytes.fromhex(params_hex[2:]))
    if d == 0:
        d, e = default["max_change_denominator"], default["elasticity_multiplier"]
    return encode_extra_data(Eip1559Params(d, e, min_base_fee), jovian)


def test_op_alloy_encodings() -> None:
    for v in vectors()["op_alloy_vectors"]:
        if v["fn"] == "encode_holocene_extra_data":
            got = encode_with_defaults(v["eip1559_params"], v["default_base_fee_params"], False)
            assert "0x" + got.hex() == v["expected"]
        elif v["fn"] == "encode_jovian_extra_data":
            got = encode_with_defaults(v["eip1559_params"], v["default_base_fee_params"], True,
                                       v["min_base_fee"])
            assert "0x" + got.hex() == v["expected"]


def test_decode_rejects_wrong_lengths_and_versions() -> None:
    holocene = encode_extra_data(Eip1559Params(8, 8), False)
    jovian = encode_extra_data(Eip1559Params(8, 8, 257), True)
    with pytest.raises(InvalidAttributesError):
        decode_extra_data(holocene[:8], False)
    with pytest.raises(InvalidAttributesError):
        decode_extra_data(jovian, False)
    with pytest.raises(InvalidAttributesError):
        decode_extra_data(holocene, True)
    with pytest.raises(InvalidAttributesError):
        decode_extra_data(jovian + b"\x00", True)
    assert decode_extra_data(jovian, True) == Eip1559Params(8, 8, 257)
    assert decode_extra_data(bytes.fromhex("01000000fa00000006000000003b9aca00"), True) == (
        Eip1559Params(250, 6, 10**9))


def test_eip1559_params_zero_denominator_needs_zero_elasticity() -> None:
    with pytest.raises(InvalidAttributesError):
        decode_eip1559_params(bytes.fromhex("0000000000000006"))
    with pytest.raises(InvalidAttributesError):
        decode_eip1559_params(b"\x00" * 7)
    assert decode_eip1559_params(bytes(8)) == (0, 0)


def test_op_geth_bedrock_and_canyon_base_fees() -> None:
    cases = vectors()["op_geth_base_fee_vectors"]["TestCalcBaseFeeOptimism"]["cases"]
    for c in cases:
        params = Eip1559Params(250 if c["post_canyon"] else 50, 6)
        assert next_base_fee(10**9, 30_000_000, c["gasUsed"], params) == c["expected"], c


def test_op_geth_holocene_base_fees() -> None:
    cases = vectors()["op_geth_base_fee_vectors"]["TestCalcBaseFeeOptimismHolocene"]["cases"]
    for c in cases:
        params = Eip1559Params(c["denom"], c["elasticity"])
        assert next_base_fee(10_000_000, 30_000_000, c["gasUsed"], params) == c["expected"], c


def test_jovian_min_base_fee_clamp() -> None:
    cases = vectors()["go_jovian_vectors_secondary"]["TestCalcBaseFeeJovian"]["cases"]
    for c in cases:
        minimum = 10**9 if c["extra"] == "jovian(50,3,1e9)" else 0
        params = Eip1559Params(50, 3, minimum)
        assert next_base_fee(c["parentBaseFee"], 30_000_000, c["gasUsed"], params) == (
            c["expected"]), c["name"]
