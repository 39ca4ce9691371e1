"""The inline opcodes of the fast interpreter loop agree with py-evm's own implementations.

Each program ``PUSH32 b; PUSH32 a; OP; PUSH1 0; SSTORE`` runs once with the inline fast path
and once with the fast path switched off (py-evm's logic functions); the stored results match.
"""

from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from op_program.encoding.hashing import keccak256
from op_program.executor.evm_backend import interpreter
from op_program.mpt.account import decode_storage_value
from op_program.mpt.lookup import trie_get
from tests.unit.executor import harness as h

PROGRAM = bytes.fromhex("00000000000000000000000000000000000c0de5")
BINARY = {"ADD": 0x01, "MUL": 0x02, "SUB": 0x03, "LT": 0x10, "GT": 0x11, "EQ": 0x14,
          "AND": 0x16, "OR": 0x17, "XOR": 0x18, "SHL": 0x1B, "SHR": 0x1C}
UNARY = {"ISZERO": 0x15, "NOT": 0x19}
WORDS = st.one_of(st.integers(0, 2**256 - 1), st.sampled_from([0, 1, 255, 256, 2**255, 2**256 - 1]))


def run(code: bytes) -> int:
    root, pre = h.funded(extra=lambda b: b.set_code(PROGRAM, code))
    result = h.build(h.config(), h.parent_header(root), h.attributes([h.user_tx(0, PROGRAM)]), pre)
    nodes = {**pre, **result.new_nodes}
    storage_root = h.account(result, pre, PROGRAM).storage_root
    raw = trie_get(storage_root, keccak256(bytes(32)), nodes.__getitem__)
    return 0 if raw is None else decode_storage_value(raw)


def slow_and_fast(code: bytes) -> tuple[int, int]:
    fast = run(code)
    saved = dict(interpreter._BINARY_OPS), dict(interpreter._UNARY_OPS)
    interpreter._BINARY_OPS.clear()
    interpreter._UNARY_OPS.clear()
    interpreter._OP_TABLES.clear()
    try:
        slow = run(code)
    finally:
        interpreter._BINARY_OPS.update(saved[0])
        interpreter._UNARY_OPS.update(saved[1])
        interpreter._OP_TABLES.clear()
    return fast, slow


def push32(value: int) -> bytes:
    return b"\x7f" + value.to_bytes(32, "big")


@pytest.fixture(autouse=True)
def fresh_tables(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # These tests are about py-evm's engine (interpreter.py), no longer the default one.
    monkeypatch.setenv("OP_PROGRAM_EVM", "pyevm")
    interpreter._OP_TABLES.clear()
    yield
    interpreter._OP_TABLES.clear()


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(sorted(BINARY)), WORDS, WORDS)
def test_binary_ops_match_py_evm(name: str, a: int, b: int) -> None:
    code = push32(b) + push32(a) + bytes([BINARY[name], 0x60, 0x00, 0x55, 0x00])
    fast, slow = slow_and_fast(code)
    assert fast == slow, name


@settings(max_examples=8, deadline=None)
@given(st.sampled_from(sorted(UNARY)), WORDS)
def test_unary_ops_match_py_evm(name: str, a: int) -> None:
    code = push32(a) + bytes([UNARY[name], 0x60, 0x00, 0x55, 0x00])
    fast, slow = slow_and_fast(code)
    assert fast == slow, name


def test_stack_underflow_fails_the_call_in_both_paths() -> None:
    code = bytes([0x01, 0x60, 0x00, 0x55, 0x00])  # ADD on an empty stack
    assert slow_and_fast(code) == (0, 0)
