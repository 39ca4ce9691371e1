"""Precompile runner: one L1 precompile run by address on an input, outside any transaction.

Spec: fault-proof/index.md, "Precompile Accelerators": the host runs the precompile the client
hinted (ecrecover, bn256 pairing, KZG point evaluation, BLS12-381 of EIP-2537) with L1 semantics
and serves ``status ‖ output``. The precompiles are py-evm's Prague set, whose bn256 pairing
already carries the post-Istanbul prices (EIP-1108: 45,000 + 34,000 per pair; DESIGN §11),
so a gas limit equal to the EVM's required gas is enough. The runner hands each precompile a
small stand-in computation (the only attributes py-evm precompiles use: ``msg.data``,
``msg.data_as_bytes``, ``consume_gas``, ``output``). The precompiles py-evm gets wrong are
replaced by ``corrected_precompiles``, as in the block executor.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from eth.exceptions import OutOfGas, VMError
from eth.vm.forks.prague.computation import PragueComputation
from eth_utils.exceptions import ValidationError

from op_program.executor.evm_backend.corrected_precompiles import corrected

_PRECOMPILES: dict[bytes, Callable[[Any], Any]] = corrected(PragueComputation.get_precompiles())


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


class _Priced(Exception):
    """Raised by ``_GasMeter`` as soon as a precompile has priced its input."""


class _GasMeter:
    """A stand-in computation that stops a precompile at its first ``consume_gas``."""

    __slots__ = ("msg", "output", "gas")

    def __init__(self, data: bytes) -> None:
        self.msg = _Message(data)
        self.output = b""
        self.gas: int | None = None

    def consume_gas(self, amount: int, reason: str) -> None:
        self.gas = amount
        raise _Priced


def precompile_gas(address: bytes, data: bytes) -> int | None:
    """The gas the L1 precompile at ``address`` charges for ``data``, without running it.

    None when the precompile rejects ``data`` before pricing it (a wrong length). Every
    precompile here charges once, before its computation, so this is the whole price.

    Raises:
        KeyError: ``address`` is not a precompile.
    """
    meter = _GasMeter(bytes(data))
    try:
        _PRECOMPILES[address](meter)
    except _Priced:
        return meter.gas
    except (VMError, ValidationError):
        return None
    return meter.gas
