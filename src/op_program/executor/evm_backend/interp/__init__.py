"""The project's EVM: loop, stack, memory, gas schedule, opcode table and call frames.

Spec: Yellow Paper §7-9 and Appendix H; EIPs named in each module. Selected with
``OP_PROGRAM_EVM=python``; py-evm's own loop stays available as ``OP_PROGRAM_EVM=pyevm``.
"""

from op_program.executor.evm_backend.interp.computation import ProjectComputationMixin

__all__ = ["ProjectComputationMixin"]
