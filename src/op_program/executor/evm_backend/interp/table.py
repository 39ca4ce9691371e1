"""The dispatch table of the project's interpreter: one entry per opcode byte and fork.

Spec: Yellow Paper Appendix H.2 (static gas ``W`` groups, stack ``δ``/``α``), EIP-3855
(PUSH0, Shanghai), Cancun's EIP-1153/5656/4844/7516 opcodes. An entry is
``(static gas, stack items needed, largest stack height allowed, kind, argument)``; the
loop checks gas and height before the effect, so opcode functions never re-check them.
The message calls are ``ops_call``'s, the creation opcodes and SELFDESTRUCT ``ops_create``'s.
"""

from typing import Any, Final

from op_program.executor.evm_backend.interp.frame import STACK_LIMIT
from op_program.executor.evm_backend.interp.ops_arith import ARITH_OPS
from op_program.executor.evm_backend.interp.ops_call import CALL_OPS
from op_program.executor.evm_backend.interp.ops_create import CREATE_OPS
from op_program.executor.evm_backend.interp.ops_env import CANCUN_ENV_OPS, ENV_OPS, op_invalid
from op_program.executor.evm_backend.interp.ops_state import CANCUN_STATE_OPS, STATE_OPS
from op_program.executor.evm_types import EvmRevision

K_PUSH: Final = 0
K_PURE: Final = 1
K_DUP: Final = 2
K_SWAP: Final = 3
K_FRAME: Final = 4
K_JUMPI: Final = 5
K_JUMP: Final = 6
K_NOOP: Final = 7
K_FUSED: Final = 8
K_PUSHN: Final = 9
K_POP: Final = 10
K_SWAPPOP: Final = 11
K_DUPADD: Final = 12
K_ISZERO: Final = 13
"""Kinds only ``blocks`` produces (never a table entry's): an opcode pair run by one function
``fn(stack, argument)`` (argument ``(fn, operand)``), a run of PUSHes (a tuple of values), a
run of POPs (argument ``-count``), and, inline in the loop because they are the most frequent
(a Python call costs more than the dispatch), SWAPn+POP (argument ``-n``: the top item replaces
that one after the pop), DUPn+ADD (argument DUP's index ``-n``) and ISZERO."""
Entry = tuple[int, int, int, int, Any]
VERYLOW_GAS: Final = 3
"""Static gas of PUSHn, DUPn and SWAPn (YP Appendix G ``G_verylow``), the same in every fork:
``blocks`` reads these opcodes' entries from their byte instead of from the table."""
_JUMP, _JUMPI, _JUMPDEST, _PUSH0 = 0x56, 0x57, 0x5B, 0x5F
_TABLES: dict[EvmRevision, list[Entry]] = {}


def _push0(s: list[int]) -> None:
    s.append(0)


def _entry(kind: int, fn: Any, gas: int, reads: int, writes: int) -> Entry:
    return (gas, reads, STACK_LIMIT - writes + reads, kind, fn)


def build_table(revision: EvmRevision) -> list[Entry]:
    """The 256 entries of ``revision`` (cached); unknown bytes are INVALID."""
    table = _TABLES.get(revision)
    if table is not None:
        return table
    table = [_entry(K_FRAME, op_invalid, 0, 0, 0) for _ in range(256)]
    for op, (fn, gas, reads, writes) in ARITH_OPS.items():
        table[op] = _entry(K_PURE, fn, gas, reads, writes)
    frame_ops = {**ENV_OPS, **STATE_OPS, **CALL_OPS, **CREATE_OPS}
    if revision in (EvmRevision.CANCUN, EvmRevision.PRAGUE):
        frame_ops.update(CANCUN_ENV_OPS)
        frame_ops.update(CANCUN_STATE_OPS)
    for op, (frame_fn, gas, reads, writes) in frame_ops.items():
        table[op] = _entry(K_FRAME, frame_fn, gas, reads, writes)
    if revision != EvmRevision.PARIS:
        table[_PUSH0] = _entry(K_PURE, _push0, 2, 0, 1)
    table[_JUMP] = _entry(K_JUMP, None, 8, 1, 0)
    table[_JUMPI] = _entry(K_JUMPI, None, 10, 2, 0)
    table[_JUMPDEST] = _entry(K_NOOP, None, 1, 0, 0)
    for n in range(1, 33):
        table[0x5F + n] = _entry(K_PUSH, n + 1, VERYLOW_GAS, 0, 1)
    for n in range(1, 17):
        table[0x7F + n] = _entry(K_DUP, -n, VERYLOW_GAS, n, n + 1)
        table[0x8F + n] = _entry(K_SWAP, -n - 1, VERYLOW_GAS, n + 1, n + 1)
    _TABLES[revision] = table
    return table
