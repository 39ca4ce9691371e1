"""evm_backend: the only package that imports py-evm (DESIGN §6), so it can be replaced whole.

Spec: specs/protocol/exec-engine.md. ``EvmBackend`` runs one block's system calls and
transactions on py-evm over the verified state source.
"""

from op_program.executor.evm_backend.backend import SYSTEM_CALL_GAS, EvmBackend

__all__ = ["SYSTEM_CALL_GAS", "EvmBackend"]
