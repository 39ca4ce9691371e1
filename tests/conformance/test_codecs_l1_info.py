"""Conformance: L1-info calldata per fork, real OP Sepolia L1-info deposits, source hashes."""

import json
from typing import Any

import pytest

from op_program.protocol.deposits import (
    after_force_include_source_hash,
    l1_info_deposit_source_hash,
    upgrade_deposit_source_hash,
)
from op_program.protocol.l1_info import (
    L1BlockRefInfo,
    L1InfoDecodeError,
    L1InfoFork,
    build_l1_block_info,
    decode_l1_info,
    l1_info_deposit,
)
from op_program.protocol.predeploys import L1_BLOCK, L1_INFO_DEPOSITOR
from op_program.protocol.system_config import SystemConfig, encode_ecotone_scalar
from op_program.protocol.transactions import DepositTransaction, decode_transaction
from tests.fixture_paths import fixtures_path


def _load(name: str) -> Any:
    return json.loads(fixtures_path("vectors", "l1-info", name).read_text())


def test_kona_vectors_decode_and_encode_byte_exact() -> None:
    forks = {"bedrock": L1InfoFork.BEDROCK, "ecotone": L1InfoFork.ECOTONE}
    forks["isthmus"] = L1InfoFork.ISTHMUS
    vectors = _load("l1_info_vectors.json")["kona"]["vectors"]
    assert len(vectors) == 3
    for vector in vectors:
        calldata = bytes.fromhex(vector["calldata_hex"])
        info = decode_l1_info(calldata)
        assert info.fork is forks[vector["fork"]]
        assert len(calldata) == vector["len"] == info.fork.length
        expected = vector["expected_decoded"]
        assert (info.number, info.time, info.base_fee) == (
            expected["number"], expected["time"], expected["base_fee"]
        )
        assert info.block_hash.hex() == expected["block_hash"][2:]
        assert info.sequence_number == expected["sequence_number"]
        assert info.batcher_address.hex() == expected["batcher_address"][2:]
        if info.fork is L1InfoFork.BEDROCK:
            assert int.from_bytes(info.l1_fee_overhead, "big") == expected["l1_fee_overhead"]
            assert int.from_bytes(info.l1_fee_scalar, "big") == expected["l1_fee_scalar"]
        else:
            assert info.blob_base_fee == expected["blob_base_fee"]
            assert info.blob_base_fee_scalar == expected["blob_base_fee_scalar"]
            assert info.base_fee_scalar == expected["base_fee_scalar"]
        if info.fork is L1InfoFork.ISTHMUS:
            assert info.operator_fee_scalar == expected["operator_fee_scalar"]
            assert info.operator_fee_constant == expected["operator_fee_constant"]
        assert info.encode() == calldata


def test_op_geth_payloads_round_trip_including_jovian() -> None:
    vectors = _load("l1_info_vectors.json")["op_geth"]["vectors"]
    seen = []
    for vector in vectors:
        payload = bytes.fromhex(vector["payload_hex"])
        if vector["test"] == "TestDeriveOptimismBedrockTxReceipts":
            # op-geth's receipt code accepts trailing data; op-node's decoder does not.
            with pytest.raises(L1InfoDecodeError):
                decode_l1_info(payload)
            assert decode_l1_info(payload[:260]).encode() == payload[:260]
            continue
        info = decode_l1_info(payload)
        assert info.encode() == payload
        assert (info.base_fee_scalar, info.blob_base_fee_scalar) == (2, 3)
        seen.append(info.fork)
        if info.fork is L1InfoFork.JOVIAN:
            assert info.da_footprint_gas_scalar == 400
            assert info.operator_fee_scalar == 1439103868
            assert info.operator_fee_constant == 1256417826609331460
    assert seen == [L1InfoFork.ECOTONE, L1InfoFork.ISTHMUS, L1InfoFork.ISTHMUS, L1InfoFork.JOVIAN]


@pytest.mark.parametrize(
    "calldata",
    ["015d8eb9dead", "440a5e20dead", "098999bedead", "3db6be2b00", "deadbeef", "", "01"],
)
def test_error_cases(calldata: str) -> None:
    with pytest.raises(L1InfoDecodeError):
        decode_l1_info(bytes.fromhex(calldata))


def test_real_op_sepolia_l1_info_deposits_rebuilt_byte_exact() -> None:
    deposits = _load("real_op_sepolia_l1_info_deposits.json")
    assert len(deposits) == 8
    for entry in deposits:
        raw = bytes.fromhex(entry["deposit_tx_hex"][2:])
        decoded = entry["decoded"]
        config = SystemConfig(
            batcher_address=bytes.fromhex(decoded["batcherHash"][2:])[12:],
            scalar=encode_ecotone_scalar(decoded["baseFeeScalar"], decoded["blobBaseFeeScalar"]),
        )
        l1_block = L1BlockRefInfo(
            number=decoded["l1Number"],
            time=decoded["l1Timestamp"],
            base_fee=decoded["l1BaseFee"],
            block_hash=bytes.fromhex(decoded["l1BlockHash"][2:]),
            blob_base_fee=decoded["l1BlobBaseFee"],
        )
        info = build_l1_block_info(L1InfoFork.ECOTONE, l1_block, decoded["sequenceNumber"], config)
        tx = l1_info_deposit(info, regolith=True)
        assert tx.encode() == raw
        assert tx.hash.hex() == entry["tx_hash"][2:]
        assert tx.source_hash.hex() == entry["source_hash"][2:]
        assert (tx.from_address, tx.to, tx.gas) == (
            L1_INFO_DEPOSITOR, L1_BLOCK, 1_000_000
        )
        parsed = decode_transaction(raw)
        assert isinstance(parsed, DepositTransaction)
        assert decode_l1_info(parsed.data) == info


def test_deposit_source_hash_vectors() -> None:
    doc = _load("deposit_source_hashes.json")
    assert len(doc["vectors"]) == 4
    for vector in doc["vectors"]:
        if vector["kind"] == "UpgradeDepositSource":
            got = upgrade_deposit_source_hash(vector["intent"])
        else:
            block_hash = bytes.fromhex(vector["l1_block_hash"][2:])
            fn = (
                l1_info_deposit_source_hash
                if vector["kind"] == "L1InfoDepositSource"
                else after_force_include_source_hash
            )
            got = fn(block_hash, vector["seq_number"])
        assert "0x" + got.hex() == vector["expected"]
