"""What both EVM engines change in py-evm's Computation: one frame's bookkeeping, written once.

Spec: Yellow Paper §8 (message call: precompiles run instead of code), EIP-3860 (initcode cost
charged once, for the transaction's own create), EIP-6780 (the list of contracts created in the
transaction). The engines differ in how a frame's code runs (``run_code``): py-evm's
computation with a faster loop (interpreter.py), or the project's interpreter (interp/),
whose message calls and creations below the transaction's frame are its own frames too.
"""

from typing import Any

from eth.exceptions import OutOfGas
from eth.vm.computation import NO_RESULT
from eth_utils.exceptions import ValidationError


class ComputationBase:
    """py-evm Computation overrides shared by both engines; subclasses define ``run_code``."""

    _gas_meter: Any

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
    def run_code(cls, computation: Any) -> None:
        """Run the frame's code; each engine provides its loop."""
        raise NotImplementedError

    @classmethod
    def apply_computation(
        cls, state: Any, message: Any, transaction_context: Any, parent_computation: Any = None
    ) -> Any:
        """py-evm's ``apply_computation`` with the engine's loop (``run_code``).

        The transaction's own computation is the one without a parent. py-evm asks
        ``is_origin_computation`` (message sender == transaction origin), which since EIP-7702
        is also true inside the origin's own delegated code: a CREATE/CREATE2 run there was
        charged the EIP-3860 initcode cost a second time (2 gas per word) and restarted the
        EIP-6780 list of created contracts. kona (op-revm) and op-geth charge it once.
        """
        with cls(state, message, transaction_context) as computation:  # type: ignore[call-arg, attr-defined]
            if parent_computation is None:
                computation.contracts_created = []
                if message.is_create:
                    cls.consume_initcode_gas_cost(computation)  # type: ignore[attr-defined]
            else:
                computation.contracts_created = parent_computation.contracts_created
            if message.is_create:
                computation.contracts_created.append(message.storage_address)
            precompile = computation.precompiles.get(message.code_address, NO_RESULT)
            if precompile is not NO_RESULT:
                if not message.is_delegation:
                    precompile(computation)
                return computation
            cls.run_code(computation)
        return computation
