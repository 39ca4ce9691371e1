"""The interpreter's straight-line blocks: summed static gas, entry stack bounds, block ends.

The per-opcode semantics of the blocks are covered by test_interp_differential (every
outcome, including the exception class, against py-evm); these tests pin the analysis itself.
"""

from types import SimpleNamespace

import pytest
from eth.exceptions import FullStack, InsufficientStack, OutOfGas
from hypothesis import given, settings
from hypothesis import strategies as st

from op_program.executor.evm_backend.interp.blocks import (
    K_END,
    K_FALL,
    K_JUMPC,
    K_JUMPIC,
    Block,
    build_block,
)
from op_program.executor.evm_backend.interp.exact import exact_halt
from op_program.executor.evm_backend.interp.frame import STACK_LIMIT, Frame
from op_program.executor.evm_backend.interp.ops_arith import (
    dup_sub,
    op_add,
    op_sub,
    push_add,
)
from op_program.executor.evm_backend.interp.table import (
    K_DUP,
    K_DUPADD,
    K_FUSED,
    K_ISZERO,
    K_JUMP,
    K_JUMPI,
    K_POP,
    K_PURE,
    K_PUSH,
    K_PUSHN,
    K_SWAP,
    K_SWAPPOP,
    VERYLOW_GAS,
    build_table,
)
from op_program.executor.evm_types import EvmRevision

TABLE = build_table(EvmRevision.CANCUN)


def block(code: bytes, start: int = 0) -> Block:
    return build_block(code, code + bytes(32), TABLE, start)


def test_block_sums_gas_and_bounds_the_entry_height() -> None:
    # PUSH1 1, ADD, ADD, PUSH2 0x0010, JUMPI: needs 2 items at entry (the second ADD).
    code = bytes([0x60, 0x01, 0x01, 0x01, 0x61, 0x00, 0x10, 0x57, 0x00])
    gas, lowest, highest, ops, last, _, last_pc = block(code)
    assert gas == 3 + 3 + 3 + 3 + 10
    assert lowest == 2  # the JUMPI needs 2 with the height then back at entry - 2 + 1
    assert highest == 1023  # the first PUSH must fit
    # PUSH1 1; ADD fused; 0x10 is no JUMPDEST, so the JUMPI keeps its pushed destination
    assert [kind for kind, _ in ops] == [K_FUSED, K_PURE, K_PUSH]
    assert ops[0][1] == (push_add, 1)
    assert ops[2][1] == 0x10
    assert (last, last_pc) == (K_JUMPI, 7)


def test_constant_jumps_to_a_jumpdest_are_resolved_while_building() -> None:
    # PUSH1 4, JUMP, STOP, JUMPDEST, PUSH1 0, PUSH1 4, JUMPI, PUSH1 3, JUMP
    code = bytes([0x60, 0x04, 0x56, 0x00, 0x5B, 0x60, 0x00, 0x60, 0x04, 0x57,
                  0x60, 0x03, 0x56])
    gas, lowest, highest, ops, last, arg, last_pc = block(code)
    assert (gas, lowest, highest, ops, last, arg, last_pc) == (3 + 8, 0, 1023, [], K_JUMPC, 4, 2)
    gas, lowest, highest, ops, last, arg, last_pc = block(code, 4)
    assert (gas, lowest, highest) == (1 + 3 + 3 + 10, 0, 1022)
    assert (ops, last, arg, last_pc) == ([(K_PUSH, 0)], K_JUMPIC, 4, 9)
    # 3 is a STOP, not a JUMPDEST: the push stays and the loop raises when jumping
    assert block(code, 10)[3:] == ([(K_PUSH, 3)], K_JUMP, None, 12)


def test_constants_fold_and_pairs_fuse() -> None:
    # PUSH1 1, PUSH1 0xa0, SHL, PUSH1 1, SWAP1, SUB, DUP2, ADD, SWAP2, POP, POP, POP, ISZERO,
    # PUSH0, PUSH1 7, PUSH1 8
    code = bytes([0x60, 0x01, 0x60, 0xA0, 0x1B, 0x60, 0x01, 0x90, 0x03, 0x81, 0x01, 0x91,
                  0x50, 0x50, 0x50, 0x15, 0x5F, 0x60, 0x07, 0x60, 0x08])
    gas, lowest, highest, ops, last, _, _ = block(code)
    assert gas == 12 * 3 + 3 * 2 + 2  # the opcodes' own gas, whatever the fusion
    assert (lowest, highest) == (3, 1022)  # ISZERO after the POPs; the SWAP1 at entry + 2
    assert ops == [(K_PUSHN, (1 << 160, 1)), (K_SWAP, -2), (K_PURE, op_sub),
                   (K_DUPADD, -2), (K_SWAPPOP, -2), (K_POP, -2), (K_ISZERO, None),
                   (K_PUSHN, (0, 7, 8))]
    assert last == K_END


