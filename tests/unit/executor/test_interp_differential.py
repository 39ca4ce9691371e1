"""The project's interpreter (OP_PROGRAM_EVM=python) against py-evm's, opcode by opcode.

Random short programs over random stack inputs run as one frame on both engines
(``evm_backend.probe``); the stack, memory, gas left, refund counter, storage, logs, output
and error class must be identical. Programs reach every opcode byte of each fork, static
calls, tiny gas limits (out of gas at every point), stack underflow/overflow, bad jumps and
memory offsets at word boundaries and far beyond any affordable size. After an exceptional
halt or a revert the stack and memory are discarded by the EVM, so they are compared only on
success.
"""

import dataclasses

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from op_program.executor.evm_backend.probe import (
    CALLER,
    CONTRACT,
    FrameOutcome,
    ProbeInput,
    run_frame_probe,
)
from op_program.executor.evm_types import EvmRevision

REVISIONS = (EvmRevision.PARIS, EvmRevision.SHANGHAI, EvmRevision.CANCUN, EvmRevision.PRAGUE)
SLOTS = (0, 1, 2, 3, 2**256 - 1)
INTERESTING = [
    0, 1, 2, 3, 5, 8, 16, 31, 32, 33, 63, 64, 255, 256, 1023, 1024, 2**32, 2**64, 2**128,
    2**255, 2**255 - 1, 2**256 - 2, 2**256 - 1, int.from_bytes(CONTRACT, "big"),
    int.from_bytes(CALLER, "big"), 0xFFFF_FFFF, 0x10000,
]
WORDS = st.one_of(st.sampled_from(INTERESTING), st.integers(0, 64), st.integers(0, 2**256 - 1))
# Bytes that end the frame early are rarer so that programs run on.
_HALTS = {0x00, 0xF3, 0xFD, 0xFE, 0xFF}
OPCODES = st.one_of(
    st.integers(0, 255).filter(lambda b: b not in _HALTS),
    st.sampled_from([0x01, 0x03, 0x10, 0x14, 0x15, 0x16, 0x1B, 0x1C, 0x20, 0x35, 0x51, 0x52,
                     0x53, 0x54, 0x55, 0x56, 0x57, 0x5B, 0x5C, 0x5D, 0x5E, 0x80, 0x90, 0xA1,
                     0xF1, 0xFA]),
    st.sampled_from(sorted(_HALTS)),
)


@st.composite
def instruction(draw: st.DrawFn) -> bytes:
    op = draw(OPCODES)
    if 0x60 <= op <= 0x7F:
        size = op - 0x5F
        value = draw(WORDS) & ((1 << (8 * size)) - 1)
        return bytes([op]) + value.to_bytes(size, "big")
    return bytes([op])


@st.composite
def probes(draw: st.DrawFn) -> ProbeInput:
    inputs = draw(st.lists(WORDS, max_size=12))
    prefix = b"".join(b"\x7f" + w.to_bytes(32, "big") for w in inputs)
    body = b"".join(draw(st.lists(instruction(), min_size=1, max_size=24)))
    if draw(st.booleans()):
        body = body[: draw(st.integers(0, len(body)))]  # a PUSH may run past the end
    return ProbeInput(
        revision=draw(st.sampled_from(REVISIONS)),
        code=prefix + body,
        gas=draw(st.one_of(st.integers(0, 200), st.integers(0, 30_000), st.just(1_000_000))),
        data=draw(st.binary(max_size=70)),
        value=draw(st.sampled_from([0, 0, 1, 10**9])),
        static=draw(st.booleans()),
        storage={s: draw(st.sampled_from([0, 1, 2**256 - 1])) for s in SLOTS[:3]},
        blob_hashes=tuple(b"\x01" + bytes([i]) * 31 for i in range(draw(st.integers(0, 2)))),
    )


# The Yellow Paper's exceptional-halt condition Z is one disjunction: when an instruction
# both underflows the stack and writes in a static call, which check fires first is not
# observable (all gas burnt, state reverted). py-evm checks the static flag first, the
# project's loop (like EELS for LOGn) the stack height first.
_SAME_HALT = {frozenset({"InsufficientStack", "WriteProtection"})}


