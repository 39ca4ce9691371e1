"""Frame opcodes inside straight-line blocks (``K_ENV``, ``K_GASOP``): exact per-opcode halts.

The block's static gas is charged up front; a frame opcode inside the block must still see
the gas per-opcode checks leave it, so that the frame halts at the same opcode, with the same
exception, having read the same state (the witness). Each program is run on the project's
interpreter and on py-evm with every gas limit from 0 to past success: the outcome (error
class, gas left, refund, logs, storage, and on success stack and memory) must be identical
and the accounts read ours a superset of py-evm's, on failure too.
"""

import ast
import dataclasses
import sys
from pathlib import Path
from typing import Any

import pytest

from op_program.executor.evm_backend.interp import ops_call, ops_create, ops_env, ops_state
from op_program.executor.evm_backend.interp.blocks import build_block
from op_program.executor.evm_backend.interp.table import (
    INLINE_ENV,
    INLINE_GAS,
    K_ENV,
    K_FRAME,
    K_GASOP,
    K_MLOAD,
    K_MSTORE,
    K_PUSH,
    build_table,
)
from op_program.executor.evm_backend.probe import FrameOutcome, ProbeInput, run_frame_probe
from op_program.executor.evm_types import EvmRevision

SLOTS = (0, 1, 2)
OTHER = bytes.fromhex("00000000000000000000000000000000000beef0")


def _push(value: int, size: int = 1) -> bytes:
    return bytes([0x5F + size]) + value.to_bytes(size, "big")


def _asm(*parts: int | bytes) -> bytes:
    return b"".join(bytes([p]) if isinstance(p, int) else p for p in parts)


def _observable(outcome: FrameOutcome) -> FrameOutcome:
    outcome = dataclasses.replace(outcome, accounts_read=frozenset())
    if outcome.error is None:
        return outcome
    return dataclasses.replace(outcome, stack=(), memory=b"")


def _sweep(code: bytes, top: int, **probe: object) -> set[str | None]:
    """Both engines agree at every gas limit in ``[0, top)``; the outcomes met (error names)."""
    seen: set[str | None] = set()
    for gas in range(top):
        case = ProbeInput(EvmRevision.CANCUN, code, gas, **probe)  # type: ignore[arg-type]
        ours = run_frame_probe("python", case, SLOTS)
        theirs = run_frame_probe("pyevm", case, SLOTS)
        assert _observable(ours) == _observable(theirs), gas
        assert theirs.accounts_read <= ours.accounts_read, gas
        seen.add(theirs.error)
    return seen


def _source(fn: Any) -> str:
    """The source of an opcode function, read from its ``.py`` file (compiled builds too)."""
    package, _, rest = fn.__module__.partition(".")
    path = Path(str(sys.modules[package].__file__)).parent / (rest.replace(".", "/") + ".py")
    text = path.read_text()
    for node in ast.parse(text).body:
        if isinstance(node, ast.FunctionDef) and node.name == fn.__name__:
            return str(ast.get_source_segment(text, node))
    raise AssertionError(f"{fn.__name__} not found in {path}")


def _kinds(code: bytes) -> list[int]:
    ops = build_block(code, code + bytes(32), build_table(EvmRevision.CANCUN), 0)[3]
    return [kind for kind, _ in ops]


def test_inline_opcodes_read_neither_pc_nor_gas_and_do_not_halt() -> None:
    """The classification of ``table``, checked against the opcode functions' source."""
    table = build_table(EvmRevision.CANCUN)
    forbidden = ("f.pc", "f.gas", "return True", "run_message", "run_create")
    for op in INLINE_ENV | INLINE_GAS:
        _, _, _, kind, fn = table[op]
        assert kind == (K_ENV if op in INLINE_ENV else {0x51: K_MLOAD, 0x52: K_MSTORE}.get(
            op, K_GASOP))
        source = _source(fn)
        if "_log(f, s" in source:
            source = _source(ops_state._log)
        assert not any(word in source for word in forbidden), fn.__name__
        charges = any(w in source for w in ("charge(", "expand(", "access_account("))
        assert charges == (op in INLINE_GAS), fn.__name__
    block_enders = [ops_env.op_stop, ops_env.op_return, ops_env.op_revert, ops_env.op_invalid,
                    ops_env.op_pc, ops_env.op_gas, ops_state.op_sstore]
    block_enders += [fn for fn, *_ in ops_call.CALL_OPS.values()]
    block_enders += [fn for fn, *_ in ops_create.CREATE_OPS.values()]
    for _, _, _, kind, fn in table:
        if fn in block_enders:
            assert kind == K_FRAME, fn.__name__


