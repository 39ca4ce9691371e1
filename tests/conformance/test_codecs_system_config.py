"""Conformance: SystemConfig update logs (kona per-update vectors, op-node apply vectors)."""

import json
from typing import Any

import pytest

from op_program.protocol.receipts import Log, Receipt
from op_program.protocol.system_config import (
    CONFIG_UPDATE_TOPIC,
    SystemConfig,
    SystemConfigLogError,
    apply_config_update,
    update_with_receipts,
)
from tests.fixture_paths import fixtures_path

KINDS = {
    "batcher.rs": 0, "gas_config.rs": 1, "gas_limit.rs": 2, "signer.rs": 3, "eip1559.rs": 4,
    "operator_fee.rs": 5, "min_base_fee.rs": 6, "da_footprint_gas_scalar.rs": 7,
}
# op-node (the fault-proof reference) ignores the unsafe-block-signer payload and only checks
# the EIP-1559 params for a zero denominator with non-zero elasticity; kona is stricter there.
OP_NODE_ACCEPTS = {
    "test_eip1559_update_eip1559_decoding_error",
    "test_signer_update_invalid_data_len",
    "test_signer_update_pointer_decoding_error",
    "test_signer_update_invalid_pointer_length",
    "test_signer_update_length_decoding_error",
    "test_signer_update_invalid_data_length",
    "test_signer_update_address_decoding_error",
}
START = SystemConfig(batcher_address=bytes(20))
APPLY_TO_DECODER_TEST = {
    "test_system_config_update_gas_config_log": "test_gas_config_update_try_from",
    "test_system_config_update_gas_limit_log": "test_gas_limit_update_try_from",
    "test_system_config_update_eip1559_params_log": "test_eip1559_update_try_from",
    "test_system_config_update_operator_fee_log": "test_operator_fee_update_try_from",
}


def _kona() -> Any:
    path = fixtures_path("vectors", "system-config-logs", "kona_system_config_log_vectors.json")
    return json.loads(path.read_text())


def _log(kind: int, data_hex: str) -> Log:
    topics = (CONFIG_UPDATE_TOPIC, bytes(32), kind.to_bytes(32, "big"))
    return Log(bytes(20), topics, bytes.fromhex(data_hex))


def _check(config: SystemConfig, test: str) -> None:
    if test == "test_batcher_update_try_from":
        assert config.batcher_address == bytes(18) + b"\xbe\xef"
    elif test == "test_gas_config_update_try_from":
        assert int.from_bytes(config.overhead, "big") == 0xBABE
        assert int.from_bytes(config.scalar, "big") == 0xBEEF
    elif test == "test_gas_limit_update_try_from":
        assert config.gas_limit == 0xBEEF
    elif test == "test_eip1559_update_try_from":
        assert (config.eip1559_denominator, config.eip1559_elasticity) == (0xBABE, 0xBEEF)
    elif test == "test_operator_fee_update_try_from":
        assert (config.operator_fee_scalar, config.operator_fee_constant) == (0xBABE, 0xBEEF)
    elif test == "test_min_base_fee_update_try_from":
        assert config.min_base_fee == 0xBEEF
    elif test == "test_da_footprint_update_try_from":
        assert config.da_footprint_gas_scalar == 0xBEEF


def test_topic_constant() -> None:
    assert "0x" + CONFIG_UPDATE_TOPIC.hex() == _kona()["CONFIG_UPDATE_TOPIC"]


def test_kona_per_update_decoder_vectors() -> None:
    vectors = _kona()["per_update_decoder_vectors"]
    assert len(vectors) == 56
    for vector in vectors:
        log = _log(KINDS[vector["file"]], vector["data_hex"])
        expects_error = any(a.strip().startswith("err") for a in vector["asserts"])
        if expects_error and vector["test"] not in OP_NODE_ACCEPTS:
            with pytest.raises(SystemConfigLogError):
                apply_config_update(START, log, False)
        else:
            _check(apply_config_update(START, log, False), vector["test"])


def test_kona_apply_vectors() -> None:
    applied = 0
    for vector in _kona()["system_config_apply_vectors"]:
        if vector["update_type"] is None:
            continue
        applied += 1
        log = _log(vector["update_type"], vector["data_hex"])
        config = apply_config_update(START, log, vector["ecotone_active"])
        if vector["test"] == "test_system_config_update_gas_config_log_ecotone":
            # 0xbeef is a valid version-0 scalar word: kept verbatim, overhead zeroed
            assert config.overhead == bytes(32)
            assert int.from_bytes(config.scalar, "big") == 0xBEEF
        elif "batcher" in vector["test"]:
            assert config.batcher_address == bytes(18) + b"\xbe\xef"
        else:
            _check(config, APPLY_TO_DECODER_TEST[vector["test"]])
    assert applied == 7  # the kona vectors that carry an update


def test_op_node_vectors() -> None:
    path = fixtures_path("vectors", "system-config-logs", "op_node_system_config_log_vectors.json")
    applied = 0
    for vector in json.loads(path.read_text())["vectors"]:
        if "data_hex" not in vector:
            continue
        applied += 1
        log = _log(vector["update_type"], vector["data_hex"])
        config = apply_config_update(START, log, "ecotone_time" in vector)
        expected = vector["expected_config"]
        if "overhead" in expected:
            assert "0x" + config.overhead.hex() == expected["overhead"]
            assert "0x" + config.scalar.hex() == expected["scalar"]
        if "gasLimit" in expected:
            assert config.gas_limit == expected["gasLimit"]
        if "eip1559Params" in expected:
            assert "0x" + config.eip1559_params.hex() == expected["eip1559Params"]
    assert applied == 4  # the op-node vectors that carry log data


def test_one_topic_wrong_version_and_unknown_type_are_errors() -> None:
    good = _log(2, "%064x%064x%064x" % (32, 32, 0xBB))
    for topics in [
        (CONFIG_UPDATE_TOPIC,),
        (CONFIG_UPDATE_TOPIC, (1).to_bytes(32, "big"), (2).to_bytes(32, "big")),
        (CONFIG_UPDATE_TOPIC, bytes(32), (8).to_bytes(32, "big")),
    ]:
        with pytest.raises(SystemConfigLogError):
            apply_config_update(START, Log(good.address, topics, good.data), False)


def test_update_with_receipts_skips_failed_receipts_other_addresses_and_bad_logs() -> None:
    address = b"\x55" * 20
    good = _log(2, "%064x%064x%064x" % (32, 32, 0xBB))
    bad = _log(2, "")
    logs = (
        Log(address, good.topics, good.data),
        Log(address, bad.topics, bad.data),
        Log(b"\x66" * 20, good.topics, _log(2, "%064x%064x%064x" % (32, 32, 7)).data),
    )
    ok = Receipt(tx_type=0, status=1, cumulative_gas_used=0, logs_bloom=bytes(256), logs=logs)
    failed_log = Log(address, good.topics, _log(2, "%064x%064x%064x" % (32, 32, 9)).data)
    failed = Receipt(0, 0, 0, bytes(256), (failed_log,))
    config, errors = update_with_receipts(START, [ok, failed], address, False)
    assert config.gas_limit == 0xBB
    assert len(errors) == 1


def test_ecotone_invalid_scalar_is_ignored() -> None:
    data = "%064x%064x%064x" % (32, 64, 5) + "02" + "00" * 31
    config = apply_config_update(START, _log(1, data), True)
    assert config == START
