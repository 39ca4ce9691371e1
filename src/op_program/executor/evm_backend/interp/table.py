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
K_ENV: Final = 4
K_MLOAD: Final = 5
K_MSTORE: Final = 6
K_GASOP: Final = 7
K_FRAME: Final = 8
K_JUMPI: Final = 9
K_JUMP: Final = 10
K_NOOP: Final = 11
"""Kinds of table entries. Below ``K_FRAME`` an opcode runs inside a straight-line block
(``blocks``); from ``K_FRAME`` on it ends its block. ``K_ENV`` to ``K_GASOP`` are frame
opcodes that run inside a block (``INLINE_ENV``, ``INLINE_GAS``) as ``fn(frame, stack)``, the
last three with the frame's gas set to what it would be under per-opcode checks; MLOAD and
MSTORE, the most frequent, have their own kinds: the loop runs them itself unless memory
grows."""
K_FUSED: Final = 12
K_PUSHN: Final = 13
K_POP: Final = 14
K_SWAPPOP: Final = 15
K_DUPADD: Final = 16
K_ISZERO: Final = 17
"""Kinds only ``blocks`` produces (never a table entry's): an opcode pair run by one function
``fn(stack, argument)`` (argument ``(fn, operand)``), a run of PUSHes (a tuple of values), a
run of POPs (argument ``-count``), and, inline in the loop because they are the most frequent
(a Python call costs more than the dispatch), SWAPn+POP (argument ``-n``: the top item replaces
that one after the pop), DUPn+ADD (argument DUP's index ``-n``) and ISZERO."""
Entry = tuple[int, int, int, int, Any]
VERYLOW_GAS: Final = 3
"""Static gas of PUSHn, DUPn and SWAPn (YP Appendix G ``G_verylow``), the same in every fork:
``blocks`` reads these opcodes' entries from their byte instead of from the table."""
INLINE_ENV: Final = frozenset((
    0x30, 0x32, 0x33, 0x34, 0x35, 0x36, 0x38, 0x3A, 0x3D,  # ADDRESS .. RETURNDATASIZE
    0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4A,  # BLOCKHASH .. BLOBBASEFEE
    0x59, 0x5C, 0x5D,  # MSIZE, TLOAD, TSTORE
))
"""Frame opcodes that run inside a block and never touch the frame's gas: they neither halt
normally, nor read the pc or the gas, nor start a frame (a halt they raise, TSTORE's write
protection, is exceptional). Not here: STOP, RETURN, REVERT, INVALID (halts), PC, GAS, SSTORE
(reads the gas left: EIP-2200's stipend check), the calls and creations (forward the gas
left, start a frame), SELFDESTRUCT."""
INLINE_GAS: Final = frozenset((
    0x0A, 0x20, 0x31, 0x37, 0x39, 0x3B, 0x3C, 0x3E, 0x3F,  # EXP .. EXTCODEHASH
    0x51, 0x52, 0x53, 0x54, 0x5E, 0xA0, 0xA1, 0xA2, 0xA3, 0xA4,  # MLOAD .. MCOPY, LOG0-4
))
"""Frame opcodes that run inside a block and read the gas only to charge a dynamic cost
(memory expansion, copy words, EIP-2929 access, exponent bytes, log data), running out being
an exceptional halt (YP §9.4.2); the same exclusions as ``INLINE_ENV``."""
_JUMP, _JUMPI, _JUMPDEST, _PUSH0 = 0x56, 0x57, 0x5B, 0x5F
_OWN_KINDS: Final = {0x51: K_MLOAD, 0x52: K_MSTORE}
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
        kind = K_ENV if op in INLINE_ENV else K_GASOP if op in INLINE_GAS else K_FRAME
        kind = _OWN_KINDS.get(op, kind)
        table[op] = _entry(kind, frame_fn, gas, reads, writes)
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
