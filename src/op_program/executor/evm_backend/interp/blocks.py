"""Straight-line blocks of code: static gas and stack bounds checked once per block.

Spec: Yellow Paper §9.4.2 (exceptional halting ``Z``: out of gas, stack underflow/overflow)
and §9.4 (every exceptional halt consumes all of the frame's gas and reverts its state). A
block starts at a pc the loop reaches and runs to the first opcode that ends blocks (a frame
opcode of kind ``K_FRAME``, JUMP, JUMPI; included), or stops before a JUMPDEST (a jump target
starts its own block) or at the end of the code. Inside a block run PUSH, DUP, SWAP, JUMPDEST,
the stack-only opcodes, and the frame opcodes of kinds ``K_ENV`` and ``K_GASOP`` (``table``:
they never halt normally, read neither the pc nor the gas left, start no frame; a
``K_GASOP`` charges a dynamic cost). Checking, before the block, that its summed static gas is
affordable and that the stack height stays within every opcode's bounds all along is then
equivalent to checking before each opcode, with one adjustment:

- A stack-only opcode has no effect outside the frame's stack and never halts, so for a block
  of those alone, when a per-opcode check would fail somewhere in the block, the block check
  fails, and either way the frame halts exceptionally with the same outcome (all gas
  consumed, state reverted).
- A ``K_GASOP`` is given the gas the per-opcode checks would leave it: the static gas of the
  opcodes after it in the block, charged up front, is added back for it (its operation holds
  the static gas up to and including it) and taken off again after it. Charged up front, its
  dynamic charge would see less gas; the total need being the same, the frame would still
  halt exceptionally whenever per-opcode checks make it halt (``Z`` is one disjunction; the
  outcome is the same), but the halt could come at another opcode, so the state read by the
  opcodes in between (SLOAD, BALANCE, ...: the block's witness, which another executor
  replaying the block must find) and the named exception class would differ. With the gas
  added back they do not. When the gas left after it is below the static gas of the rest of
  the block, a later per-opcode check fails: ``exact.exact_halt`` runs the rest of the block
  opcode by opcode to that halt.
- When the block check itself fails, ``exact.exact_halt`` likewise runs the block opcode by
  opcode from its start, so the frame opcodes before the failing check run (and read state)
  as they would, and the exception is the one the per-opcode checks raise first (out of gas,
  a stack error, or what a frame opcode raises), the same as py-evm's.

The block's last opcode (a ``K_FRAME`` opcode, JUMP, JUMPI) has its static gas in the sum and
sees the gas left after it. Blocks partition the code (each starts at 0, a JUMPDEST, or after
a block's last opcode), so analysing all of them is linear in the code size; each is built
once, when first reached. Running MLOAD, MSTORE, CALLDATALOAD, SLOAD, ... inside blocks
(rather than ending a block at each) cut the blocks run on op-sepolia-22886464 from 302,668
to 210,766.

The block's operations are a peephole-optimised form of its opcodes (the checks above are
computed from the opcodes themselves, so they do not change): a stack-only opcode whose
operands are all constants pushed in the block is evaluated while building; ``PUSH v`` or
``DUPn`` followed by a common opcode, ``SWAPn; POP``, runs of POPs and of PUSHes each become
one operation; ``PUSH d; JUMP`` / ``PUSH d; JUMPI`` with ``d`` a JUMPDEST end the block with
``d`` resolved (an invalid ``d`` keeps the pushed value and the loop's check, so the halt is
the same). On the 17 real fixtures this runs 4.8M operations where 7.7M ran before.

A real proof builds each block it reaches once and runs many only a few times, so building is
kept cheap too (``build_block``: one pass, the operations that do not depend on a PUSH value
shared rather than built per block); on the fixtures' cold runs the fusions still pay for
their building (without them ``execute-block --reps`` took about a quarter longer).
"""

from typing import Any, Final

from op_program.executor.evm_backend.interp.frame import STACK_LIMIT, analyse
from op_program.executor.evm_backend.interp.ops_arith import (
    ARITH_OPS,
    DUP_FUSED,
    PUSH_FUSED,
    op_add,
    op_iszero,
    op_pop,
)
from op_program.executor.evm_backend.interp.table import (
    K_DUP,
    K_DUPADD,
    K_ENV,
    K_FRAME,
    K_FUSED,
    K_ISZERO,
    K_JUMP,
    K_NOOP,
    K_POP,
    K_PURE,
    K_PUSH,
    K_PUSHN,
    K_SWAP,
    K_SWAPPOP,
    VERYLOW_GAS,
    Entry,
)

