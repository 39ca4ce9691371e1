"""Straight-line blocks of code: static gas and stack bounds checked once per block.

Spec: Yellow Paper §9.4.2 (exceptional halting ``Z``: out of gas, stack underflow/overflow)
and §9.4 (every exceptional halt consumes all of the frame's gas and reverts its state). A
block starts at a pc the loop reaches and runs to the first frame opcode, JUMP or JUMPI
(included), or stops before a JUMPDEST (a jump target starts its own block) or at the end of
the code. Inside a block only PUSH, DUP, SWAP, JUMPDEST and stack-only opcodes run: none has
an effect outside the frame's stack, none halts. So checking, before the block, that its
summed static gas is affordable and that the stack height stays within every opcode's bounds
all along is equivalent to checking before each opcode: when a per-opcode check would fail
somewhere in the block, the block check fails, and either way the frame halts exceptionally
with the same outcome (all gas consumed, state reverted). The block's last opcode (a frame
opcode, JUMP, JUMPI) has its static gas in the sum and sees the gas left after it, as before.

When the block check fails, ``first_error`` walks the block opcode by opcode to name the
exception the per-opcode checks raise first (out of gas or a stack error), so that the frame's
error is the same as py-evm's. Blocks partition the code (each starts at 0, a JUMPDEST, or
after a block's last opcode), so analysing all of them is linear in the code size; each is
built once, when first reached.
"""

from typing import Any

from eth.exceptions import FullStack, InsufficientStack, OutOfGas

from op_program.executor.evm_backend.interp.frame import STACK_LIMIT
from op_program.executor.evm_backend.interp.table import (
    K_FRAME,
    K_NOOP,
    K_PUSH,
    Entry,
)

K_END = -1
"""Block ends at the end of the code (an implicit STOP)."""
K_FALL = -2
"""Block ends before a JUMPDEST; execution continues there."""
_JUMPDEST = 0x5B
_CODE_CACHE_LIMIT = 1024
Block = tuple[int, int, int, list[tuple[int, Any]], int, Any, int]
"""(static gas, lowest and highest stack height allowed at entry, straight-line operations as
(kind, argument) with PUSH values decoded, last kind, last argument, last pc or next pc)."""
_BLOCKS: dict[tuple[int, bytes], dict[int, Block]] = {}


def code_blocks(code: bytes, table: list[Entry]) -> dict[int, Block]:
    """The (lazily filled) blocks of ``code`` under dispatch table ``table`` (cached)."""
    key = (id(table), code)
    blocks = _BLOCKS.get(key)
    if blocks is None:
        if len(_BLOCKS) >= _CODE_CACHE_LIMIT:
            _BLOCKS.clear()
        blocks = _BLOCKS[key] = {}
    return blocks


def build_block(code: bytes, padded: bytes, table: list[Entry], start: int) -> Block:
    """Analyse the block starting at ``start`` (``padded``: code + 32 zero bytes)."""
    size = len(code)
    gas = 0
    height = 0  # stack height relative to the block's entry
    lowest = 0
    highest = STACK_LIMIT
    ops: list[tuple[int, Any]] = []
    add = ops.append
    pc = start
    if pc < size:  # the first opcode may be a JUMPDEST: it starts this block
        cost, need, limit, kind, arg = table[code[pc]]
        if kind == K_NOOP:
            gas = cost
            pc += 1
    while pc < size:
        op = code[pc]
        if op == _JUMPDEST:
            return (gas, lowest, highest, ops, K_FALL, None, pc)
        cost, need, limit, kind, arg = table[op]
        gas += cost
        if need - height > lowest:  # noqa: PLR1730 - no max() call in this hot loop
            lowest = need - height
        if limit - height < highest:  # noqa: PLR1730 - no min() call in this hot loop
            highest = limit - height
        if kind >= K_FRAME:  # K_FRAME, K_JUMPI, K_JUMP (K_NOOP is the JUMPDEST, met above)
            return (gas, lowest, highest, ops, kind, arg, pc)
        height += STACK_LIMIT - limit  # items written minus items read
        if kind == K_PUSH:
            add((K_PUSH, int.from_bytes(padded[pc + 1:pc + arg], "big")))
            pc += arg
        else:
            add((kind, arg))
            pc += 1
    return (gas, lowest, highest, ops, K_END, None, size)


def first_error(code: bytes, table: list[Entry], start: int, gas: int, height: int) -> Exception:
    """The exceptional halt the per-opcode checks meet first in the block at ``start``.

    Called only when the block's summed check failed, so some opcode's check fails.
    """
    pc = start
    while pc < len(code):
        cost, need, limit, kind, arg = table[code[pc]]
        if cost > gas:
            return OutOfGas(f"out of gas at pc {pc}: needs {cost}, has {gas}")
        gas -= cost
        if height < need:
            return InsufficientStack(f"needs {need} stack items, has {height}")
        if height > limit:
            return FullStack("stack limit of 1024 items reached")
        height += STACK_LIMIT - limit
        pc += arg if kind == K_PUSH else 1
    raise AssertionError(f"the block at pc {start} has no failing check")
