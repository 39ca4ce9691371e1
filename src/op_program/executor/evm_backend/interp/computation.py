"""The transaction's top-level frame: py-evm's computation run by the project's frames.

Spec: Yellow Paper §8 (message call: precompiles run instead of code), §9 (execution) and
§6.1 (accrued substate). py-evm's transaction executor still builds the top-level message and
computation (checkpoint, value transfer, EIP-3860 initcode cost, code deposit of a creation
transaction, refunds and fee settlement); its code runs here as a project ``Frame``, and
every message call or creation below it is a project frame too (``message``, ``creation``).
When the top-level frame halts, its machine state and the substate it accrued from its
successful children are handed back to the computation in py-evm's shapes (output, gas left,
refund counter, logs, self-destructs and beneficiaries), plus the accounts touched below it
and the EIP-716 RIPEMD-160 flag that ``backend.touched_accounts`` reads.
"""

from typing import Any

from op_program.executor.evm_backend.computation_base import ComputationBase
from op_program.executor.evm_backend.interp.frame import Frame
from op_program.executor.evm_backend.interp.loop import run_frame
from op_program.executor.evm_backend.interp.table import build_table
from op_program.executor.evm_backend.interp.txenv import TxEnv
from op_program.executor.evm_types import EvmRevision


def top_frame(comp: Any, revision: EvmRevision) -> Frame:
    """The project frame of py-evm computation ``comp`` (the transaction's message)."""
    msg = comp.msg
    state = comp.state
    env = TxEnv(state, comp.transaction_context, build_table(revision), comp.precompiles,
                revision, comp.contracts_created, run_frame)
    meter = comp._gas_meter
    f = Frame(env, bytes(msg.code), meter.gas_remaining, msg.storage_address, msg.sender,
              msg.value, bytes(msg.data), msg.depth, msg.is_static)
    f.mem = comp._memory._bytes
    f.refund = meter.gas_refunded
    return f


def hand_back(f: Frame, comp: Any) -> None:
    """Write the frame's outcome and accrued substate into py-evm's computation."""
    comp._gas_meter.gas_remaining = f.gas
    comp._gas_meter.gas_refunded = f.refund
    comp._memory._bytes = f.mem
    comp.output = f.output
    comp.return_data = f.return_data
    comp._log_entries.extend(f.logs)
    comp.accounts_to_delete.extend(f.destructs)
    comp.beneficiaries.extend(f.beneficiaries)
    comp.frames_touched = f.touched
    comp.ripemd_touched = f.env.ripemd_touched


class ProjectComputationMixin(ComputationBase):
    """A py-evm Computation whose code, and every frame below it, run on the project's EVM."""

    op_revision: EvmRevision

    @classmethod
    def run_code(cls, computation: Any) -> None:
        """Run the frame in ``loop.run_frame``; hand the outcome back even on a halt."""
        f = top_frame(computation, cls.op_revision)
        try:
            run_frame(f, computation._stack.values, f.env.table)
        finally:
            hand_back(f, computation)
