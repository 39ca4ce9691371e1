"""L1 data fee, FastLZ and operator fee against vectors/l1-cost (real OP Mainnet fees included)."""

import json
from typing import Any

import pytest

from op_program.executor.fees.fastlz import flz_compress_len
from op_program.executor.fees.l1_cost import (
    L1CostRules,
    L1FeeParams,
    calldata_gas,
    da_footprint,
    fjord_estimated_size_scaled,
    l1_cost,
    read_l1_fee_params,
)
from op_program.executor.fees.operator_fee import operator_fee
from tests.fixture_paths import fixtures_path

BEDROCK = L1CostRules(regolith=False, ecotone=False, fjord=False)
REGOLITH = L1CostRules(regolith=True, ecotone=False, fjord=False)
ECOTONE = L1CostRules(regolith=True, ecotone=True, fjord=False)
FJORD = L1CostRules(regolith=True, ecotone=True, fjord=True)
RULES = {"REGOLITH": REGOLITH, "ECOTONE": ECOTONE, "FJORD": FJORD}


def revm() -> dict[str, Any]:
    path = fixtures_path("vectors", "l1-cost", "op_revm_l1_cost.json")
    data: dict[str, Any] = json.loads(path.read_text())
    return {c["name"]: c for c in data["cases"]}


def geth() -> dict[str, Any]:
    path = fixtures_path("vectors", "l1-cost", "op_geth_rollup_cost.json")
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def params(info: dict[str, int]) -> L1FeeParams:
    return L1FeeParams(
        l1_base_fee=info.get("l1_base_fee", 0), overhead=info.get("l1_fee_overhead", 0),
        scalar=info.get("l1_base_fee_scalar", 0), blob_base_fee=info.get("l1_blob_base_fee", 0),
        base_fee_scalar=info.get("l1_base_fee_scalar", 0),
        blob_base_fee_scalar=info.get("l1_blob_base_fee_scalar", 0),
    )


def test_real_op_mainnet_ecotone_fee_to_the_wei() -> None:
    case = revm()["ecotone_op_mainnet_block_118024092_tx1"]
    tx = bytes.fromhex(case["tx_hex"])
    assert calldata_gas(tx) == 2456
    assert l1_cost(tx, params(case["l1_block_info"]), ECOTONE) == 7306020222001


def test_real_op_mainnet_fjord_fee_to_the_wei() -> None:
    case = revm()["fjord_op_mainnet_block_124665056_tx1"]
    tx = bytes.fromhex(case["tx_hex"])
    assert l1_cost(tx, params(case["l1_block_info"]), FJORD) == 0x5BF1AB43D
    assert fjord_estimated_size_scaled(flz_compress_len(tx)) * 16 // 1_000_000 == 4471


@pytest.mark.parametrize(
    "name", ["regolith_cost", "ecotone_cost_synthetic", "fjord_cost_synthetic"]
)
def test_synthetic_fees(name: str) -> None:
    case = revm()[name]
    p = params(case["l1_block_info"])
    for expect in case["expected"]:
        tx = bytes.fromhex(expect["input_hex"])
        if expect.get("empty_ecotone_scalars"):
            # Ecotone active but the L1Block contract not upgraded yet: the Bedrock formula.
            p2 = L1FeeParams(l1_base_fee=p.l1_base_fee, overhead=p.overhead, scalar=p.scalar)
            assert l1_cost(tx, p2, RULES[case["spec"]]) == expect["l1_cost"]
            continue
        if "fastlz_size" in expect:
            assert flz_compress_len(tx) == expect["fastlz_size"]
        assert l1_cost(tx, p, RULES[case["spec"]]) == expect["l1_cost"], expect


def test_data_gas_vectors() -> None:
    for name in ("data_gas_non_zero_bytes", "data_gas_zero_bytes"):
        case = revm()[name]
        data = bytes.fromhex(case["input_hex"])
        assert calldata_gas(data, regolith=False) == case["expected"]["bedrock_data_gas"]
        assert calldata_gas(data) == case["expected"]["regolith_data_gas"]
        size = fjord_estimated_size_scaled(flz_compress_len(data))
        assert size * 16 // 1_000_000 == case["expected"]["fjord_data_gas"]


