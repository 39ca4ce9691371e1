import pytest

from op_program.client.errors import PreimageFormatError, PreimageMismatchError
from op_program.client.oracle import ClientOracle
from op_program.client.precompile_checks import ecrecover_output
from op_program.client.precompiles import KZG_SUCCESS, TRUE_32, PrecompileAccelerator
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
    table, _ = witness()
    payload = table[b"\x02" + next(k for k in table if k[0] == 6)[1:]]
    full = payload[28:]
    assert full[-1] != 0
    # zero the last byte of s so the input can be cut to 127 bytes
    full = full[:127] + b"\x00"
    key = precompile_key(ECRECOVER.to_bytes(20, "big"), 3000, full)
    answer = ecrecover_output(full)
    accelerator, raw = _accelerator({key: b"\x01" + answer})
    outcome = accelerator.run(ECRECOVER, full[:127], 3000, RULES)
    assert outcome.output == answer
    assert raw.requests == [key]


def test_altered_ecrecover_answer_is_a_mismatch() -> None:
    table, _ = witness()
    key = next(k for k in table if k[0] == 6)
    payload = table[b"\x02" + key[1:]]
    altered = bytearray(table[key])
    altered[-1] ^= 1
    accelerator, _ = _accelerator({key: bytes(altered)})
    with pytest.raises(PreimageMismatchError):
        accelerator.run(ECRECOVER, payload[28:], 3000, RULES)
    accelerator, _ = _accelerator({key: b"\x00"})
    with pytest.raises(PreimageMismatchError):
        accelerator.run(ECRECOVER, payload[28:], 3000, RULES)


def _kzg_input() -> bytes:
    import ckzg

    from op_program.client.blobs import kzg_to_versioned_hash
    from op_program.devnet.ckzg_setup import ckzg_trusted_setup

    blob = b"".join((i + 1).to_bytes(32, "big") for i in range(4096))
    commitment = bytes(ckzg.blob_to_kzg_commitment(blob, ckzg_trusted_setup()))
    z = (12345).to_bytes(32, "big")
    proof, y = ckzg.compute_kzg_proof(blob, z, ckzg_trusted_setup())
    return kzg_to_versioned_hash(commitment) + z + bytes(y) + commitment + bytes(proof)


def test_kzg_answer_is_cross_checked() -> None:
    data = _kzg_input()
    key = precompile_key(KZG_POINT_EVALUATION.to_bytes(20, "big"), 50000, data)
    accelerator, _ = _accelerator({key: b"\x01" + KZG_SUCCESS})
    assert accelerator.run(KZG_POINT_EVALUATION, data, 50000, RULES).output == KZG_SUCCESS
    accelerator, _ = _accelerator({key: b"\x00"})
    with pytest.raises(PreimageMismatchError):
        accelerator.run(KZG_POINT_EVALUATION, data, 50000, RULES)


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
