"""The interpreter loop of the project's EVM: fetch, charge static gas, check stack, execute.

Spec: Yellow Paper §9.4 (execution cycle; exceptional halting ``Z``: out of gas, stack
underflow/overflow, invalid jump destination, invalid instruction) and EELS
``vm/interpreter.py``. Gas and pc are locals of the loop; static gas and stack bounds are
checked once per straight-line block (``blocks``); opcode functions that need gas or pc see
them on the frame (a frame opcode inside a block, ``K_GASOP``, the gas per-opcode checks would
leave it; ``exact`` runs a block that halts exceptionally opcode by opcode). Halts end the
loop; exceptional halts raise py-evm's ``VMError`` classes, which the frame's caller
(``message``, ``creation`` or ``computation``) turns into the frame's outcome (gas burn,
revert, return data).
"""

from typing import Any

from eth.exceptions import InvalidJumpDestination

from op_program.executor.evm_backend.interp.blocks import (
    K_FALL,
    K_JUMPC,
    K_JUMPIC,
    build_block,
    code_blocks,
)
from op_program.executor.evm_backend.interp.exact import exact_halt
from op_program.executor.evm_backend.interp.frame import MASK, Frame, analyse, words_cost
from op_program.executor.evm_backend.interp.table import (
    K_DUP,
    K_DUPADD,
    K_ENV,
    K_FRAME,
    K_FUSED,
    K_GASOP,
    K_ISZERO,
    K_JUMP,
    K_JUMPI,
    K_MLOAD,
    K_MSTORE,
    K_PURE,
    K_PUSH,
    K_PUSHN,
    K_SWAP,
    K_SWAPPOP,
    Entry,
)


def charged(  # noqa: PLR0913, PLR0917 - the loop's locals, positional
    f: Frame, s: list[int], value: Any, gas: int, cost: int, code: bytes, table: list[Entry],
) -> int:
    """Run a frame opcode inside a block that may charge gas; the loop's ``gas`` after it.

    ``value`` is ``(fn, static gas of the block up to and including it, its pc)``; ``gas``
    has the block's static gas ``cost`` still to be subtracted (``run_frame``).
    """
    fn, spent, at = value
    f.gas = gas - spent
    fn(f, s)
    gas = f.gas + spent
    if gas < cost:  # the static gas of the block's later opcodes is unaffordable
        exact_halt(f, s, code, table, at + 1, gas - spent)
    return gas


def appended(  # noqa: PLR0913, PLR0917 - the loop's locals, positional
    f: Frame, s: list[int], value: Any, gas: int, cost: int, code: bytes, table: list[Entry],
) -> int:
    """MSTORE of one word just past the end of memory (``charged``'s arguments and result).

    Most memory growth is this (a word written at the free-memory pointer), so its cost is
    computed here, as ``frame.expand`` would: ``C_mem(w + 1) - C_mem(w)`` (``frame.words_cost``),
    and the word appended; anything else goes to ``charged``.
    """
    mem = f.mem
    words = len(mem) >> 5
    grow = words_cost(words + 1) - words_cost(words)
    spent = value[1]
    if grow > gas - spent:  # out of gas: raised there, as op_mstore raises it
        return charged(f, s, value, gas, cost, code, table)
    try:
        mem.extend(s[-2].to_bytes(32, "big"))
    except BufferError:  # a live memoryview pins the buffer: expand copies it
        return charged(f, s, value, gas, cost, code, table)
    del s[-2:]
    gas -= grow
    if gas < cost:  # the static gas of the block's later opcodes is unaffordable
        exact_halt(f, s, code, table, value[2] + 1, gas - spent)
    return gas


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
            exact_halt(f, s, code, table, pc, gas)
        pc = end
        # ``gas`` less the block's static gas ``cost`` is the gas left; it is subtracted after
        # the operations, so that the gas a frame opcode inside the block sees is the gas
        # per-opcode checks leave it (``blocks``): ``gas`` less the static gas up to it.
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
            elif kind == K_MSTORE:
                start = s[-1]
                mem = f.mem
                if start + 32 <= len(mem):  # no memory growth, no gas: op_mstore's effect
                    mem[start:start + 32] = s[-2].to_bytes(32, "big")
                    del s[-2:]
                elif start == len(mem):
                    gas = appended(f, s, value, gas, cost, code, table)
                else:
                    gas = charged(f, s, value, gas, cost, code, table)
            elif kind == K_SWAPPOP:
                s[value] = s.pop()
            elif kind == K_MLOAD:
                start = s[-1]
                mem = f.mem
                if start + 32 <= len(mem):  # no memory growth, no gas: op_mload's effect
                    s[-1] = int.from_bytes(mem[start:start + 32], "big")
                else:
                    gas = charged(f, s, value, gas, cost, code, table)
            elif kind == K_ENV:
                value(f, s)
            elif kind == K_ISZERO:
                s[-1] = 0 if s[-1] else 1
            elif kind == K_PUSHN:
                s += value
            elif kind == K_GASOP:
                gas = charged(f, s, value, gas, cost, code, table)
            else:  # K_POP
                del s[value:]
        gas -= cost
        if last == K_JUMPIC:
            pc = arg if s.pop() else pc + 1
        elif last == K_JUMPC:
            pc = arg
        elif last == K_JUMP:
            dest = s.pop()
            if dest not in dests:
                raise InvalidJumpDestination(f"JUMP to {dest} at pc {pc}")
            pc = dest
        elif last == K_FRAME:
            f.gas = gas
            f.pc = pc
            halted = arg(f, s)
            gas = f.gas
            if halted:
                break
            pc += 1
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