def test_op_geth_empty_tx_fees() -> None:
    g = geth()
    tx = bytes.fromhex(g["emptyTx"]["marshal_binary_hex_derived"])
    p = g["params"]
    exp = g["expected_on_emptyTx"]
    bedrock = L1FeeParams(l1_base_fee=p["baseFee"], overhead=p["overhead"], scalar=p["scalar"])
    assert l1_cost(tx, bedrock, BEDROCK) == exp["bedrockFee"]
    assert l1_cost(tx, bedrock, REGOLITH) == exp["regolithFee"]
    eco = L1FeeParams(l1_base_fee=p["baseFee"], blob_base_fee=p["blobBaseFee"],
                      base_fee_scalar=p["baseFeeScalar"],
                      blob_base_fee_scalar=p["blobBaseFeeScalar"])
    assert l1_cost(tx, eco, ECOTONE) == exp["ecotoneFee"]
    assert l1_cost(tx, eco, FJORD) == exp["fjordFee"]
    # First Ecotone block: scalars and blob base fee unset in L1Block => Regolith formula.
    assert l1_cost(tx, bedrock, ECOTONE) == exp["regolithFee"]


def test_fjord_solidity_parity() -> None:
    v = geth()["fjord_solidity_parity"]
    size = fjord_estimated_size_scaled(v["fastLzSize"])
    per_byte = 16 * v["baseFee"] * v["baseFeeScalar"] + v["blobBaseFee"] * v["blobBaseFeeScalar"]
    assert size * 16 // 1_000_000 == v["expected_gas"]
    assert size * per_byte // 10**12 == v["expected_fee"]


def test_flz_compress_len_vectors() -> None:
    for v in geth()["FlzCompressLen"]:
        assert flz_compress_len(bytes.fromhex(v["input_hex"])) == v["expected"], v["input"]


def test_deposits_pay_no_l1_fee() -> None:
    p = L1FeeParams(l1_base_fee=10**9, base_fee_scalar=1000, blob_base_fee=1,
                    blob_base_fee_scalar=1000)
    assert l1_cost(b"\x7e\x01\x02", p, FJORD) == 0
    assert da_footprint(b"\x7e\x01\x02", 400) == 0


def test_operator_fee_formulas() -> None:
    case = revm()["operator_fee_formulas"]
    scalar = case["l1_block_info"]["operator_fee_scalar"]
    constant = case["l1_block_info"]["operator_fee_constant"]
    gas = case["gas_limit"]
    assert operator_fee(gas, scalar, constant, jovian=False) == case["expected"]["ISTHMUS"]
    assert operator_fee(gas, scalar, constant, jovian=True) == case["expected"]["JOVIAN"]


def test_operator_fee_refund() -> None:
    case = revm()["operator_fee_refund_isthmus"]
    info, gas = case["l1_block_info"], case["gas"]
    scalar, constant = info["operator_fee_scalar"], info["operator_fee_constant"]
    used = gas["limit"] - gas["remaining"] + gas["refunded"]
    refund = operator_fee(gas["limit"], scalar, constant, False) - operator_fee(
        used, scalar, constant, False)
    assert refund == case["expected"]["refund"]


def test_l1block_slot_offsets_count_from_the_right() -> None:
    # Slot 3: sequence number (offset 0, 8 bytes), blobBaseFeeScalar (offset 8),
    # baseFeeScalar (offset 12); slot 8: operatorFeeConstant (offset 0, 8 bytes),
    # operatorFeeScalar (offset 8), daFootprintGasScalar (offset 12) — L1Block's declaration
    # order, read by op-revm at big-endian bytes [24:32) and [20:24).
    slot3 = (1368 << 96) | (810949 << 64) | 7
    slot8 = (400 << 96) | (2000 << 64) | 123456789
    words = {1: 5, 3: slot3, 7: 9, 8: slot8}
    p = read_l1_fee_params(lambda s: words.get(s, 0), ecotone=True, isthmus=True)
    assert (p.base_fee_scalar, p.blob_base_fee_scalar) == (1368, 810949)
    assert (p.operator_fee_scalar, p.operator_fee_constant) == (2000, 123456789)
    assert p.da_footprint_gas_scalar == 400
    assert (p.l1_base_fee, p.blob_base_fee) == (5, 9)


def test_l1block_reads_only_what_the_reference_reads() -> None:
    read: list[int] = []

    def storage(slot: int) -> int:
        read.append(slot)
        return 1

    read_l1_fee_params(storage, ecotone=True, isthmus=False)
    assert sorted(read) == [1, 3, 7]
