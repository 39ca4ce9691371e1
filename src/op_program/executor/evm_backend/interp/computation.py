"""py-evm's computation driven by the project's interpreter loop (``OP_PROGRAM_EVM=python``).

Spec: Yellow Paper §8 (message call: precompiles run instead of code) and §9 (execution).
py-evm's ``Computation`` stays the frame's interface to state, children, logs and the
success/revert bookkeeping; the code itself runs in ``loop.run_frame``.
"""

from typing import Any

from eth.exceptions import OutOfGas
from eth.vm.computation import NO_RESULT
from eth_utils.exceptions import ValidationError

from op_program.executor.evm_backend.interp.loop import run_frame
from op_program.executor.evm_backend.interp.table import build_table
from op_program.executor.evm_types import EvmRevision


class ProjectComputationMixin:
    """A py-evm Computation whose code runs in the project's loop."""

    _gas_meter: Any
    op_revision: EvmRevision

    def get_accounts_for_deletion(self) -> list[Any]:
        """Self-destructed accounts in address order (py-evm returns them in set order)."""
        return sorted(super().get_accounts_for_deletion())  # type: ignore[misc]

    def consume_gas(self, amount: int, reason: str) -> None:
        """Charge ``amount`` gas (py-evm's GasMeter.consume_gas without its debug logging)."""
        meter = self._gas_meter
        if amount > meter.gas_remaining:
            raise OutOfGas(f"Out of gas: needed {amount}, remaining {meter.gas_remaining}")
        if amount < 0:
            raise ValidationError("Gas consumption amount must be positive")
        meter.gas_remaining -= amount

    @classmethod
    def apply_computation(
        cls, state: Any, message: Any, transaction_context: Any, parent_computation: Any = None
    ) -> Any:
        """py-evm's ``apply_computation`` with the project's loop.

        The transaction's own computation is the one without a parent (not py-evm's
        ``is_origin_computation``, which since EIP-7702 is also true inside the origin's own
        delegated code and would charge the EIP-3860 initcode cost a second time).
        """
        with cls(state, message, transaction_context) as computation:  # type: ignore[call-arg, attr-defined]
            if parent_computation is None:
                computation.contracts_created = []
                if message.is_create:
                    cls.consume_initcode_gas_cost(computation)  # type: ignore[attr-defined]
            if parent_computation is not None:
                computation.contracts_created = parent_computation.contracts_created
            if message.is_create:
                computation.contracts_created.append(message.storage_address)
            precompile = computation.precompiles.get(message.code_address, NO_RESULT)
            if precompile is not NO_RESULT:
                if not message.is_delegation:
                    precompile(computation)
                return computation
            run_frame(computation, build_table(cls.op_revision, computation.opcodes))
        return computation
