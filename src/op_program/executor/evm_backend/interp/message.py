"""Message call ``Θ`` (Yellow Paper §8): a child frame, its journal checkpoint and its outcome.

Spec: YP §8 (checkpoint; value transfer from sender to recipient; run the recipient's code, or
the precompile at the code address; on an exceptional halt or revert the state returns to the
checkpoint, otherwise it is kept), §6.1 (the accrued substate ``A`` of a successful child joins
its parent's), EIP-140/211 (a revert returns its gas left and its output as return data, any
other exceptional halt burns the call's gas and returns no data), EIP-161 (the recipient is
touched; an empty touched account is deleted after the transaction), EIP-716 (the RIPEMD-160
touch survives a failed call), EIP-7702 (a delegation designator pointing at a precompile runs
nothing). The callers (``ops_call``) have already charged the call, checked the depth limit
and the balance; the project's frames replace py-evm's Message/Computation/apply_message,
py-evm's State stays the journal (snapshot/commit/revert). A call that runs a precompile or
empty code reads and writes no state itself, so it takes no checkpoint: its transfer and
touch are made once it has succeeded.
"""

from eth.exceptions import VMError

from op_program.executor.evm_backend.interp.frame import Frame
from op_program.executor.evm_backend.interp.precompile_call import PrecompileCall
from op_program.executor.evm_backend.interp.txenv import RIPEMD160

Outcome = tuple[bool, bytes, int]
"""(success, return data for the caller, gas given back to the caller)."""


def accrue(parent: Frame, child: Frame) -> None:
    """YP §6.1: a successful child's substate becomes part of its parent's, in order.

    Logs keep the order of execution (the parent's earlier logs, then the child's); refunds
    add up (EIP-2200 counters may be negative inside one frame); self-destructs and their
    beneficiaries join the parent's lists; the child's touched accounts join the parent's.
    """
    if child.logs:
        parent.logs += child.logs
    parent.refund += child.refund
    if child.beneficiaries:
        parent.destructs += child.destructs
        parent.beneficiaries += child.beneficiaries
    if child.touched:
        parent.touched += child.touched


def failed(state: object, snapshot: object, error: VMError, child: Frame) -> Outcome:
    """Roll back to ``snapshot`` after ``error``: a revert keeps its gas and output (EIP-140)."""
    state.revert(snapshot)  # type: ignore[attr-defined]
    if error.burns_gas:
        return False, b"", 0
    return False, child.output, child.gas


def run_message(  # noqa: PLR0913, PLR0917 - the message's fields (YP §8), positional for speed
    parent: Frame, gas: int, to: bytes, caller: bytes, value: int, data: bytes, code: bytes,
    code_address: bytes, transfers: bool, static: bool, is_delegation: bool,
) -> Outcome:
    """Run the message call and apply its outcome to the state and the parent's substate.

    ``to`` is the account whose storage and balance the call uses (the caller itself for
    CALLCODE and DELEGATECALL), ``code_address`` the account whose code or precompile runs.
    """
    env = parent.env
    state = env.state
    if to == RIPEMD160:
        env.ripemd_touched = True
    precompile = env.precompiles.get(code_address)
    if precompile is not None or not code:
        # Neither a precompile nor empty code reads or writes state, so the call's own
        # state changes (transfer, touch) need no checkpoint: they are made only once the
        # call has succeeded, which leaves the state as checkpoint-and-revert would.
        # EIP-7702: a delegation designator pointing at a precompile runs nothing.
        output = b""
        if precompile is not None and not is_delegation:
            call = PrecompileCall(state, data, gas)
            try:
                precompile(call)
            except VMError as error:
                return False, b"", 0 if error.burns_gas else call.gas
            output = call.output
            gas = call.gas
        if transfers and value:
            state.delta_balance(caller, -value)
            state.delta_balance(to, value)
        state.touch_account(to)
        parent.touched.append(to)
        return True, output, gas
    snapshot = state.snapshot()
    if transfers and value:
        state.delta_balance(caller, -value)
        state.delta_balance(to, value)
    state.touch_account(to)
    child = Frame(env, code, gas, to, caller, value, data, parent.depth + 1, static)
    try:
        env.run(child, [], env.table)
    except VMError as error:
        return failed(state, snapshot, error, child)
    state.commit(snapshot)
    parent.touched.append(to)
    accrue(parent, child)
    return True, child.output, child.gas
