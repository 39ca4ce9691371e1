"""Per-opcode execution of the rest of a block that is known to halt exceptionally.

Spec: Yellow Paper §9.4 (each opcode's static gas and stack bounds are checked before it runs)
and §9.4.2 (exceptional halting ``Z``). The loop checks a block's summed static gas and stack
bounds once, before it (``blocks``). When that check fails, or when a frame opcode inside the
block leaves less gas than the static gas of the opcodes after it, some per-opcode check in
the block fails. The frame's outcome does not depend on where (all gas consumed, state
reverted), but which state the opcodes before that point read does: they are the block's
witness, which another executor replaying the block must find. So the block is run here as
per-opcode checks would run it, from ``pc`` with ``gas`` left, until the halt, and the halt
(``OutOfGas``, ``InsufficientStack``, ``FullStack`` or what a frame opcode raises) is the
per-opcode one.
"""

from typing import NoReturn

from eth.exceptions import FullStack, InsufficientStack, OutOfGas

from op_program.executor.evm_backend.interp.frame import Frame, analyse
from op_program.executor.evm_backend.interp.table import (
    K_DUP,
    K_ENV,
    K_FRAME,
    K_NOOP,
    K_PURE,
    K_PUSH,
    K_SWAP,
    Entry,
)


def exact_halt(  # noqa: PLR0913, PLR0917 - the loop's locals, positional
    f: Frame, s: list[int], code: bytes, table: list[Entry], pc: int, gas: int,
) -> NoReturn:
    """Run the block's opcodes one by one from ``pc`` (gas left ``gas``) to their halt.

    Called only when some check of the block fails (module doc); the block's last opcode
    (a frame opcode, JUMP, JUMPI) is never run: its checks are the last to fail.
    """
    padded = analyse(code)[1]
    start = pc
    while pc < len(code):
        cost, need, limit, kind, arg = table[code[pc]]
        if cost > gas:
            raise OutOfGas(f"out of gas at pc {pc}: needs {cost}, has {gas}")
        gas -= cost
        if len(s) < need:
            raise InsufficientStack(f"needs {need} stack items, has {len(s)}")
        if len(s) > limit:
            raise FullStack("stack limit of 1024 items reached")
        if kind == K_PUSH:
            s.append(int.from_bytes(padded[pc + 1:pc + arg], "big"))
            pc += arg
            continue
        if kind == K_PURE:
            arg(s)
        elif kind == K_DUP:
            s.append(s[arg])
        elif kind == K_SWAP:
            s[-1], s[arg] = s[arg], s[-1]
        elif kind == K_ENV:
            arg(f, s)
        elif K_ENV < kind < K_FRAME:  # K_MLOAD, K_MSTORE, K_GASOP
            f.gas = gas
            arg(f, s)
            gas = f.gas
        elif kind != K_NOOP or pc != start:  # a block's last opcode, or past its end
            break
        pc += 1
    raise AssertionError(f"the block before pc {pc} has no failing check")