@pytest.mark.parametrize("n", range(1, 17))
def test_operations_from_the_shared_tables_are_those_of_the_opcodes(n: int) -> None:
    """DUPn, SWAPn and their fused pairs, POP runs and PUSH values, whichever table (or fresh
    tuple) build_block takes them from, stand for the opcodes' own index and count."""
    # DUPn ADD, DUPn SUB, SWAPn POP, DUPn ISZERO, SWAPn, DUPn
    code = bytes([0x7F + n, 0x01, 0x7F + n, 0x03, 0x8F + n, 0x50, 0x7F + n, 0x15, 0x8F + n,
                  0x7F + n])
    ops = block(code)[3]
    assert ops[0] == (K_DUPADD, -n)
    assert ops[1][0] == K_FUSED and ops[1][1] == (dup_sub, -n)
    assert ops[2] == (K_SWAPPOP, -n)  # SWAPn swaps with -n-1; after the pop that is -n
    assert ops[3][0] == K_FUSED and ops[3][1][1] == -n
    assert ops[4:] == [(K_SWAP, -n - 1), (K_DUP, -n)]
    # n + 4 POPs in a row (beyond the shared counts for the larger n), after an ADD
    assert block(bytes([0x01] + [0x50] * (n + 4)))[3] == [(K_PURE, op_add), (K_POP, -n - 4)]
    # a PUSH of 255 + n, alone (shared below 256) and in a run with PUSH0
    value = 255 + n
    push = bytes([0x61, value >> 8, value & 0xFF])
    assert block(push + b"\x80")[3] == [(K_PUSH, value), (K_DUP, -1)]
    assert block(bytes([0x5F]) + push + b"\x80")[3] == [(K_PUSHN, (0, value)), (K_DUP, -1)]


def test_block_stops_before_a_jumpdest_and_at_the_end() -> None:
    code = bytes([0x60, 0x01, 0x5B, 0x50])
    assert block(code)[4:] == (K_FALL, None, 2)
    rest = block(code, 2)
    assert rest[0] == 1 + 2 and rest[1] == 1
    assert rest[4:] == (K_END, None, 4)


def test_push_cut_short_by_the_end_is_zero_padded() -> None:
    _, _, _, ops, last, _, _ = block(bytes([0x61, 0xAB]))
    assert ops == [(K_PUSH, 0xAB00)] and last == K_END
    # PUSH1 and PUSH2 read their bytes directly, PUSH3.. by slice: all zero-padded
    for code, value in ((bytes([0x60]), 0), (bytes([0x61]), 0), (bytes([0x62, 0x01]), 0x10000),
                        (bytes([0x7F, 0xFF]), 0xFF << 248)):
        gas, _, _, ops, last, _, end = block(code)
        assert (gas, ops, last, end) == (3, [(K_PUSH, value)], K_END, len(code))


@pytest.mark.parametrize("revision", list(EvmRevision))
def test_push_dup_swap_entries_are_what_the_builder_assumes(revision: EvmRevision) -> None:
    """build_block decodes PUSHn, DUPn, SWAPn from their byte: every fork's table agrees."""
    table = build_table(revision)
    for n in range(1, 33):
        assert table[0x5F + n] == (VERYLOW_GAS, 0, STACK_LIMIT - 1, K_PUSH, n + 1)
    for n in range(1, 17):
        assert table[0x7F + n] == (VERYLOW_GAS, n, STACK_LIMIT - 1, K_DUP, -n)
        assert table[0x8F + n] == (VERYLOW_GAS, n + 1, STACK_LIMIT, K_SWAP, -n - 1)
    # and every other byte is one the table path handles (no PUSH, DUP or SWAP kind)
    assert all(table[op][3] not in (K_PUSH, K_DUP, K_SWAP) for op in range(256)
               if not 0x60 <= op < 0xA0)


def test_stack_bounds_match_a_per_opcode_walk() -> None:
    """The bounds build_block computes (skipping the checks that cannot move them) are those
    of checking every opcode: the lowest and highest entry heights that pass them all."""
    code = bytes([0x90, 0x60, 0x01, 0x80, 0x8F, 0x9F, 0x50, 0x50, 0x5F, 0x81, 0x01, 0x00])
    _, lowest, highest, _, _, _, _ = block(code)
    ok = [h for h in range(STACK_LIMIT + 1) if first_error_free(code, h)]
    assert (lowest, highest) == (ok[0], ok[-1])


def test_exact_halt_names_the_first_failing_check() -> None:
    code = bytes([0x60, 0x01, 0x01, 0x01])  # PUSH1 1, ADD, ADD

    def halt(gas: int, height: int) -> Exception:
        stack = [7] * height
        f = Frame(SimpleNamespace(state=None), code, gas, b"", b"", 0, b"", 0, False)
        with pytest.raises((OutOfGas, InsufficientStack, FullStack)) as info:
            exact_halt(f, stack, code, TABLE, 0, gas)
        return info.value

    assert isinstance(halt(5, 1), OutOfGas)  # second ADD unaffordable
    assert isinstance(halt(100, 1), InsufficientStack)  # second ADD
    assert isinstance(halt(100, 1024), FullStack)  # the PUSH


def first_error_free(code: bytes, height: int) -> bool:
    """Whether every per-opcode stack check of the block at 0 passes from ``height``."""
    f = Frame(SimpleNamespace(state=None), code, 10**9, b"", b"", 0, b"", 0, False)
    try:
        exact_halt(f, [0] * height, code, TABLE, 0, 10**9)
    except AssertionError:  # no failing check up to the block's last opcode
        return True
    except (InsufficientStack, FullStack):
        return False
    raise AssertionError("unreachable")


OPS = st.lists(st.sampled_from([0x5B, 0x60, 0x01, 0x50, 0x80, 0x90, 0x00, 0x56]), max_size=200)


@settings(max_examples=300)
@given(OPS)
def test_blocks_partition_the_code(ops: list[int]) -> None:
    """Following each block's end from pc 0 visits every byte once: linear analysis."""
    code = bytes(ops)
    pc = 0
    covered = 0
    while pc < len(code):
        _, _, _, _, last, _, end = block(code, pc)
        nxt = end if last in (K_FALL, K_END) else end + 1
        assert nxt > pc
        covered += nxt - pc
        pc = nxt
    assert covered == len(code)
