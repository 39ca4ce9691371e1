"""Contract creation ``Λ`` (Yellow Paper §7): the init code's frame and the code deposit.

Spec: YP §7 (checkpoint; the new account's nonce starts at 1 (EIP-161); the endowment moves
from the creator; the init code runs with empty call data; its output becomes the account's
code for 200 gas per byte; on any failure the state returns to the checkpoint), EIP-170 (code
above 24,576 bytes fails), EIP-3541 (code starting with 0xEF fails), EIP-140/211 (a revert
returns its gas and output; any other failure burns the gas and returns nothing; success
leaves empty return data), EIP-6780 (the address joins the transaction's created contracts).
The opcode (``ops_create``) has charged the creation, derived the address and checked depth,
balance and collision.
"""

from typing import Final

from eth.exceptions import VMError

from op_program.executor.evm_backend.interp.frame import Frame
from op_program.executor.evm_backend.interp.message import Outcome, accrue, failed

CODE_DEPOSIT_GAS: Final = 200
MAX_CODE_SIZE: Final = 24_576
_RESERVED_FIRST_BYTE: Final = 0xEF


def run_create(parent: Frame, gas: int, address: bytes, value: int, initcode: bytes) -> Outcome:
    """Create the contract at ``address``; the outcome as for a message call."""
    env = parent.env
    state = env.state
    snapshot = state.snapshot()
    state.increment_nonce(address)
    creator = parent.address
    if value:
        state.delta_balance(creator, -value)
        state.delta_balance(address, value)
    state.touch_account(address)
    env.contracts_created.append(address)
    child = Frame(env, initcode, gas, address, creator, value, b"", parent.depth + 1, False)
    if initcode:
        try:
            env.run(child, [], env.table)
        except VMError as error:
            return failed(state, snapshot, error, child)
    code = child.output
    if code:
        deposit = CODE_DEPOSIT_GAS * len(code)
        if len(code) > MAX_CODE_SIZE or code[0] == _RESERVED_FIRST_BYTE or deposit > child.gas:
            state.revert(snapshot)  # an exceptional halt of the creation: all gas is gone
            return False, b"", 0
        child.gas -= deposit
        state.set_code(address, code)
    state.commit(snapshot)
    accrue(parent, child)
    return True, b"", child.gas