def _observable(outcome: FrameOutcome, other: FrameOutcome) -> FrameOutcome:
    """After a halt other than success the machine state (stack, memory) is unobservable.

    The accounts read are compared apart (``_compare``), so they are left out here.
    """
    outcome = dataclasses.replace(outcome, accounts_read=frozenset())
    if outcome.error is None:
        return outcome
    error = outcome.error
    if other.error is not None and frozenset({error, other.error}) in _SAME_HALT:
        error = other.error
    return dataclasses.replace(outcome, stack=(), memory=b"", error=error)


def _compare(probe: ProbeInput) -> tuple[FrameOutcome, FrameOutcome]:
    """Both engines' observable outcomes; ours must also read every account py-evm reads.

    The accounts read make up the execution witness other executors (kona) replay a block
    from, and py-evm's reads have always been enough: reading fewer once dropped an account
    (EXTCODECOPY of 0 bytes) that kona needed.
    """
    ours = run_frame_probe("python", probe, SLOTS)
    theirs = run_frame_probe("pyevm", probe, SLOTS)
    if ours.error is None and theirs.error is None:
        assert theirs.accounts_read <= ours.accounts_read
    return _observable(ours, theirs), _observable(theirs, theirs)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(probes())
def test_random_programs_agree_with_py_evm(probe: ProbeInput) -> None:
    ours, theirs = _compare(probe)
    assert ours == theirs


@pytest.mark.parametrize("revision", REVISIONS)
@pytest.mark.parametrize("op", range(256))
def test_every_opcode_byte_agrees_with_py_evm(revision: EvmRevision, op: int) -> None:
    """Each byte once over a fixed stack of small operands, with ample and with scant gas."""
    operands = b"".join(b"\x60" + bytes([v]) for v in (0, 32, 1, 2, 0x20, 3, 64, 1))
    code = operands + bytes([op]) + b"\x60\x00\x55"
    for gas in (100_000, 30):
        ours, theirs = _compare(ProbeInput(revision, code, gas, data=b"\x07" * 40))
        assert ours == theirs


@pytest.mark.parametrize("code, error", [
    (b"\x01", "InsufficientStack"),
    (b"\x5f" * 1025, "FullStack"),
    (b"\x60\x03\x56", "InvalidJumpDestination"),
    (b"\x60\x01\x60\x00\x55", "WriteProtection"),
    (b"\x60\x00\x60\x00\xfd", "Revert"),
    (b"\x63\xff\xff\xff\xff\x51", "OutOfGas"),
    (b"\xfe", "InvalidInstruction"),
])
def test_exceptional_halts_have_the_same_class(code: bytes, error: str) -> None:
    """The cases are real: the expected class is what both engines report."""
    ours, theirs = _compare(ProbeInput(EvmRevision.CANCUN, code, 100_000, static=True))
    assert ours == theirs
    assert ours.error == error


def _asm(*parts: int | bytes) -> bytes:
    return b"".join(bytes([p]) if isinstance(p, int) else p for p in parts)


def _push(value: int, size: int = 32) -> bytes:
    return bytes([0x5F + size]) + value.to_bytes(size, "big")


