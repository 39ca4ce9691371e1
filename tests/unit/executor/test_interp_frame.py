"""The interpreter's code analysis: JUMPDEST offsets, as the Yellow Paper's D(c) walk finds them."""

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from op_program.executor.evm_backend.interp import frame
from op_program.executor.evm_backend.interp.frame import jumpdests

# Both scans, whichever this build uses (the regular expression interpreted, the loop compiled).
SCANS = pytest.mark.parametrize("scan", [frame._jumpdests_regex, frame._jumpdests_loop])


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


@SCANS
@settings(max_examples=500)
@given(code=BYTES)
def test_jumpdests_match_the_walk(scan: Callable[[bytes], frozenset[int]], code: bytes) -> None:
    assert scan(code) == walk(code)


@SCANS
def test_jumpdest_bytes_in_push_data_are_no_destinations(
    scan: Callable[[bytes], frozenset[int]],
) -> None:
    code = bytes([0x60, 0x5B, 0x5B, 0x7F]) + b"\x5b" * 31  # PUSH32 cut short at the end
    assert scan(code) == frozenset({2})
    assert walk(code) == frozenset({2})


def test_the_build_uses_the_faster_scan() -> None:
    """Interpreted: the regular expression; as the mypyc build: the plain loop."""
    assert jumpdests is (frame._jumpdests_loop if frame.COMPILED else frame._jumpdests_regex)