def test_frame_opcodes_no_longer_end_blocks() -> None:
    # CALLER, PUSH1 0, MSTORE, PUSH1 0, MLOAD, CALLDATALOAD, PUSH1 0, SLOAD, GAS
    code = _asm(0x33, _push(0), 0x52, _push(0), 0x51, 0x35, _push(0), 0x54, 0x5A)
    gas, _, _, ops, last, _, end = build_block(
        code, code + bytes(32), build_table(EvmRevision.CANCUN), 0)
    assert [kind for kind, _ in ops] == [K_ENV, K_PUSH, K_MSTORE, K_PUSH, K_MLOAD, K_ENV,
                                         K_PUSH, K_GASOP]
    assert (last, end) == (K_FRAME, len(code) - 1)  # GAS reads the gas left: it ends the block
    # each holds its function, the static gas up to and including it, and its pc
    assert [arg for kind, arg in ops if kind in (K_MSTORE, K_MLOAD, K_GASOP)] == [
        (ops_env.op_mstore, 8, 3), (ops_env.op_mload, 14, 6), (ops_state.op_sload, 20, 10)]
    assert gas == 22
    assert _kinds(b"\x33\x30") == [K_ENV, K_ENV]  # CALLER, ADDRESS: one block to the end


def test_a_dynamic_charge_mid_block_running_out_of_gas() -> None:
    """MSTORE's expansion (the 4th word) is charged with the later opcodes' gas added back."""
    code = _asm(_push(1), _push(0x60), 0x52, _push(2), _push(3), 0x01, 0x50, _push(7), 0x50)
    assert set(_sweep(code, 60)) == {"OutOfGas", None}


def test_mstore_appending_words_mid_block() -> None:
    """MSTOREs each one word past the end of memory (the loop's own growth path), then more."""
    code = _asm(_push(1), _push(0), 0x52, _push(2), _push(0x20), 0x52, _push(3), _push(0x40),
                0x52, _push(4), _push(0x5F), 0x52, _push(5), _push(1), 0x01, 0x50)
    assert set(_sweep(code, 80)) == {"OutOfGas", None}
    # past 256 words the quadratic term grows too: 0x1fe0 grows memory to 256 words, then
    # each append costs 3 + 1
    code = _asm(_push(1), _push(0x1FE0, 2), 0x52, _push(2), _push(0x2000, 2), 0x52, _push(3),
                _push(0x2020, 2), 0x52, _push(4), 0x50)
    assert set(_sweep(code, 960)) == {"OutOfGas", None}
    assert run_frame_probe("python", ProbeInput(EvmRevision.CANCUN, code, 960), SLOTS).gas_left \
        == 960 - (3 * 10 + 2) - (3 * 256 + 256 * 256 // 512) - 4 - 4


def test_memory_expansion_mid_block_then_a_stack_error() -> None:
    """Below the expansion's cost the MLOAD runs out of gas first, above it ADD underflows."""
    code = _asm(_push(0x40), 0x51, 0x50, 0x01)
    assert set(_sweep(code, 40)) == {"OutOfGas", "InsufficientStack"}


@pytest.mark.parametrize("code, error", [
    (_asm(_push(0x20), _push(0), 0x52, _push(0x20), _push(0), 0xA0, _push(1), 0x50),
     "WriteProtection"),  # MSTORE expands, then LOG0 in a static call
    (_asm(_push(5), _push(1), 0x5D, _push(1), 0x50), "WriteProtection"),  # TSTORE
    (_asm(_push(0x40), 0x51, _push(1), _push(0), _push(0), 0x3E, _push(1), 0x50),
     "OutOfBoundsRead"),  # RETURNDATACOPY past the (empty) return data
])
def test_an_inline_opcode_raising_mid_block(code: bytes, error: str) -> None:
    assert set(_sweep(code, 600, static=True)) == {"OutOfGas", error}


def test_sload_and_log_cold_then_warm_mid_block() -> None:
    # SLOAD 1 (cold), SLOAD 1 (warm), ADD, PUSH 0, MSTORE, LOG1 of 32 bytes with topic 1,
    # SLOAD 2 (cold), POP, then pushes whose static gas comes after every dynamic charge
    code = _asm(_push(1), 0x54, _push(1), 0x54, 0x01, _push(0), 0x52,
                _push(1), _push(0x20), _push(0), 0xA1, _push(2), 0x54, 0x50, _push(9), 0x50)
    seen = _sweep(code, 6_000, storage={1: 5, 2: 7})
    assert seen == {"OutOfGas", None}


def test_accounts_read_mid_block_before_a_later_halt_are_read() -> None:
    """BALANCE runs before a later opcode's static gas runs out: its account is in the witness."""
    code = _asm(_push(int.from_bytes(OTHER, "big"), 20), 0x31, 0x50, _push(1), _push(2),
                _push(3), _push(4), 0x01, 0x01, 0x01, 0x50)
    assert set(_sweep(code, 2_700)) == {"OutOfGas", None}
    # at 2605 gas: PUSH20 (3), BALANCE (2600 cold) and POP (2) fit, the next PUSH does not
    ours = run_frame_probe("python", ProbeInput(EvmRevision.CANCUN, code, 2605), SLOTS)
    assert ours.error == "OutOfGas" and OTHER in ours.accounts_read
    # the block's own check fails (ADD underflows): BALANCE still runs first, as per opcode
    code = _asm(_push(int.from_bytes(OTHER, "big"), 20), 0x31, 0x50, 0x01)
    assert set(_sweep(code, 2_700)) == {"OutOfGas", "InsufficientStack"}
    ours = run_frame_probe("python", ProbeInput(EvmRevision.CANCUN, code, 2_700), SLOTS)
    assert ours.error == "InsufficientStack" and OTHER in ours.accounts_read
