from dataclasses import dataclass, field

import pytest

from op_program.client.driver import (
    MAX_TEMPORARY_ERRORS,
    BatchCounter,
    InvalidPayloadError,
    deposits_only,
    drive,
)
from op_program.client.errors import DriverError
from op_program.derive.errors import CriticalError, ResetError, TemporaryError
from op_program.protocol.header import Header

DEPOSIT = b"\x7e\x01"
USER = b"\x02\x01"


def _header(number: int, parent: bytes, timestamp: int) -> Header:
    return Header(
        parent_hash=parent, ommers_hash=bytes(32), coinbase=bytes(20), state_root=bytes(32),
        transactions_root=bytes(32), receipts_root=bytes(32), logs_bloom=bytes(256),
        difficulty=0, number=number, gas_limit=30_000_000, gas_used=0, timestamp=timestamp,
        extra_data=b"", mix_hash=bytes(32), nonce=bytes(8),
    )  # fmt: skip


@dataclass(frozen=True)
class Attrs:
    timestamp: int
    transactions: tuple[bytes, ...]


@dataclass
class FakePipeline:
    queue: list[Attrs]
    flushed: int = 0
    safe_heads: list[int] = field(default_factory=list)

    def next_attributes(self, safe_head: Header) -> Attrs | None:
        return self.queue.pop(0) if self.queue else None

    def flush_channel(self) -> None:
        self.flushed += 1

    def on_safe_head(self, header: Header, transactions: tuple[bytes, ...]) -> None:
        self.safe_heads.append(header.number)


@dataclass
class FakeBuilder:
    reject_user_txs: bool = False
    reject_all: bool = False
    built: list[tuple[bytes, ...]] = field(default_factory=list)

    def build(self, parent: Header, attributes: Attrs) -> Header:
        if self.reject_all or (self.reject_user_txs and USER in attributes.transactions):
            raise InvalidPayloadError("bad block")
        self.built.append(attributes.transactions)
        return _header(parent.number + 1, parent.hash, attributes.timestamp)


@dataclass
class FakeChain:
    head: Header
    blocks: list[tuple[Header, tuple[bytes, ...]]] = field(default_factory=list)

    def add_block(self, header: Header, transactions: tuple[bytes, ...]) -> None:
        assert header.parent_hash == self.head.hash
        self.blocks.append((header, transactions))
        self.head = header


def _genesis() -> Header:
    return _header(10, bytes(32), 100)


def test_stops_at_target() -> None:
    pipeline = FakePipeline([Attrs(102 + 2 * i, (DEPOSIT,)) for i in range(5)])
    chain = FakeChain(_genesis())
    head = drive(pipeline, FakeBuilder(), chain, target=12, is_holocene=lambda t: False)
    assert head.number == 12
    assert pipeline.safe_heads == [11, 12]
    assert len(pipeline.queue) == 3


def test_stops_when_l1_exhausted() -> None:
    pipeline = FakePipeline([Attrs(102, (DEPOSIT,))])
    chain = FakeChain(_genesis())
    assert drive(pipeline, FakeBuilder(), chain, 20, lambda t: False).number == 11


def test_pre_holocene_drops_invalid_payload() -> None:
    pipeline = FakePipeline([Attrs(102, (DEPOSIT, USER)), Attrs(102, (DEPOSIT,))])
    builder = FakeBuilder(reject_user_txs=True)
    chain = FakeChain(_genesis())
    assert drive(pipeline, builder, chain, 11, lambda t: False).number == 11
    assert builder.built == [(DEPOSIT,)]
    assert pipeline.flushed == 0


def test_holocene_retries_deposit_only_and_flushes() -> None:
    pipeline = FakePipeline([Attrs(102, (DEPOSIT, USER))])
    builder = FakeBuilder(reject_user_txs=True)
    chain = FakeChain(_genesis())
    assert drive(pipeline, builder, chain, 11, lambda t: True).number == 11
    assert pipeline.flushed == 1
    assert chain.blocks[0][1] == (DEPOSIT,)


def test_holocene_deposit_only_failure_is_critical() -> None:
    pipeline = FakePipeline([Attrs(102, (DEPOSIT, USER))])
    with pytest.raises(DriverError):
        drive(pipeline, FakeBuilder(reject_all=True), FakeChain(_genesis()), 11, lambda t: True)


def test_deposits_only_keeps_order_and_drops_empty() -> None:
    attrs = Attrs(1, (DEPOSIT, USER, b"", b"\x7e\x02"))
    assert deposits_only(attrs).transactions == (DEPOSIT, b"\x7e\x02")


@dataclass
class FlakyPipeline(FakePipeline):
    failures: int = 0

    def next_attributes(self, safe_head: Header) -> Attrs | None:
        if self.failures:
            self.failures -= 1
            raise TemporaryError("channel timed out")
        return super().next_attributes(safe_head)


def test_temporary_errors_are_retried() -> None:
    pipeline = FlakyPipeline([Attrs(102, (DEPOSIT,))], failures=3)
    assert drive(pipeline, FakeBuilder(), FakeChain(_genesis()), 11, lambda t: False).number == 11


def test_endless_temporary_errors_become_a_driver_error() -> None:
    pipeline = FlakyPipeline([], failures=MAX_TEMPORARY_ERRORS + 1)
    with pytest.raises(DriverError):
        drive(pipeline, FakeBuilder(), FakeChain(_genesis()), 11, lambda t: False)


@dataclass
class FailingPipeline(FakePipeline):
    error: Exception = field(default_factory=lambda: ResetError("reorg"))

    def next_attributes(self, safe_head: Header) -> Attrs | None:
        raise self.error


@pytest.mark.parametrize("error", [ResetError("reorg"), CriticalError("broken")])
def test_reset_and_critical_errors_propagate(error: Exception) -> None:
    with pytest.raises(type(error)):
        drive(
            FailingPipeline([], error=error),
            FakeBuilder(),
            FakeChain(_genesis()),
            11,
            lambda t: False,
        )


def test_batch_counter_counts_attributes_handed_out_not_blocks_built() -> None:
    # Pre-Holocene: the dropped payload's batch was accepted too (2 batches, 1 block).
    pipeline = FakePipeline([Attrs(102, (DEPOSIT, USER)), Attrs(102, (DEPOSIT,))])
    counted = BatchCounter(pipeline)
    chain = FakeChain(_genesis())
    drive(counted, FakeBuilder(reject_user_txs=True), chain, 11, lambda t: False)
    assert (counted.batches, len(chain.blocks), pipeline.safe_heads) == (2, 1, [11])


def test_batch_counter_counts_a_holocene_retry_once_and_forwards_the_flush() -> None:
    pipeline = FakePipeline([Attrs(102, (DEPOSIT, USER)), Attrs(104, (DEPOSIT,))])
    counted = BatchCounter(pipeline)
    drive(counted, FakeBuilder(reject_user_txs=True), FakeChain(_genesis()), 20, lambda t: True)
    assert (counted.batches, pipeline.flushed, pipeline.safe_heads) == (2, 1, [11, 12])
