"""The dispatch table of the project's interpreter: one entry per opcode byte and fork.

Spec: Yellow Paper Appendix H.2 (static gas ``W`` groups, stack ``δ``/``α``), EIP-3855
(PUSH0, Shanghai), Cancun's EIP-1153/5656/4844/7516 opcodes. An entry is
``(static gas, stack items needed, largest stack height allowed, kind, argument)``; the
loop checks gas and height before the effect, so opcode functions never re-check them.
The creation opcodes (CREATE, CREATE2) and SELFDESTRUCT run py-evm's implementation on this
frame's stack, memory and gas (``delegated``); the message calls are ``ops_call``'s.
"""

from collections.abc import Callable
from typing import Any

from eth.exceptions import Halt

from op_program.executor.evm_backend.interp.frame import STACK_LIMIT, Frame
from op_program.executor.evm_backend.interp.ops_arith import ARITH_OPS
from op_program.executor.evm_backend.interp.ops_call import CALL_OPS
from op_program.executor.evm_backend.interp.ops_env import CANCUN_ENV_OPS, ENV_OPS, op_invalid
from op_program.executor.evm_backend.interp.ops_state import CANCUN_STATE_OPS, STATE_OPS
from op_program.executor.evm_types import EvmRevision

K_PUSH, K_PURE, K_DUP, K_SWAP, K_FRAME, K_JUMPI, K_JUMP, K_NOOP = range(8)
Entry = tuple[int, int, int, int, Any]
_JUMP, _JUMPI, _JUMPDEST, _PUSH0 = 0x56, 0x57, 0x5B, 0x5F
# CREATE, CREATE2, SELFDESTRUCT: each pops at least one item and pushes at most one, so the
# stack can never overflow through them.
_DELEGATED = (0xF0, 0xF5, 0xFF)
_TABLES: dict[tuple[EvmRevision, int], list[Entry]] = {}


def _push0(s: list[int]) -> None:
    s.append(0)


def delegated(opcode: Any) -> Callable[[Frame, list[int]], bool]:
    """Run a py-evm opcode object with this frame's gas, pc, stack and memory in sync.

    py-evm's object charges all of its gas and checks the stack itself, in its own order.
    """

    def run(f: Frame, s: list[int]) -> bool:
        comp = f.comp
        meter = comp._gas_meter
        meter.gas_remaining = f.gas
        comp.code.program_counter = f.pc + 1
        try:
            opcode(comp)
        except Halt:
            f.gas = meter.gas_remaining
            return True
        f.gas = meter.gas_remaining
        f.mem = comp._memory._bytes
        top: Any = s[-1] if s else 0
        if top.__class__ is not int:  # py-evm pushes addresses as bytes
            s[-1] = int.from_bytes(top, "big")
        return False

    return run


def _entry(kind: int, fn: Any, gas: int, reads: int, writes: int) -> Entry:
    return (gas, reads, STACK_LIMIT - writes + reads, kind, fn)


def build_table(revision: EvmRevision, pyevm_opcodes: dict[int, Any]) -> list[Entry]:
    """The 256 entries of ``revision`` (cached); unknown bytes are INVALID."""
    key = (revision, id(pyevm_opcodes))
    table = _TABLES.get(key)
    if table is not None:
        return table
    table = [_entry(K_FRAME, op_invalid, 0, 0, 0) for _ in range(256)]
    for op, (fn, gas, reads, writes) in ARITH_OPS.items():
        table[op] = _entry(K_PURE, fn, gas, reads, writes)
    frame_ops = {**ENV_OPS, **STATE_OPS, **CALL_OPS}
    if revision in (EvmRevision.CANCUN, EvmRevision.PRAGUE):
        frame_ops.update(CANCUN_ENV_OPS)
        frame_ops.update(CANCUN_STATE_OPS)
    for op, (frame_fn, gas, reads, writes) in frame_ops.items():
        table[op] = _entry(K_FRAME, frame_fn, gas, reads, writes)
    for op in _DELEGATED:
        table[op] = _entry(K_FRAME, delegated(pyevm_opcodes[op]), 0, 0, 0)
    if revision != EvmRevision.PARIS:
        table[_PUSH0] = _entry(K_PURE, _push0, 2, 0, 1)
    table[_JUMP] = _entry(K_JUMP, None, 8, 1, 0)
    table[_JUMPI] = _entry(K_JUMPI, None, 10, 2, 0)
    table[_JUMPDEST] = _entry(K_NOOP, None, 1, 0, 0)
    for n in range(1, 33):
        table[0x5F + n] = _entry(K_PUSH, n + 1, 3, 0, 1)
    for n in range(1, 17):
        table[0x7F + n] = _entry(K_DUP, -n, 3, n, n + 1)
        table[0x8F + n] = _entry(K_SWAP, -n - 1, 3, n + 1, n + 1)
    _TABLES[key] = table
    return table
