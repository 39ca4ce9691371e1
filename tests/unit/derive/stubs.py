"""In-memory chains and stage stubs for derivation behaviour tests."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from op_program.config.rollup import BlockId, RollupConfig
from op_program.config.rollup_json import parse_rollup_config
from op_program.derive.errors import EndOfDataError, NotEnoughDataError
from op_program.derive.types import L1BlockRef, L2BlockRef
from op_program.encoding.hashing import keccak256
from op_program.protocol.batches import SingularBatch, SpanBatch
from op_program.protocol.frames import Frame
from tests.unit.config.conftest import minimal_rollup_json

L1_BLOCK_TIME = 12
L2_GENESIS_TIME = 1_000_000
FORKS_AFTER_REGOLITH = (
    "canyon", "delta", "ecotone", "fjord", "granite", "holocene", "isthmus", "jovian", "interop",
)  # fmt: skip


def forks_at_genesis(last: str) -> dict[str, int]:
    """Rollup overrides activating every fork from Canyon through ``last`` at genesis."""
    names = FORKS_AFTER_REGOLITH[: FORKS_AFTER_REGOLITH.index(last) + 1]
    return {f"{name}_time": 0 for name in names}


HOLO = forks_at_genesis("holocene")
"""Canyon through Holocene active from genesis."""


def rollup(**overrides: Any) -> RollupConfig:
    """A rollup config: block time 2, seq window 3600, channel timeout 300, forks unset."""
    js = minimal_rollup_json(**overrides)
    for fork in ("canyon", "delta", "ecotone", "fjord", "granite", "holocene"):
        js.setdefault(f"{fork}_time", None)
        if f"{fork}_time" not in overrides:
            js[f"{fork}_time"] = None
    js["genesis"]["l2_time"] = overrides.get("l2_time", L2_GENESIS_TIME)
    return parse_rollup_config(js)


def l1_hash(number: int) -> bytes:
    return keccak256(b"l1" + number.to_bytes(8, "big"))


def l1_block(number: int, timestamp: int | None = None) -> L1BlockRef:
    """A deterministic L1 block: hashes chain, time = 12 * number unless given."""
    return L1BlockRef(
        l1_hash(number),
        number,
        l1_hash(number - 1) if number else bytes(32),
        L1_BLOCK_TIME * number if timestamp is None else timestamp,
    )


def l2_block(
    number: int, timestamp: int, origin: L1BlockRef, seq: int = 0, block_hash: bytes | None = None
) -> L2BlockRef:
    h = block_hash or keccak256(b"l2" + number.to_bytes(8, "big"))
    return L2BlockRef(
        h, number, keccak256(b"l2" + (number - 1).to_bytes(8, "big")), timestamp, origin.id, seq
    )


def frame(cid: int, number: int, data: bytes = b"x", last: bool = False) -> Frame:
    return Frame(bytes([cid]) * 16, number, data, last)


class FakeData:
    """Stands in for L1 retrieval: data items per current origin."""

    def __init__(self, origin: L1BlockRef, items: Sequence[bytes] = ()) -> None:
        self.origin = origin
        self.items: deque[bytes] = deque(items)

    def next_data(self) -> bytes:
        if not self.items:
            raise EndOfDataError("no data")
        return self.items.popleft()


class FakeFrames:
    """Stands in for the frame queue."""

    def __init__(self, origin: L1BlockRef, frames: Sequence[Frame] = ()) -> None:
        self.origin = origin
        self.frames: deque[Frame] = deque(frames)

    def next_frame(self) -> Frame:
        if not self.frames:
            raise EndOfDataError("no frames")
        return self.frames.popleft()


@dataclass
class FakeBatches:
    """Stands in for the channel reader: a queue of batches at the current origin."""

    origin: L1BlockRef
    batches: deque[SingularBatch | SpanBatch] = field(default_factory=deque)
    flushed: int = 0

    def next_batch(self) -> SingularBatch | SpanBatch:
        if not self.batches:
            raise EndOfDataError("no batches")
        return self.batches.popleft()

    def flush_channel(self) -> None:
        self.flushed += 1
        self.batches.clear()


@dataclass
class FakeSafeChain:
    """Safe L2 blocks by number for span-batch overlap checks."""

    refs: dict[int, L2BlockRef] = field(default_factory=dict)
    txs: dict[int, tuple[bytes, ...]] = field(default_factory=dict)

    def l2_block_ref_by_number(self, number: int) -> L2BlockRef:
        return self.refs[number]

    def l2_transactions_by_number(self, number: int) -> Sequence[bytes]:
        return self.txs[number]


def epoch_id(block: L1BlockRef) -> BlockId:
    return block.id


T = TypeVar("T")


def _drain(pull: Callable[[], T], limit: int) -> list[T]:
    out: list[T] = []
    for _ in range(limit):
        try:
            out.append(pull())
        except NotEnoughDataError:
            continue
        except EndOfDataError:
            return out
    raise AssertionError(f"stage did not reach end of data in {limit} steps")


class DataStage(Protocol):
    """A stage that yields channel data (channel bank, channel assembler)."""

    def next_data(self) -> bytes: ...


class BatchStage(Protocol):
    """A stage that yields batches (channel reader)."""

    def next_batch(self) -> SingularBatch | SpanBatch: ...


def drain_data(stage: DataStage, limit: int = 10_000) -> list[bytes]:
    """Pull channel data until end of data, stepping over not-enough-data; fail on no end."""
    return _drain(stage.next_data, limit)


def drain_batches(stage: BatchStage, limit: int = 10_000) -> list[SingularBatch | SpanBatch]:
    """Pull batches until end of data, stepping over not-enough-data; fail on no end."""
    return _drain(stage.next_batch, limit)