K_END: Final = -1
"""Block ends at the end of the code (an implicit STOP)."""
K_FALL: Final = -2
"""Block ends before a JUMPDEST; execution continues there."""
K_JUMPC: Final = -3
"""Block ends in ``PUSH d; JUMP`` with ``d`` a valid destination (the last argument)."""
K_JUMPIC: Final = -4
"""Block ends in ``PUSH d; JUMPI`` with ``d`` a valid destination (the last argument)."""
_JUMPDEST: Final = 0x5B
_PUSH1: Final = 0x60
_DUP1: Final = 0x80
_SWAP1: Final = 0x90
_LOG0: Final = 0xA0
_STACK_OPS: Final = tuple(
    [(K_DUP, -n) for n in range(1, 17)] + [(K_SWAP, -n - 1) for n in range(1, 17)])
"""The operation of DUPn and SWAPn (``_STACK_OPS[op - DUP1]``).

These and the tables below are the operations built once, not per block: fewer objects per
block is less work for the cyclic garbage collector, which a cold run (every block built)
otherwise triggers every few hundred blocks."""
_PUSHES: Final = tuple([(K_PUSH, v) for v in range(256)])
_DUPADDS: Final = tuple([(K_DUPADD, i - 17) for i in range(17)])
"""``_DUPADDS[-n]`` is ``(K_DUPADD, -n)``; ``_SWAPPOPS`` and ``_POPS`` alike."""
_SWAPPOPS: Final = tuple([(K_SWAPPOP, i - 17) for i in range(17)])
_POPS: Final = tuple([(K_POP, i - 17) for i in range(17)])
_ISZERO: Final = (K_ISZERO, None)
_PURE_OPS: Final = {fn: (K_PURE, fn) for fn, _, _, _ in ARITH_OPS.values()}
_DUP_FUSED_OPS: Final = {
    fn: tuple([(K_FUSED, (fused, i - 17)) for i in range(17)]) for fn, fused in DUP_FUSED.items()
}
_CODE_CACHE_LIMIT: Final = 1024
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


