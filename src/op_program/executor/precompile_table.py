"""OP precompile table: the EVM's precompiles wrapped with the OP rules, plus P256VERIFY.

Spec: fault-proof/index.md#precompile-accelerators, granite/isthmus/jovian exec-engine.md
(input limits), fjord/exec-engine.md#rip-7212-precompile. Works on the EVM library's
computation objects by duck typing (``msg.data``, ``consume_gas``, ``output``,
``state.op_accelerator``); the accelerator's required gas is learnt by letting the library's own
precompile price the input against a probe.
"""

from collections.abc import Callable
from typing import Any

from op_program.executor import p256
from op_program.executor.precompiles import (
    ACCELERATABLE,
    PrecompileAccelerator,
    PrecompileRules,
    input_limit,
)

_Precompile = Callable[[Any], Any]


class _Probed(Exception):
    """Raised by ``_GasProbe`` once a py-evm precompile has priced its input."""


class _ProbeMessage:
    __slots__ = ("data", "data_as_bytes")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.data_as_bytes = data


class _GasProbe:
    """A stand-in computation that learns what a py-evm precompile charges for an input."""

    __slots__ = ("msg", "gas")

    def __init__(self, data: bytes) -> None:
        self.msg = _ProbeMessage(data)
        self.gas: int | None = None

    def consume_gas(self, amount: int, reason: str) -> None:
        self.gas = amount
        raise _Probed


def _required_gas(local: _Precompile, data: bytes, failure: type[Exception]) -> int | None:
    """The gas ``local`` charges for ``data``; None when it rejects the input before pricing."""
    probe = _GasProbe(data)
    try:
        local(probe)
    except _Probed:
        return probe.gas
    except failure:
        return None
    return probe.gas


def _op_precompile(
    address: int, local: _Precompile, rules: PrecompileRules, failure: type[Exception]
) -> _Precompile:
    """Wrap an EVM precompile with the OP input limit and the optional accelerator."""
    limit = input_limit(address, rules)

    def run(computation: Any) -> Any:
        data = bytes(computation.msg.data)
        if limit is not None and len(data) > limit:
            raise failure(f"precompile 0x{address:x}: input over the OP size limit")
        accelerator: PrecompileAccelerator | None = computation.state.op_accelerator
        if accelerator is None or not accelerator.accelerates(address):
            return local(computation)
        gas = _required_gas(local, data, failure)
        if gas is None:
            return local(computation)
        computation.consume_gas(gas, reason=f"precompile 0x{address:x}")
        outcome = accelerator.run(address, data, gas, rules)
        if not outcome.success:
            raise failure(f"precompile 0x{address:x} failed")
        computation.output = outcome.output
        return computation

    return run


def _p256_verify(computation: Any) -> Any:
    computation.consume_gas(p256.P256_GAS, reason="P256VERIFY")
    ok = p256.verify(bytes(computation.msg.data))
    computation.output = (1).to_bytes(32, "big") if ok else b""
    return computation


def precompile_table(
    base: dict[bytes, _Precompile], rules: PrecompileRules, failure: type[Exception]
) -> dict[bytes, Any]:
    """A fork's EVM precompiles with the OP wrappers and P256VERIFY (Fjord).

    ``failure`` is the EVM library's exception that makes a call fail and burn its gas.
    """
    table: dict[bytes, Any] = dict(base)
    for key, local in base.items():
        address = int.from_bytes(key, "big")
        if address in ACCELERATABLE:
            table[key] = _op_precompile(address, local, rules, failure)
    if rules.fjord:
        table[p256.P256_ADDRESS.to_bytes(20, "big")] = _p256_verify
    return table
