"""Range planning and the rollup node's output replies (re-hashed, hostile input refused)."""

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from op_program.host.errors import HostConfigError, RPCResponseError
from op_program.host.witness_range import (
    FINALIZED_L2,
    MAX_STEPS,
    SAFE_L2,
    RangeBeyondHeadError,
    check_range_reach,
    parse_finalized_l2,
    parse_output_at_block,
    parse_sync_l2,
    plan_steps,
)
from op_program.protocol.output_root import OutputV0

STATE, STORAGE, BLOCK = b"\x01" * 32, b"\x02" * 32, b"\x03" * 32


def _reply(number: Any = 7, **changes: Any) -> dict[str, Any]:
    root = OutputV0(STATE, STORAGE, BLOCK).root
    reply: dict[str, Any] = {
        "version": "0x" + "00" * 32, "outputRoot": "0x" + root.hex(),
        "blockRef": {"hash": "0x" + BLOCK.hex(), "number": number},
        "withdrawalStorageRoot": "0x" + STORAGE.hex(), "stateRoot": "0x" + STATE.hex(),
    }  # fmt: skip
    reply.update(changes)
    return reply


def test_plan_steps() -> None:
    """``--from`` is the first block proven: the first step is agreed on the block before."""
    assert plan_steps(1, 5, 2) == [(0, 2), (2, 4), (4, 5)]
    assert plan_steps(11, 11, 1) == [(10, 11)]
    assert plan_steps(4, 9, 100) == [(3, 9)]
    for first, last, span in ((6, 5, 1), (0, 5, 1), (-1, 5, 1), (1, 5, 0)):
        with pytest.raises(HostConfigError):
            plan_steps(first, last, span)
    with pytest.raises(HostConfigError, match="steps"):
        plan_steps(1, MAX_STEPS + 1, 1)


@given(st.integers(1, 10**6), st.integers(0, 500), st.integers(1, 50))
def test_steps_cover_the_range_end_to_end(first: int, length: int, span: int) -> None:
    steps = plan_steps(first, first + length, span)
    assert steps[0][0] == first - 1 and steps[-1][1] == first + length
    assert all(a < c <= a + span for a, c in steps)
    assert all(steps[i][1] == steps[i + 1][0] for i in range(len(steps) - 1))


def test_output_reply_is_rehashed() -> None:
    parsed = parse_output_at_block(7, _reply())
    assert (parsed.block_hash, parsed.output_root) == (BLOCK, OutputV0(STATE, STORAGE,
                                                                       BLOCK).root)
    assert parse_output_at_block(7, _reply(number="0x7")).number == 7


@pytest.mark.parametrize("reply", [
    None, [], "x", {"blockRef": None}, _reply(number=8), _reply(number=True),
    _reply(number="0xzz"), _reply(stateRoot="0x" + "09" * 32), _reply(outputRoot=None),
    _reply(outputRoot="0x12"), _reply(version="0x" + "00" * 31 + "01"),
    _reply(withdrawalStorageRoot=5), {**_reply(), "blockRef": {"hash": 1, "number": 7}},
])  # fmt: skip
def test_bad_output_replies_are_typed_errors(reply: Any) -> None:
    with pytest.raises(RPCResponseError):
        parse_output_at_block(7, reply)


def test_cli_expect_choices_are_the_expect_values() -> None:
    from op_program.cli.witness_generate_cmd import EXPECT_CHOICES
    from op_program.host.witness_gen import Expect

    assert EXPECT_CHOICES == tuple(e.value for e in Expect)
    assert Expect(EXPECT_CHOICES[0]) is Expect.VALID


def test_finalized_l2_number_of_a_sync_status() -> None:
    assert parse_finalized_l2({"finalized_l2": {"number": 12, "hash": "0x00"}}) == 12
    assert parse_finalized_l2({"finalized_l2": {"number": "0xc"}}) == 12
    hostile: list[Any] = [
        None, [], {}, {"finalized_l2": None}, {"finalized_l2": {"number": True}},
        {"finalized_l2": {"number": -1}}, {"finalized_l2": {"number": 1 << 64}},
        {"finalized_l2": {"number": "0xzz"}}, {"finalized_l2": {"number": 1.5}}]
    for reply in hostile:
        with pytest.raises(RPCResponseError, match="finalized L2"):
            parse_finalized_l2(reply)


def test_safe_l2_number_of_a_sync_status() -> None:
    assert parse_sync_l2({"safe_l2": {"number": "0x20"}, "finalized_l2": {"number": 3}},
                         SAFE_L2) == 32
    with pytest.raises(RPCResponseError, match="no safe L2"):
        parse_sync_l2({"finalized_l2": {"number": 3}}, SAFE_L2)


class _Node:
    """A rollup node whose ``optimism_syncStatus`` says ``reach`` (None: method not served)."""

    def __init__(self, reach: int | None) -> None:
        self.reach = reach
        self.asked: list[str] = []

    def sync_l2(self, field: str) -> int | None:
        self.asked.append(field)
        return self.reach


def test_range_reach_refuses_past_the_head_and_warns_when_unserved(
        caplog: pytest.LogCaptureFixture) -> None:
    node = _Node(40)
    check_range_reach(node, 40, SAFE_L2, "latest")  # type: ignore[arg-type]
    with pytest.raises(RangeBeyondHeadError, match=r"L2 block 41 is not safe yet \(the rollup "
                       r"node's safe L2 block is 40\).*latest L1 head.*--to 40"):
        check_range_reach(node, 41, SAFE_L2, "latest")  # type: ignore[arg-type]
    assert node.asked == [SAFE_L2, SAFE_L2]
    check_range_reach(_Node(None), 10**9, FINALIZED_L2, "finalized")  # type: ignore[arg-type]
    assert "does not serve optimism_syncStatus" in caplog.text