def build_block(code: bytes, padded: bytes, table: list[Entry], start: int) -> Block:  # noqa: PLR0912, PLR0915 - one flat hot loop
    """Analyse the block starting at ``start`` (``padded``: code + 32 zero bytes).

    One pass, linear in the block. PUSHn, DUPn and SWAPn (most of the opcodes) are decoded
    from their byte: their entries are the same in every fork (``VERYLOW_GAS``, the stack
    effect of their number; test_interp_blocks pins that the tables agree). The bounds skip
    only checks that cannot move them: ``highest <= STACK_LIMIT - height`` and
    ``lowest >= -height`` hold all along (each opcode's check keeps them), so an opcode that
    adds no item (SWAP) cannot lower ``highest`` and one that needs none (PUSH) cannot raise
    ``lowest``.

    The values pushed since the last operation wait in ``run`` (not yet in ``ops``): a
    stack-only opcode with all its operands there is evaluated on ``run`` itself (folded), a
    JUMP or JUMPI takes a valid constant destination from it, and the first other operation
    moves the run into ``ops`` as one K_PUSH or K_PUSHN.
    """
    size = len(code)
    gas = 0
    height = 0  # stack height relative to the block's entry
    lowest = 0
    highest = STACK_LIMIT
    ops: list[tuple[int, Any]] = []
    run: list[int] = []
    last = K_END
    last_arg: Any = None
    pc = start
    if pc < size and code[pc] == _JUMPDEST:  # a JUMPDEST first starts this block
        gas = table[_JUMPDEST][0]
        pc += 1
    while pc < size:
        op = code[pc]
        if op >= _PUSH1:
            if op < _DUP1:  # PUSHn (the same in every fork): needs no item, adds one
                gas += VERYLOW_GAS
                if STACK_LIMIT - 1 - height < highest:  # noqa: PLR1730 - no min() call in this hot loop
                    highest = STACK_LIMIT - 1 - height
                height += 1
                if op == _PUSH1:
                    run.append(padded[pc + 1])
                    pc += 2
                elif op == _PUSH1 + 1:
                    run.append(padded[pc + 1] << 8 | padded[pc + 2])
                    pc += 3
                else:
                    step = op - _PUSH1 + 2
                    run.append(int.from_bytes(padded[pc + 1:pc + step], "big"))
                    pc += step
                continue
            if op < _LOG0:  # DUPn, SWAPn (the same in every fork)
                gas += VERYLOW_GAS
                if run:
                    ops.append(_pushes(run))
                    run = []
                pc += 1
                if op < _SWAP1:  # DUPn: needs n items, adds one
                    need = op - _DUP1 + 1
                    if need - height > lowest:  # noqa: PLR1730 - no max() call in this hot loop
                        lowest = need - height
                    if STACK_LIMIT - 1 - height < highest:  # noqa: PLR1730 - no min() call in this hot loop
                        highest = STACK_LIMIT - 1 - height
                    height += 1
                else:  # SWAPn: needs n + 1 items, adds none (its upper bound is implied)
                    need = op - _SWAP1 + 2
                    if need - height > lowest:  # noqa: PLR1730 - no max() call in this hot loop
                        lowest = need - height
                ops.append(_STACK_OPS[op - _DUP1])
                continue
        cost, need, limit, kind, arg = table[op]
        if kind == K_NOOP:  # a JUMPDEST starts the next block
            last = K_FALL
            break
        gas += cost
        if need - height > lowest:  # noqa: PLR1730 - no max() call in this hot loop
            lowest = need - height
        if limit - height < highest:  # noqa: PLR1730 - no min() call in this hot loop
            highest = limit - height
        if kind >= K_FRAME:  # K_FRAME, K_JUMPI, K_JUMP
            if kind != K_FRAME and run and run[-1] in analyse(code)[0]:
                arg = run.pop()  # a constant, valid destination: resolved here
                kind = K_JUMPC if kind == K_JUMP else K_JUMPIC
            last = kind
            last_arg = arg
            break
        # K_PURE: a stack-only opcode (PUSH, DUP and SWAP were met above), or a frame opcode
        # that runs inside the block (K_ENV .. K_GASOP, module doc)
        height += STACK_LIMIT - limit  # items written minus items read
        if kind != K_PURE:  # K_MLOAD, K_MSTORE, K_GASOP with the static gas up to it, its pc
            if run:
                ops.append(_pushes(run))
                run = []
            ops.append((kind, arg) if kind == K_ENV else (kind, (arg, gas, pc)))
            pc += 1
            continue
        pc += 1
        if len(run) >= need:  # all operands pushed in this block: evaluated now
            arg(run)  # stack-only opcodes never fail: they see their operands
        elif run:
            if len(run) == 1 and arg in PUSH_FUSED:
                ops.append((K_FUSED, (PUSH_FUSED[arg], run[0])))
                run = []
            else:
                ops.append(_pushes(run))
                run = []
                ops.append(_PURE_OPS.get(arg) or (K_PURE, arg))
        else:
            _add_pure(ops, arg)
    else:
        pc = size
    if run:
        ops.append(_pushes(run))
    return (gas, lowest, highest, ops, last, last_arg, pc)


def _pushes(run: list[int]) -> tuple[int, Any]:
    """The operation pushing the values of ``run``: one K_PUSH, or one K_PUSHN for several."""
    if len(run) == 1:
        value = run[0]
        return _PUSHES[value] if value < 256 else (K_PUSH, value)  # noqa: PLR2004 - _PUSHES
    return (K_PUSHN, tuple(run))


def _add_pure(ops: list[tuple[int, Any]], fn: Any) -> None:
    """Append stack-only opcode ``fn``, with no constant operand, fused with the operation before.

    The block's checks are computed from the opcodes themselves (``build_block``), so the
    representation of ``ops`` changes only how the same stack effect is computed: a binary
    opcode after a DUP, and POP after a SWAP, become one fused call; POPs in a row become one
    K_POP; ISZERO is a kind of its own.
    """
    prev: int = K_END
    operand: Any = 0
    if ops:
        prev, operand = ops[-1]
    if prev == K_DUP:
        if fn is op_add:
            ops[-1] = _DUPADDS[operand]
            return
        fused = _DUP_FUSED_OPS.get(fn)
        if fused is not None:
            ops[-1] = fused[operand]
            return
    if fn is op_iszero:
        ops.append(_ISZERO)
    elif fn is op_pop:
        if prev == K_SWAP:
            ops[-1] = _SWAPPOPS[operand + 1]
        elif prev == K_POP:
            ops[-1] = _POPS[operand - 1] if operand > -16 else (K_POP, operand - 1)  # noqa: PLR2004
        else:
            ops.append(_POPS[-1])
    else:
        ops.append(_PURE_OPS.get(fn) or (K_PURE, fn))

