import pytest

from op_program.client.errors import PreimageFormatError
from op_program.client.oracle import ClientOracle
from op_program.client.precompiles import TRUE_32, PrecompileAccelerator
from op_program.executor.precompiles import (
    BLS12_G1_ADD,
    BLS12_PAIRING,
    BN256_PAIRING,
    ECRECOVER,
    KZG_POINT_EVALUATION,
    PrecompileRules,
)
from op_program.executor.precompiles import (
    PrecompileAccelerator as AcceleratorProtocol,
)
from op_program.preimage.keys import precompile_key
from tests.unit.client.witness import DictOracle, witness

RULES = PrecompileRules(granite=True)


def _accelerator(table: dict[bytes, bytes]) -> tuple[PrecompileAccelerator, DictOracle]:
    raw = DictOracle(table)
    return PrecompileAccelerator(ClientOracle(raw, raw)), raw


def test_real_ecrecover_calls_are_served_from_the_witness() -> None:
    table, _ = witness()
    keys = [k for k in table if k[0] == 6]
    assert len(keys) == 20
    accelerator, raw = _accelerator(table)
    for key in keys:
        payload = table[b"\x02" + key[1:]]
        address = int.from_bytes(payload[:20], "big")
        gas = int.from_bytes(payload[20:28], "big")
        assert (address, gas) == (ECRECOVER, 3000)
        outcome = accelerator.run(address, payload[28:], gas, RULES)
        assert outcome.success
        assert outcome.output == table[key][1:]
        assert raw.hints[-1] == "l1-precompile-v2 0x" + payload.hex()
    assert accelerator.calls == 20


def test_ecrecover_invalid_signature_is_answered_locally() -> None:
    accelerator, raw = _accelerator({})
    bad_v = bytes(63) + b"\x1d" + (1).to_bytes(32, "big") * 2
    assert accelerator.run(ECRECOVER, bad_v, 3000, RULES).output == b""
    zero_r = bytes(63) + b"\x1b" + bytes(32) + (1).to_bytes(32, "big")
    assert accelerator.run(ECRECOVER, zero_r, 3000, RULES).output == b""
    high_bytes = b"\x01" * 63 + b"\x1b" + (1).to_bytes(32, "big") * 2
    assert accelerator.run(ECRECOVER, high_bytes, 3000, RULES).success
    assert raw.requests == [] and raw.hints == []


def test_ecrecover_short_input_is_right_padded_in_the_key() -> None:
    # hash ‖ v=27 ‖ r=5 ‖ s=0x500: a 127-byte input whose missing last byte is zero
    full = bytes(31) + b"\x01" + bytes(31) + b"\x1b" + (5).to_bytes(32, "big")
    full += (5 << 8).to_bytes(32, "big")
    key = precompile_key(ECRECOVER.to_bytes(20, "big"), 3000, full)
    accelerator, raw = _accelerator({key: b"\x01" + bytes(12) + b"\xaa" * 20})
    outcome = accelerator.run(ECRECOVER, full[:127], 3000, RULES)
    assert outcome.output == bytes(12) + b"\xaa" * 20
    assert raw.requests == [key]


def test_bn256_pairing_length_checks() -> None:
    accelerator, raw = _accelerator({})
    assert not accelerator.run(BN256_PAIRING, bytes(191), 45000, RULES).success
    too_big = bytes(192 * 587)  # 112,704 bytes: over the Granite limit of 112,687
    assert not accelerator.run(BN256_PAIRING, too_big, 1, RULES).success
    assert raw.requests == []


def test_bn256_pairing_result_is_checked() -> None:
    data = bytes(192)
    key = precompile_key(BN256_PAIRING.to_bytes(20, "big"), 79000, data)
    accelerator, _ = _accelerator({key: b"\x01" + TRUE_32})
    assert accelerator.run(BN256_PAIRING, data, 79000, RULES).output == TRUE_32
    accelerator, _ = _accelerator({key: b"\x01" + b"\x02" * 32})
    with pytest.raises(PreimageFormatError):
        accelerator.run(BN256_PAIRING, data, 79000, RULES)


def test_kzg_checks_length_and_versioned_hash() -> None:
    accelerator, raw = _accelerator({})
    assert not accelerator.run(KZG_POINT_EVALUATION, bytes(191), 50000, RULES).success
    assert not accelerator.run(KZG_POINT_EVALUATION, bytes(192), 50000, RULES).success
    assert raw.requests == []


def test_bls_length_checks() -> None:
    accelerator, raw = _accelerator({})
    assert not accelerator.run(BLS12_G1_ADD, bytes(255), 375, RULES).success
    assert not accelerator.run(BLS12_PAIRING, b"", 37700, RULES).success
    jovian = PrecompileRules(granite=True, isthmus=True, jovian=True)
    assert not accelerator.run(BLS12_PAIRING, bytes(384 * 409), 1, jovian).success
    assert raw.requests == []


def test_failed_status_is_a_failed_call() -> None:
    data = bytes(256)
    key = precompile_key(BLS12_G1_ADD.to_bytes(20, "big"), 375, data)
    accelerator, _ = _accelerator({key: b"\x00"})
    assert not accelerator.run(BLS12_G1_ADD, data, 375, RULES).success
    accelerator, _ = _accelerator({key: b""})
    with pytest.raises(PreimageFormatError):
        accelerator.run(BLS12_G1_ADD, data, 375, RULES)


def test_satisfies_the_executor_protocol() -> None:
    accelerator: AcceleratorProtocol = _accelerator({})[0]
    assert accelerator.accelerates(ECRECOVER)
    assert not accelerator.accelerates(0x02)