_SELF = int.from_bytes(CONTRACT, "big")
_FRESH = 0xDEAD0000000000000000000000000000000000BE
# CALL-family frames: recursion to the depth/gas limit, value to a new account, CALLCODE and
# DELEGATECALL into this code, STATICCALL into a writer, a precompile's output copied back,
# a transfer above the balance, RETURNDATACOPY in and out of bounds.
_CALL_PROGRAMS = {
    "extcodecopy_nothing": _asm(_push(0), _push(0), _push(0), _push(_FRESH, 20), 0x3C,
                                _push(1), _push(0), 0x55),
    "recursion": _asm(_push(0), _push(0), _push(0), _push(0), _push(0), 0x30, 0x5A, 0xF1,
                      0x3D, 0x01, _push(0), 0x55),
    "value_to_new_account": _asm(_push(0), _push(0), _push(0), _push(0), _push(7),
                                 _push(_FRESH, 20), _push(50_000), 0xF1, _push(1), 0x55),
    "callcode_self": _asm(_push(0), _push(0), _push(0), _push(0), _push(1),
                          _push(_SELF, 20), _push(30_000), 0xF2, _push(2), 0x55),
    "delegatecall_self": _asm(_push(0), _push(0), _push(0), _push(0),
                              _push(_SELF, 20), _push(30_000), 0xF4, _push(2), 0x55),
    "staticcall_writer": _asm(0x58, _push(9), 0x57, _push(1), _push(1), 0x55, 0x00, 0x5B,
                              _push(0), _push(0), _push(0), _push(0), _push(_SELF, 20),
                              0x5A, 0xFA, _push(3), 0x55),
    "identity_precompile": _asm(_push(0xABCDEF), _push(0), 0x52, _push(32), _push(64),
                                _push(32), _push(0), _push(4, 20), _push(1000), 0xFA,
                                _push(64), 0x51, _push(0), 0x55, 0x3D, _push(1), 0x55),
    "value_above_balance": _asm(_push(0), _push(0), _push(0), _push(0), _push(10**30),
                                _push(_FRESH, 20), _push(50_000), 0xF1, _push(0), 0x55),
    "returndatacopy_past_end": _asm(_push(0), _push(0), _push(32), _push(0), _push(0),
                                    _push(4, 20), _push(1000), 0xFA, _push(33), _push(0),
                                    _push(0), 0x3E),
}


@pytest.mark.parametrize("revision", REVISIONS)
@pytest.mark.parametrize("name", sorted(_CALL_PROGRAMS))
@pytest.mark.parametrize("gas", [1_000_000, 60_000, 2_700])
def test_message_calls_agree_with_py_evm(revision: EvmRevision, name: str, gas: int) -> None:
    ours, theirs = _compare(ProbeInput(revision, _CALL_PROGRAMS[name], gas, value=5))
    assert ours == theirs


def test_message_call_cases_are_not_vacuous() -> None:
    """The recursion really recurses and the precompile really answers."""
    deep = run_frame_probe("python", ProbeInput(EvmRevision.CANCUN, _CALL_PROGRAMS["recursion"],
                                                1_000_000), SLOTS)
    assert deep.error is None and deep.storage[0][1] == 1
    echo = run_frame_probe("python", ProbeInput(
        EvmRevision.CANCUN, _CALL_PROGRAMS["identity_precompile"], 1_000_000), SLOTS)
    assert echo.storage[0][1] == 0xABCDEF and echo.storage[1][1] == 32


def test_deep_recursion_agrees_and_does_not_crash() -> None:
    """A contract calling itself with all its gas under a 30M limit: hundreds of frames deep
    (the 63/64 rule ends it, not Python's stack); both engines see the same outcome."""
    # t[0] += 1; CALL(self, all gas); sstore(0, t[0])
    code = bytes.fromhex("5f5c600101" "5f5d" "5f5f5f5f5f305af1" "50" "5f5c5f55" "00")
    ours, theirs = _compare(ProbeInput(EvmRevision.CANCUN, code, 30_000_000))
    assert ours == theirs
    assert ours.error is None and ours.storage[0][1] > 100


# Shapes the block builder folds or fuses (``interp.blocks``): constant jumps (valid or not,
# JUMPI taken or not), PUSH then a binary opcode (the constant is the top operand), two
# constants then an opcode (evaluated while building), DUPn then an opcode, SWAPn then POP,
# POP runs, ISZERO chains; near the stack limit and with too few items, under scant gas.
_BINARY = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x0A, 0x0B, 0x10, 0x11, 0x12, 0x13,
           0x14, 0x16, 0x17, 0x18, 0x1A, 0x1B, 0x1C, 0x1D]
_UNARY = [0x15, 0x19, 0x50]


