"""Precompile runner: one L1 precompile run by address on an input, outside any transaction.

Spec: fault-proof/index.md, "Precompile Accelerators": the host runs the precompile the client
hinted (ecrecover, bn256 pairing, KZG point evaluation, BLS12-381 of EIP-2537) with L1 semantics
and serves ``status ‖ output``. The precompiles are py-evm's Prague set, whose bn256 pairing
already carries the post-Istanbul prices (EIP-1108: 45,000 + 34,000 per pair; DESIGN §11),
so a gas limit equal to the EVM's required gas is enough. The runner hands each precompile a
small stand-in computation (the only attributes py-evm precompiles use: ``msg.data``,
``msg.data_as_bytes``, ``consume_gas``, ``output``). py-evm's KZG point evaluation reloads the
trusted setup on every call (seconds); the runner's own copy of that precompile (EIP-4844,
same checks and output) loads py-evm's setup file once.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import ckzg
from eth.exceptions import OutOfGas, VMError
from eth.precompiles.point_evaluation import TRUSTED_SETUP_PATH, kzg_to_versioned_hash
from eth.vm.forks.cancun.constants import (
    BLS_MODULUS,
    FIELD_ELEMENTS_PER_BLOB,
    POINT_EVALUATION_PRECOMPILE_ADDRESS,
    POINT_EVALUATION_PRECOMPILE_GAS,
)
from eth.vm.forks.prague.computation import PragueComputation
from eth_utils.exceptions import ValidationError

_KZG_INPUT_LENGTH = 192
_KZG_OUTPUT = FIELD_ELEMENTS_PER_BLOB.to_bytes(32, "big") + BLS_MODULUS.to_bytes(32, "big")


@cache
def _trusted_setup() -> Any:
    return ckzg.load_trusted_setup(TRUSTED_SETUP_PATH, 0)


def _point_evaluation(computation: Any) -> None:
    """EIP-4844 point evaluation: versioned hash ‖ z ‖ y ‖ commitment ‖ proof."""
    computation.consume_gas(POINT_EVALUATION_PRECOMPILE_GAS, reason="Point Evaluation")
    data: bytes = computation.msg.data_as_bytes
    if len(data) != _KZG_INPUT_LENGTH:
        raise VMError("point evaluation: input is not 192 bytes")
    commitment, proof = data[96:144], data[144:192]
    if kzg_to_versioned_hash(commitment) != data[:32]:
        raise VMError("point evaluation: commitment does not match the versioned hash")
    try:
        valid = ckzg.verify_kzg_proof(commitment, data[32:64], data[64:96], proof,
                                      _trusted_setup())
    except (RuntimeError, ValueError) as exc:  # ckzg rejects malformed field elements/points
        raise VMError(f"point evaluation: {exc}") from exc
    if not valid:
        raise VMError("point evaluation: proof does not verify")
    computation.output = _KZG_OUTPUT


_PRECOMPILES: dict[bytes, Callable[[Any], Any]] = {
    bytes(address): run for address, run in PragueComputation.get_precompiles().items()
}
_PRECOMPILES[bytes(20 - len(POINT_EVALUATION_PRECOMPILE_ADDRESS))
             + POINT_EVALUATION_PRECOMPILE_ADDRESS] = _point_evaluation


@dataclass(frozen=True, slots=True)
class PrecompileResult:
    """What a precompile call returns: success, output (empty on failure) and the gas charged.

    On failure ``gas_used`` is what the precompile had charged before failing (a caller in the
    EVM loses all the gas it gave the call anyway).
    """

    success: bool
    output: bytes
    gas_used: int


class _Message:
    __slots__ = ("data", "data_as_bytes")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.data_as_bytes = data


class _Call:
    """The part of a py-evm computation a precompile touches, with a metered gas limit."""

    __slots__ = ("msg", "output", "gas_limit", "gas_used")

    def __init__(self, data: bytes, gas_limit: int) -> None:
        self.msg = _Message(data)
        self.output = b""
        self.gas_limit = gas_limit
        self.gas_used = 0

    def consume_gas(self, amount: int, reason: str) -> None:
        if amount < 0 or self.gas_used + amount > self.gas_limit:
            raise OutOfGas(f"{reason}: needs {amount}, {self.gas_limit - self.gas_used} left")
        self.gas_used += amount


def is_precompile(address: bytes) -> bool:
    """Whether ``address`` (20 bytes) is a precompile of the L1 (Prague) EVM."""
    return address in _PRECOMPILES


def run_precompile(address: bytes, data: bytes, gas_limit: int) -> PrecompileResult:
    """Run the L1 precompile at ``address`` on ``data`` with at most ``gas_limit`` gas.

    A failing call (bad input, out of gas) gives ``success=False`` and empty output, as the
    EVM's ``CALL`` to a precompile does; ecrecover on a bad signature succeeds with empty output.

    Raises:
        KeyError: ``address`` is not a precompile (check with :func:`is_precompile`).
    """
    precompile = _PRECOMPILES[address]
    call = _Call(bytes(data), gas_limit)
    try:
        precompile(call)
    except (VMError, ValidationError):
        return PrecompileResult(False, b"", call.gas_used)
    return PrecompileResult(True, bytes(call.output), call.gas_used)
