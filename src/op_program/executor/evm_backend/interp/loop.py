"""The interpreter loop of the project's EVM: fetch, charge static gas, check stack, execute.

Spec: Yellow Paper §9.4 (execution cycle; exceptional halting ``Z``: out of gas, stack
underflow/overflow, invalid jump destination, invalid instruction) and EELS
``vm/interpreter.py``. Gas and pc are locals of the loop; static gas and stack bounds are
checked once per straight-line block (``blocks``); opcode functions that need gas or pc see
them on the frame. Halts end the loop; exceptional halts raise py-evm's ``VMError`` classes,
which the frame's caller (``message``, ``creation`` or ``computation``) turns into the
frame's outcome (gas burn, revert, return data).
"""

from eth.exceptions import InvalidJumpDestination

from op_program.executor.evm_backend.interp.blocks import (
    K_FALL,
    K_JUMPC,
    K_JUMPIC,
    build_block,
    code_blocks,
    first_error,
)
from op_program.executor.evm_backend.interp.frame import MASK, Frame, analyse
from op_program.executor.evm_backend.interp.table import (
    K_DUP,
    K_DUPADD,
    K_FRAME,
    K_FUSED,
    K_ISZERO,
    K_JUMP,
    K_JUMPI,
    K_PURE,
    K_PUSH,
    K_PUSHN,
    K_SWAP,
    K_SWAPPOP,
    Entry,
)


def run_frame(f: Frame, s: list[int], table: list[Entry]) -> None:  # noqa: PLR0912, PLR0915 - one flat hot loop
    """Execute ``f``'s code on stack ``s`` to a halt; the gas left is written back to ``f``.

    Static gas and stack bounds are checked once per straight-line block (``blocks``). The
    kinds are tested in the order of their frequency on the real fixtures; a block's ending
    with a constant, valid destination (``K_JUMPC``, ``K_JUMPIC``) needs no check.
    """
    code = f.code
    dests, padded = analyse(code)
    blocks = code_blocks(code, table)
    gas = f.gas
    pc = 0
    while True:
        block = blocks.get(pc)
        if block is None:
            block = blocks[pc] = build_block(code, padded, table, pc)
        cost, lowest, highest, ops, last, arg, end = block
        if cost > gas or not lowest <= len(s) <= highest:
            raise first_error(code, table, pc, gas, len(s))
        pc = end
        gas -= cost
        for kind, value in ops:
            if kind == K_DUP:
                s.append(s[value])
            elif kind == K_PUSH:
                s.append(value)
            elif kind == K_SWAP:
                s[-1], s[value] = s[value], s[-1]
            elif kind == K_FUSED:
                value[0](s, value[1])
            elif kind == K_PURE:
                value(s)
            elif kind == K_DUPADD:
                s[-1] = (s[value] + s[-1]) & MASK
            elif kind == K_SWAPPOP:
                s[value] = s.pop()
            elif kind == K_ISZERO:
                s[-1] = 0 if s[-1] else 1
            elif kind == K_PUSHN:
                s += value
            else:  # K_POP
                del s[value:]
        if last == K_FRAME:
            f.gas = gas
            f.pc = pc
            halted = arg(f, s)
            gas = f.gas
            if halted:
                break
            pc += 1
        elif last == K_JUMPIC:
            pc = arg if s.pop() else pc + 1
        elif last == K_JUMPC:
            pc = arg
        elif last == K_JUMP:
            dest = s.pop()
            if dest not in dests:
                raise InvalidJumpDestination(f"JUMP to {dest} at pc {pc}")
            pc = dest
        elif last == K_FALL:
            continue
        elif last == K_JUMPI:
            dest = s.pop()
            if s.pop():
                if dest not in dests:
                    raise InvalidJumpDestination(f"JUMPI to {dest} at pc {pc}")
                pc = dest
            else:
                pc += 1
        else:  # K_END: the code ran out, an implicit STOP
            break
    f.gas = gas
