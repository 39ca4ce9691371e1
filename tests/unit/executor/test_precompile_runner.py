"""The L1 precompile runner: known answers, gas, failures (fault-proof/index.md accelerators)."""

import ckzg
import coincurve
import pytest

from op_program.devnet.ckzg_setup import ckzg_trusted_setup
from op_program.encoding.hashing import keccak256, sha256
from op_program.executor.evm_backend.precompile_runner import (
    PrecompileResult,
    is_precompile,
    run_precompile,
)

PLENTY = 10**9
TRUE_32 = (1).to_bytes(32, "big")
FALSE_32 = bytes(32)

# BLS12-381 field modulus, group order and the standard generators (EIP-2537 "Curve
# parameters"), as EIP-2537 encodes points: Fp left-padded to 64 bytes, Fp2 as c0 ‖ c1.
P = int(
    "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab",
    16)
R = 0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001
_G1_X = int(
    "17f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb",
    16)
_G1_Y = int(
    "08b3f481e3aaa0f1a09e30ed741d8ae4fcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946c5e7e1",
    16)
_G2_X = (
    int("024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8",
        16),
    int("13e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e",
        16),
)
_G2_Y = (
    int("0ce5d527727d6e118cc9cdc6da2e351aadfd9baa8cbdd3a76d429a695160d12c923ac9cc3baca289e193548608b82801",
        16),
    int("0606c4a02ea734cc32acd2b02bc28b99cb3e287e85a763af267492ab572e99ab3f370d275cec1da1aaa9075ff05f79be",
        16),
)


def fp(value: int) -> bytes:
    return value.to_bytes(64, "big")


G1 = fp(_G1_X) + fp(_G1_Y)
NEG_G1 = fp(_G1_X) + fp(P - _G1_Y)
G2 = fp(_G2_X[0]) + fp(_G2_X[1]) + fp(_G2_Y[0]) + fp(_G2_Y[1])

# EIP-197 vector "jeff1" (geth core/vm/testdata/precompiles/bn256Pairing.json): two pairs whose
# product is one; 113,000 gas at the EIP-1108 (Istanbul) prices, 260,000 at the Byzantium ones.
JEFF1 = bytes.fromhex(
    "1c76476f4def4bb94541d57ebba1193381ffa7aa76ada664dd31c16024c43f59"
    "3034dd2920f673e204fee2811c678745fc819b55d3e9d294e45c9b03a76aef41"
    "209dd15ebff5d46c4bd888e51a93cf99a7329636c63514396b4a452003a35bf7"
    "04bf11ca01483bfa8b34b43561848d28905960114c8ac04049af4b6315a41678"
    "2bb8324af6cfc93537a2ad1a445cfd0ca2a71acd7ac41fadbf933c2a51be344d"
    "120a2a4cf30c1bf9845f20c6fe39e07ea2cce61f0c9bb048165fe5e4de877550"
    "111e129f1cf1097710d41c4ac70fcdfa5ba2023c6ff1cbeac322de49d1b6df7c"
    "2032c61a830e3c17286de9462bf242fca2883585b93870a73853face6a6bf411"
    "198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2"
    "1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed"
    "090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b"
    "12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa"
)


def addr(number: int) -> bytes:
    return number.to_bytes(20, "big")


def run(number: int, data: bytes, gas: int = PLENTY) -> PrecompileResult:
    return run_precompile(addr(number), data, gas)


def test_bn256_pairing_eip197_vector_at_istanbul_prices() -> None:
    assert run(0x08, JEFF1) == PrecompileResult(True, TRUE_32, 113_000)
    assert run(0x08, b"") == PrecompileResult(True, TRUE_32, 45_000)
    # Swapping one G1 point for another valid one breaks the product: false, not a failure.
    assert run(0x08, JEFF1[192:] + JEFF1[192:]).output == FALSE_32


def test_bn256_pairing_needs_all_its_gas() -> None:
    assert run(0x08, JEFF1, 113_000).success
    assert run(0x08, JEFF1, 112_999) == PrecompileResult(False, b"", 0)


@pytest.mark.parametrize("data", [JEFF1[:-1], JEFF1[:191], b"\x01" + JEFF1[1:192]])
def test_bn256_pairing_bad_input_fails(data: bytes) -> None:
    result = run(0x08, data)
    assert not result.success and result.output == b""


