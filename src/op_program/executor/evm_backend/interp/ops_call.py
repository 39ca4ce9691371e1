"""Message-call opcodes: CALL, CALLCODE, DELEGATECALL, STATICCALL (frames of the interpreter).

Spec: Yellow Paper §8 and Appendix H.2 (``Θ``, ``C_CALL``: 9000 for value, 25000 for a new
account, the 2300 stipend), EIP-150 (the callee gets at most all but one 64th of the gas
left), EIP-161 (a dead callee costs 25000 only with value), EIP-214 (CALL with value in a
static frame is exceptional), EIP-2929 (2600 cold / 100 warm for the code address), EIP-7702
(a delegation designator ``0xef0100 ‖ address`` runs the delegate's code, whose access is
charged too), EIP-211 (return data). The depth limit (1024) and an insufficient balance make
the call fail without running it: 0 is pushed and the callee's gas comes back. The child frame
itself (checkpoint, value transfer, code or precompile) is ``message.run_message``.
"""

from typing import Final

from eth.exceptions import OutOfGas, WriteProtection

from op_program.executor.evm_backend.interp.frame import Frame, charge, expand2, read
from op_program.executor.evm_backend.interp.message import run_message
from op_program.executor.evm_backend.interp.ops_env import to_address
from op_program.executor.evm_backend.interp.ops_state import access_account

CALL_VALUE: Final = 9000
NEW_ACCOUNT: Final = 25_000
CALL_STIPEND: Final = 2300
DEPTH_LIMIT: Final = 1024
_DELEGATION_PREFIX: Final = b"\xef\x01\x00"
_DELEGATION_LENGTH: Final = 23


def _code_at(f: Frame, address: bytes, follow_delegation: bool) -> tuple[bytes, bytes | None]:
    """Charge the access of ``address`` and return its code (and the EIP-7702 delegate)."""
    access_account(f, address)
    code: bytes = f.state.get_code(address)
    if follow_delegation and len(code) == _DELEGATION_LENGTH and code[:3] == _DELEGATION_PREFIX:
        delegate = code[3:]
        access_account(f, delegate)
        return f.state.get_code(delegate), delegate
    return code, None


def _callee_gas(f: Frame, requested: int, extra: int) -> int:
    """EIP-150: charge ``extra`` plus the callee's gas, at most all but a 64th of what is left."""
    if f.gas < extra:
        raise OutOfGas(f"call needs {extra} gas before the callee's, has {f.gas}")
    left = f.gas - extra
    gas = min(requested, left - left // 64)
    charge(f, gas + extra)
    return gas


def _call(  # noqa: PLR0913 - the call's parameters, named as in the Yellow Paper
    f: Frame, s: list[int], gas: int, target: bytes, value: int, code_source: bytes,
    kind: int,
) -> None:
    """Shared body: memory, code, gas, checks, child frame, result (kind: opcode byte)."""
    in_start = s.pop()
    in_size = s.pop()
    out_start = s.pop()
    out_size = s.pop()
    expand2(f, in_start, in_size, out_start, out_size)
    data = read(f, in_start, in_size)
    state = f.state
    code, delegate = _code_at(f, code_source, f.env.prague)
    extra = 0
    if kind in (0xF1, 0xF2):  # CALL, CALLCODE
        if value:
            extra = CALL_VALUE
            if kind == 0xF1 and (not state.account_exists(target)
                                 or state.account_is_empty(target)):
                extra += NEW_ACCOUNT
    child_gas = _callee_gas(f, gas, extra)
    if value and kind != 0xF4:
        child_gas += CALL_STIPEND
    transfers = kind not in (0xF4, 0xFA)
    if f.depth + 1 > DEPTH_LIMIT or (transfers and value and state.get_balance(f.address) < value):
        f.return_data = b""
        f.gas += child_gas
        s.append(0)
        return
    if kind == 0xF4:  # DELEGATECALL: the caller's sender and value, no transfer
        success, output, left = run_message(
            f, child_gas, f.address, f.caller, value, data, code, delegate or code_source,
            False, f.static, delegate is not None,
        )
    else:
        success, output, left = run_message(
            f, child_gas, target, f.address, value, data, code, delegate or code_source,
            transfers, f.static or kind == 0xFA, delegate is not None,
        )
    f.return_data = output
    s.append(1 if success else 0)
    if out_size and output:
        size = min(out_size, len(output))
        f.mem[out_start:out_start + size] = output[:size]
    f.gas += left


def op_call(f: Frame, s: list[int]) -> None:
    """CALL: run the target's code with value, in the target's context."""
    gas = s.pop()
    target = to_address(s.pop())
    value = s.pop()
    if f.static and value:
        raise WriteProtection("CALL with value in a static call")
    _call(f, s, gas, target, value, target, 0xF1)


def op_callcode(f: Frame, s: list[int]) -> None:
    """CALLCODE: run another account's code with value, in this account's context."""
    gas = s.pop()
    source = to_address(s.pop())
    value = s.pop()
    _call(f, s, gas, f.address, value, source, 0xF2)


def op_delegatecall(f: Frame, s: list[int]) -> None:
    """DELEGATECALL (EIP-7): another account's code with this frame's sender and value."""
    gas = s.pop()
    source = to_address(s.pop())
    _call(f, s, gas, f.address, f.value, source, 0xF4)


def op_staticcall(f: Frame, s: list[int]) -> None:
    """STATICCALL (EIP-214): a call in which no state may change."""
    gas = s.pop()
    target = to_address(s.pop())
    _call(f, s, gas, target, 0, target, 0xFA)


CALL_OPS = {
    0xF1: (op_call, 0, 7, 1), 0xF2: (op_callcode, 0, 7, 1),
    0xF4: (op_delegatecall, 0, 6, 1), 0xFA: (op_staticcall, 0, 6, 1),
}
"""opcode -> (function, static gas, stack items read, stack items written)."""
