"""Precompile accelerators: heavy precompiles answered by the host through type-6 keys.

Spec: fault-proof/index.md, "Precompile Accelerators", "Type 6: Global generic key", hint
``l1-precompile-v2 <address ++ requiredGas ++ inputbytes>``. The client applies the same cheap
input checks as the reference client *before* asking, so it never hints an input the reference
would not, and a reference host can serve it. The key is
``0x06 ‖ keccak256(address ‖ u64_be(required_gas) ‖ input)[1:]``; the value is
``status byte (1 = success) ‖ output``. Gas is the executor's business: it passes the EVM's
required gas for the input and charges it.
"""

from op_program.client.errors import PreimageFormatError, PreimageMismatchError
from op_program.client.oracle import ClientOracle
from op_program.client.precompile_checks import ecrecover_output, kzg_proof_valid
from op_program.encoding.hashing import sha256
from op_program.executor.precompiles import (
    ACCELERATABLE,
    BLS12_G1_ADD,
    BLS12_G1_MSM,
    BLS12_G2_ADD,
    BLS12_G2_MSM,
    BLS12_MAP_FP2_TO_G2,
    BLS12_MAP_FP_TO_G1,
    BLS12_PAIRING,
    BN256_PAIRING,
    ECRECOVER,
    KZG_POINT_EVALUATION,
    PrecompileOutcome,
    PrecompileRules,
    input_limit,
)
from op_program.hints import HintType
from op_program.preimage.keys import precompile_key

SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
BN256_PAIR_ELEMENT = 192
KZG_INPUT_LENGTH = 192
KZG_SUCCESS = (4096).to_bytes(32, "big") + (
    0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001
).to_bytes(32, "big")
TRUE_32 = (1).to_bytes(32, "big")
FALSE_32 = bytes(32)

# EIP-2537 input element sizes (OP input-size limits: executor.precompiles.input_limit).
BLS_G1_ADD_LEN = 256
BLS_G2_ADD_LEN = 512
BLS_G1_MSM_PAIR = 160
BLS_G2_MSM_PAIR = 288
BLS_PAIRING_PAIR = 384
BLS_MAP_FP_LEN = 64
BLS_MAP_FP2_LEN = 128

_FAIL = PrecompileOutcome(False, b"")


def _payload(address: int, required_gas: int, data: bytes) -> bytes:
    return address.to_bytes(20, "big") + required_gas.to_bytes(8, "big") + data


def _multiple(data: bytes, size: int, limit: int | None, allow_empty: bool) -> bool:
    if limit is not None and len(data) > limit:
        return False
    if not data:
        return allow_empty
    return len(data) % size == 0


class PrecompileAccelerator:
    """Runs accelerated precompiles through the oracle, with the reference client's checks."""

    __slots__ = ("_oracle", "calls")

    def __init__(self, oracle: ClientOracle) -> None:
        self._oracle = oracle
        self.calls = 0

    def accelerates(self, address: int) -> bool:
        """Whether the precompile at ``address`` is answered by the oracle."""
        return address in ACCELERATABLE

    def run(
        self, address: int, data: bytes, required_gas: int, rules: PrecompileRules
    ) -> PrecompileOutcome:
        """Return the outcome of calling precompile ``address`` with ``data``.

        ``required_gas`` is what the EVM charges for this input; it is part of the key.

        Raises:
            PreimageFormatError: the host's answer is not a result this precompile can return.
        """
        if address == ECRECOVER:
            return self._ecrecover(data, required_gas)
        if address == BN256_PAIRING:
            return self._bn256_pairing(data, required_gas, rules)
        if address == KZG_POINT_EVALUATION:
            return self._kzg_point_evaluation(data, required_gas)
        if not self._bls_input_ok(address, data, rules):
            return _FAIL
        return self._ask(address, data, required_gas)

    def _ask(self, address: int, data: bytes, required_gas: int) -> PrecompileOutcome:
        self.calls += 1
        payload = _payload(address, required_gas, data)
        key = precompile_key(address.to_bytes(20, "big"), required_gas, data)
        result = self._oracle.fetch(key, HintType.L1_PRECOMPILE_V2, payload)
        if not result or result[0] not in (0, 1):
            raise PreimageFormatError(f"precompile result for key 0x{key.hex()} has no status")
        return PrecompileOutcome(result[0] == 1, result[1:])

    def _ecrecover(self, data: bytes, required_gas: int) -> PrecompileOutcome:
        # Reference: right-pad to 128 bytes; invalid v/r/s give empty output without asking.
        data = data[:128].ljust(128, b"\x00")
        v = data[63] - 27
        r = int.from_bytes(data[64:96], "big")
        s = int.from_bytes(data[96:128], "big")
        if any(data[32:63]) or v not in (0, 1) or not (0 < r < SECP256K1_N and 0 < s < SECP256K1_N):
            return PrecompileOutcome(True, b"")
        outcome = self._ask(ECRECOVER, data, required_gas)
        if not outcome.success or outcome.output != ecrecover_output(data):
            raise PreimageMismatchError("ecrecover result from the oracle differs from the EVM's")
        return outcome

    def _bn256_pairing(
        self, data: bytes, required_gas: int, rules: PrecompileRules
    ) -> PrecompileOutcome:
        limit = input_limit(BN256_PAIRING, rules)
        if not _multiple(data, BN256_PAIR_ELEMENT, limit, allow_empty=True):
            return _FAIL
        outcome = self._ask(BN256_PAIRING, data, required_gas)
        if outcome.success and outcome.output not in (TRUE_32, FALSE_32):
            raise PreimageFormatError("unexpected bn256 pairing result from the oracle")
        return outcome

    def _kzg_point_evaluation(self, data: bytes, required_gas: int) -> PrecompileOutcome:
        if len(data) != KZG_INPUT_LENGTH:
            return _FAIL
        commitment = data[96:144]
        if b"\x01" + sha256(commitment)[1:] != data[:32]:
            return _FAIL
        outcome = self._ask(KZG_POINT_EVALUATION, data, required_gas)
        if outcome.success and outcome.output != KZG_SUCCESS:
            raise PreimageFormatError("unexpected KZG point evaluation result from the oracle")
        if outcome.success != kzg_proof_valid(data):
            raise PreimageMismatchError("KZG point evaluation result differs from the EVM's")
        return outcome

    def _bls_input_ok(self, address: int, data: bytes, rules: PrecompileRules) -> bool:
        if address == BLS12_G1_ADD:
            return len(data) == BLS_G1_ADD_LEN
        if address == BLS12_G2_ADD:
            return len(data) == BLS_G2_ADD_LEN
        if address == BLS12_MAP_FP_TO_G1:
            return len(data) == BLS_MAP_FP_LEN
        if address == BLS12_MAP_FP2_TO_G2:
            return len(data) == BLS_MAP_FP2_LEN
        sizes = {BLS12_G1_MSM: BLS_G1_MSM_PAIR, BLS12_G2_MSM: BLS_G2_MSM_PAIR}
        if address in sizes or address == BLS12_PAIRING:
            size = sizes.get(address, BLS_PAIRING_PAIR)
            return _multiple(data, size, input_limit(address, rules), allow_empty=False)
        raise ValueError(f"precompile 0x{address:x} is not accelerated")