def test_bls_g1_add_known_answers() -> None:
    infinity = bytes(128)
    assert run(0x0B, G1 + infinity) == PrecompileResult(True, G1, 375)
    assert run(0x0B, G1 + NEG_G1).output == infinity
    assert run(0x0B, G1 + G1).output == run(0x0C, G1 + (2).to_bytes(32, "big")).output


def test_bls_msm_by_the_group_order_is_infinity() -> None:
    assert run(0x0C, G1 + R.to_bytes(32, "big")) == PrecompileResult(True, bytes(128), 12_000)
    assert run(0x0E, G2 + R.to_bytes(32, "big")) == PrecompileResult(True, bytes(256), 22_500)
    assert run(0x0D, G2 + bytes(256)) == PrecompileResult(True, G2, 600)


def test_bls_pairing_check() -> None:
    assert run(0x0F, G1 + G2 + NEG_G1 + G2) == PrecompileResult(True, TRUE_32, 102_900)
    assert run(0x0F, G1 + G2).output == FALSE_32


@pytest.mark.parametrize("number, data", [
    (0x0B, G1 + bytes(127)),                        # short
    (0x0B, fp(P) + G1[64:] + bytes(128)),           # x not reduced
    (0x0B, G1[:127] + bytes((G1[127] ^ 1,)) + G1),  # not on the curve
    (0x0C, b""),                                    # empty MSM
    (0x0F, G1 + G2[:-1]),
    (0x10, fp(P)),                                  # field element not reduced
    (0x11, bytes(127)),
])
def test_bls_bad_input_fails(number: int, data: bytes) -> None:
    result = run(number, data)
    assert not result.success and result.output == b""


def test_bls_map_to_curve_costs() -> None:
    assert run(0x10, bytes(64)).gas_used == 5_500
    assert run(0x11, bytes(128)).gas_used == 23_800


def ecrecover_input() -> tuple[bytes, bytes]:
    key = coincurve.PrivateKey(b"\x01" * 32)
    msg = keccak256(b"message")
    sig = key.sign_recoverable(msg, hasher=None)
    data = msg + (sig[64] + 27).to_bytes(32, "big") + sig[:64]
    return data, bytes(12) + keccak256(key.public_key.format(compressed=False)[1:])[12:]


def test_ecrecover_and_bad_signature_is_empty_success() -> None:
    data, expected = ecrecover_input()
    assert run(0x01, data) == PrecompileResult(True, expected, 3000)
    assert run(0x01, data[:63] + b"\x05" + data[64:]) == PrecompileResult(True, b"", 3000)


def kzg_input() -> bytes:
    """A valid point-evaluation input: versioned hash ‖ z ‖ y ‖ commitment ‖ proof."""
    blob = b"".join(b"\x00" + keccak256(i.to_bytes(2, "big"))[:31] for i in range(4096))
    commitment = bytes(ckzg.blob_to_kzg_commitment(blob, ckzg_trusted_setup()))
    z = b"\x00" + b"\x05" * 31
    proof, y = ckzg.compute_kzg_proof(blob, z, ckzg_trusted_setup())
    return b"\x01" + sha256(commitment)[1:] + z + bytes(y) + commitment + bytes(proof)


def test_kzg_point_evaluation() -> None:
    data = kzg_input()
    versioned, z, commitment, proof = data[:32], data[32:64], data[96:144], data[144:]
    result = run(0x0A, data)
    assert result.success and result.gas_used == 50_000
    assert result.output == (4096).to_bytes(32, "big") + (R).to_bytes(32, "big")
    wrong_y = versioned + z + bytes(32) + commitment + bytes(proof)
    assert not run(0x0A, wrong_y).success
    assert not run(0x0A, b"\x02" + data[1:]).success   # versioned hash mismatch
    assert not run(0x0A, data[:-1]).success
    assert not run(0x0A, data, 49_999).success


def test_only_precompile_addresses() -> None:
    assert all(is_precompile(addr(n)) for n in range(1, 0x12))
    assert not is_precompile(addr(0x12)) and not is_precompile(addr(0))
    with pytest.raises(KeyError):
        run(0x12, b"")
