"""The interpreter's code analysis: JUMPDEST offsets, as the Yellow Paper's D(c) walk finds them."""

from hypothesis import given, settings
from hypothesis import strategies as st

from op_program.executor.evm_backend.interp.frame import jumpdests


def walk(code: bytes) -> frozenset[int]:
    """YP §9.4.3: step over each instruction, skipping PUSH data."""
    found = set()
    pc = 0
    while pc < len(code):
        op = code[pc]
        if op == 0x5B:
            found.add(pc)
        pc += 1 + (op - 0x5F if 0x60 <= op <= 0x7F else 0)
    return frozenset(found)


BYTES = st.binary(max_size=300) | st.lists(
    st.sampled_from([0x5B, 0x60, 0x61, 0x7F, 0x00, 0x5F, 0x80]), max_size=300
).map(bytes)


@settings(max_examples=500)
@given(BYTES)
def test_jumpdests_match_the_walk(code: bytes) -> None:
    assert jumpdests(code) == walk(code)


def test_jumpdest_bytes_in_push_data_are_no_destinations() -> None:
    code = bytes([0x60, 0x5B, 0x5B, 0x7F]) + b"\x5b" * 31  # PUSH32 cut short at the end
    assert jumpdests(code) == frozenset({2})
    assert walk(code) == frozenset({2})