@st.composite
def _fused_piece(draw: st.DrawFn) -> tuple[str, bytes]:
    """A piece of program: ("jump", opcode) placeholders are resolved by ``_fused_programs``."""
    shape = draw(st.integers(0, 7))
    if shape == 0:
        return ("jump", bytes([draw(st.sampled_from([0x56, 0x57]))]))
    if shape == 1:
        size = draw(st.sampled_from([1, 2, 32]))
        value = draw(WORDS) & ((1 << (8 * size)) - 1)
        return ("code", _push(value, size) + bytes([draw(st.sampled_from(_BINARY + _UNARY))]))
    if shape == 2:
        return ("code", _push(draw(WORDS)) + _push(draw(WORDS) & 0xFFFF, 2)
                + bytes([draw(st.sampled_from(_BINARY))]))
    if shape == 3:
        return ("code", bytes([0x80 + draw(st.integers(0, 15)),
                               draw(st.sampled_from(_BINARY + _UNARY))]))
    if shape == 4:
        pops = draw(st.integers(1, 3))
        return ("code", bytes([0x90 + draw(st.integers(0, 15))]) + b"\x50" * pops)
    if shape == 5:
        return ("code", b"\x15" * draw(st.integers(1, 3)))
    if shape == 6:
        return ("code", b"\x5b")
    return ("code", _push(draw(WORDS)))


@st.composite
def _fused_programs(draw: st.DrawFn) -> ProbeInput:
    depth = draw(st.one_of(st.integers(8, 20), st.integers(8, 20), st.integers(0, 7),
                           st.integers(1010, 1024)))
    prefix = b"\x60\x00" * (depth - 6) + b"".join(
        _push(draw(WORDS)) for _ in range(min(depth, 6)))
    pieces = draw(st.lists(_fused_piece(), min_size=1, max_size=16))
    # offsets: a jump piece is PUSH2 d (3 bytes), an optional PUSH1 condition (2 bytes), op
    sizes = [(3 + (2 if p[1] == b"\x57" else 0) + 1) if p[0] == "jump" else len(p[1])
             for p in pieces]
    starts = [len(prefix) + sum(sizes[:i]) for i in range(len(pieces))]
    dests = [starts[i] for i, p in enumerate(pieces) if p == ("code", b"\x5b")]
    body = b""
    for (kind, raw), start in zip(pieces, starts, strict=True):
        if kind == "code":
            body += raw
            continue
        choices = [0, 1, start, start + 1, 0xFFFF]  # invalid destinations
        if draw(st.integers(0, 3)) and dests:
            choices = dests
        dest = draw(st.sampled_from(choices))
        cond = _push(draw(st.sampled_from([0, 1, 2])), 1) if raw == b"\x57" else b""
        body += cond + _push(dest, 2) + raw
    return ProbeInput(
        revision=draw(st.sampled_from(REVISIONS)),
        code=prefix + body,
        gas=draw(st.one_of(st.just(30_000), st.just(30_000), st.integers(0, 200),
                           st.integers(3000, 4000))),
    )


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_fused_programs())
def test_fused_shapes_agree_with_py_evm(probe: ProbeInput) -> None:
    ours, theirs = _compare(probe)
    assert ours == theirs
    event(f"outcome: {ours.error or 'success'}")


def _word(k: int) -> int:
    """Distinct operands, small ones (shift amounts, byte indexes) among large ones."""
    return k % 40 if k % 3 == 0 else (0x9E3779B97F4A7C15F39CC0605CEDC835 * (k + 7) ** 5) % 2**256


@pytest.mark.parametrize("op", _BINARY + _UNARY)
def test_each_fused_pair_agrees_with_py_evm(op: int) -> None:
    """Every PUSH+op (constants of each size, as the top operand) and DUPn+op (n = 1..16)
    and SWAPn+POP, each at a block start (a JUMPDEST before it) so nothing else folds in;
    each pair works on a fresh operand pushed before it, so the results stay distinct."""
    code = b"".join(_push(_word(k)) for k in range(20))
    for k, (const, size) in enumerate(((0, 1), (1, 1), (3, 1), (255, 1), (256, 2),
                                       (2**255, 32), (2**256 - 1, 32))):
        code += _push(_word(20 + k)) + b"\x5b" + _push(const, size) + bytes([op])
    for n in range(1, 17):
        code += b"\x5b" + _push(_word(40 + n)) + bytes([0x7F + n, op])
    for n in range(1, 17):
        code += b"\x5b" + bytes([0x8F + n, 0x50])
    ours, theirs = _compare(ProbeInput(EvmRevision.CANCUN, code, 1_000_000))
    assert ours == theirs
    assert ours.error is None and len(ours.stack) > 3
