"""The object a precompile runs on: its input, a gas meter and its output.

Spec: Yellow Paper §8 (a message call to a precompiled contract runs its function ``Ξ_PRE``
instead of code, with the message's gas and data) and Appendix E. The precompile functions
(py-evm's, ours in ``corrected_precompiles``, and the OP wrappers of ``precompile_table``)
read ``msg.data``/``msg.data_as_bytes``, call ``consume_gas``, set ``output`` and may ask
``state.op_accelerator``; this is exactly that, without a py-evm computation, message, stack
or memory behind it.
"""

from typing import Any

from eth.exceptions import OutOfGas
from eth_utils.exceptions import ValidationError


class PrecompileCall:
    """One precompile invocation: ``data`` in, ``output`` out, ``gas`` left."""

    __slots__ = ("data", "gas", "output", "state")

    def __init__(self, state: Any, data: bytes, gas: int) -> None:
        self.state = state
        self.data = data
        self.gas = gas
        self.output = b""

    @property
    def msg(self) -> "PrecompileCall":
        """The message view precompiles read (``msg.data``): this object itself."""
        return self

    @property
    def data_as_bytes(self) -> bytes:
        """The input as bytes (it always is here)."""
        return self.data

    def consume_gas(self, amount: int, reason: str) -> None:
        """Charge ``amount``; more than is left is an exceptional halt of the call."""
        if amount > self.gas:
            raise OutOfGas(f"{reason}: needs {amount}, has {self.gas}")
        if amount < 0:
            raise ValidationError("Gas consumption amount must be positive")
        self.gas -= amount
