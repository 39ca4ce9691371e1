"""The project's EVM interpreter: loop, stack, memory, gas schedule and opcode table.

Spec: Yellow Paper §9 and Appendix H; EIPs named in each module. Selected with
``OP_PROGRAM_EVM=python``; py-evm's own loop stays available as ``OP_PROGRAM_EVM=pyevm``.
"""

from op_program.executor.evm_backend.interp.computation import ProjectComputationMixin

__all__ = ["ProjectComputationMixin"]
