"""The interpreter loop of the project's EVM: fetch, charge static gas, check stack, execute.

Spec: Yellow Paper §9.4 (execution cycle; exceptional halting ``Z``: out of gas, stack
underflow/overflow, invalid jump destination, invalid instruction) and EELS
``vm/interpreter.py``. Gas and pc are locals of the loop; opcode functions that need them see
them on the frame. Halts end the loop; exceptional halts raise py-evm's ``VMError`` classes so
that py-evm's computation keeps applying the frame's outcome (gas burn, revert, return data).
"""

from typing import Any

from eth.exceptions import FullStack, InsufficientStack, InvalidJumpDestination, OutOfGas

from op_program.executor.evm_backend.interp.frame import Frame, analyse
from op_program.executor.evm_backend.interp.table import (
    K_DUP,
    K_FRAME,
    K_JUMP,
    K_JUMPI,
    K_PURE,
    K_PUSH,
    K_SWAP,
    Entry,
)


def _stack_error(height: int, need: int) -> Exception:
    if height < need:
        return InsufficientStack(f"needs {need} stack items, has {height}")
    return FullStack("stack limit of 1024 items reached")


def run_frame(comp: Any, table: list[Entry]) -> None:  # noqa: PLR0912, PLR0915 - one flat hot loop
    """Execute ``comp``'s code to a halt; the gas left is written back to its meter."""
    f = Frame(comp)
    s: list[int] = comp._stack.values
    code = f.code
    size = len(code)
    dests, pushes, padded = analyse(code)
    gas = f.gas
    pc = 0
    while pc < size:
        cost, need, limit, kind, arg = table[code[pc]]
        if cost > gas:
            raise OutOfGas(f"out of gas at pc {pc}: needs {cost}, has {gas}")
        gas -= cost
        if not need <= len(s) <= limit:
            raise _stack_error(len(s), need)
        if kind == K_PUSH:
            value = pushes.get(pc)
            if value is None:
                value = pushes[pc] = int.from_bytes(padded[pc + 1:pc + arg], "big")
            s.append(value)
            pc += arg
        elif kind == K_PURE:
            arg(s)
            pc += 1
        elif kind == K_DUP:
            s.append(s[arg])
            pc += 1
        elif kind == K_SWAP:
            s[-1], s[arg] = s[arg], s[-1]
            pc += 1
        elif kind == K_FRAME:
            f.gas = gas
            f.pc = pc
            halted = arg(f, s)
            gas = f.gas
            if halted:
                break
            pc += 1
        elif kind == K_JUMPI:
            dest = s.pop()
            if s.pop():
                if dest not in dests:
                    raise InvalidJumpDestination(f"JUMPI to {dest} at pc {pc}")
                pc = dest
            else:
                pc += 1
        elif kind == K_JUMP:
            dest = s.pop()
            if dest not in dests:
                raise InvalidJumpDestination(f"JUMP to {dest} at pc {pc}")
            pc = dest
        else:  # JUMPDEST
            pc += 1
    comp._gas_meter.gas_remaining = gas
