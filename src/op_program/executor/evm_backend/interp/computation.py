"""py-evm's computation driven by the project's interpreter loop (``OP_PROGRAM_EVM=python``).

Spec: Yellow Paper §8 (message call: precompiles run instead of code) and §9 (execution).
py-evm's ``Computation`` stays the frame's interface to state, children, logs and the
success/revert bookkeeping; the code itself runs in ``loop.run_frame``.
"""

from typing import Any

from op_program.executor.evm_backend.computation_base import ComputationBase
from op_program.executor.evm_backend.interp.loop import run_frame
from op_program.executor.evm_backend.interp.table import build_table
from op_program.executor.evm_types import EvmRevision


class ProjectComputationMixin(ComputationBase):
    """A py-evm Computation whose code runs in the project's loop."""

    op_revision: EvmRevision

    @classmethod
    def run_code(cls, computation: Any) -> None:
        """Run the frame in ``loop.run_frame`` with this fork's dispatch table."""
        run_frame(computation, build_table(cls.op_revision, computation.opcodes))
