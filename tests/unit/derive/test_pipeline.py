import dataclasses
from typing import Any

from op_program.config.registry import L1_MAINNET
from op_program.derive.pipeline import DerivationPipeline, StepResult
from op_program.encoding.hashing import keccak256
from op_program.protocol.attributes import PayloadAttributes
from op_program.protocol.batches import SingularBatch
from op_program.protocol.header import Header
from op_program.protocol.l1_info import decode_l1_info
from op_program.protocol.system_config import SystemConfig
from op_program.protocol.transactions import decode_transaction

from .chain import (
    BATCHER,
    L1Chain,
    L2Chain,
    NoBlobs,
    channel_tx_data,
    header,
    l2_block_on,
    legacy_tx,
)
from .stubs import rollup

INBOX = b"\xff" * 20
CONFIG = SystemConfig(BATCHER, bytes(32), bytes(31) + b"\x01", 30_000_000)
USER_TX = b"\x02" + bytes(10)


class World:
    def __init__(self, l1_length: int = 10, **overrides: Any) -> None:
        genesis_sc = {
            "batcherAddr": "0x" + BATCHER.hex(),
            "overhead": "0x0",
            "scalar": "0x1",
            "gasLimit": 30_000_000,
        }
        self.cfg = rollup(
            genesis={
                "l1": {"hash": "0x" + "11" * 32, "number": 0},
                "l2": {"hash": "0x" + "22" * 32, "number": 0},
                "l2_time": 1_000_000,
                "system_config": genesis_sc,
            },
            **overrides,
        )
        self.l1 = L1Chain(l1_length)
        self.l2 = L2Chain()
        origin = self.l1.headers[5]
        self.head, txs = l2_block_on(
            self.cfg, 100, b"\x01" * 32, origin.timestamp + 4, origin, 2, CONFIG
        )
        self.l2.add(self.head, txs)

    def batch(
        self, number: int, parent: bytes, epoch: int = 5, txs: Any = (USER_TX,)
    ) -> SingularBatch:
        ts = self.head.timestamp + 2 * (number - 100)
        return SingularBatch(parent, epoch, self.l1.headers[epoch].hash, ts, tuple(txs))

    def submit(self, l1_number: int, data: list[bytes]) -> None:
        for i, d in enumerate(data):
            self.l1.txs[l1_number].append(
                legacy_tx(INBOX, d, nonce=len(self.l1.txs[l1_number]) + i)
            )

    def pipeline(self) -> DerivationPipeline:
        self.l1.seal()
        return DerivationPipeline(self.cfg, L1_MAINNET, self.l1, NoBlobs(), self.l2, {})

    def build(self, pipe: DerivationPipeline, parent: Header, attrs: PayloadAttributes) -> Header:
        h = header(
            parent.number + 1,
            parent.hash,
            attrs.timestamp,
            transactions_root=keccak256(b"".join(attrs.transactions)),
        )
        self.l2.add(h, attrs.transactions)
        pipe.on_safe_head(h, attrs.transactions)
        return h


def drive(w: World, pipe: DerivationPipeline, limit: int = 200) -> list[PayloadAttributes]:
    out: list[PayloadAttributes] = []
    head = w.head
    for _ in range(limit):
        attrs = pipe.next_attributes(head)
        if attrs is None:
            return out
        out.append(attrs)
        head = w.build(pipe, head, attrs)
    raise AssertionError("derivation did not end")


def test_derives_batches_from_a_calldata_channel() -> None:
    w = World()
    b101 = w.batch(101, w.head.hash)
    w.submit(6, channel_tx_data(1, [b101]))  # L1 blocks <= 5 keep their hashes
    pipe = w.pipeline()
    attrs = pipe.next_attributes(w.head)
    assert attrs is not None
    assert attrs.timestamp == w.head.timestamp + 2
    assert attrs.transactions[1:] == (USER_TX,)
    info = decode_l1_info(decode_transaction(attrs.transactions[0]).data)
    assert (info.number, info.sequence_number) == (5, 3)
    assert pipe.last_derived is not None and pipe.last_derived.derived_from.number == 6
    # nothing more: the sequencing window (3600) has not expired by the L1 head
    h101 = w.build(pipe, w.head, attrs)
    assert pipe.next_attributes(h101) is None
    assert pipe.origin is not None and pipe.origin.number == w.l1.head.number


def test_batches_of_later_l2_blocks_need_their_parent_hash() -> None:
    w = World()
    b101 = w.batch(101, w.head.hash)
    w.submit(6, channel_tx_data(1, [b101, w.batch(102, b"\x05" * 32)]))
    pipe = w.pipeline()
    out = drive(w, pipe)
    assert len(out) == 1  # block 102's batch names a wrong parent: dropped


def test_sequencing_window_expiry_produces_empty_blocks() -> None:
    w = World(l1_length=14, seq_window_size=4)
    pipe = w.pipeline()
    out = drive(w, pipe)
    assert out, "empty batches are forced once the window has expired"
    times = [a.timestamp for a in out]
    assert times == list(range(w.head.timestamp + 2, w.head.timestamp + 2 + 2 * len(out), 2))
    origins = [decode_l1_info(decode_transaction(a.transactions[0]).data).number for a in out]
    assert origins == sorted(origins) and origins[0] == 5 and origins[-1] > 5
    for attrs, origin in zip(out, origins, strict=True):
        assert len(attrs.transactions) == 1  # only the L1-info deposit
        assert attrs.timestamp >= w.l1.headers[origin].timestamp  # L2 time >= L1 origin time


def test_frames_split_across_l1_blocks_pre_holocene() -> None:
    w = World()
    frames = channel_tx_data(1, [w.batch(101, w.head.hash)], frames=2)
    w.submit(7, frames[:1])
    w.submit(8, frames[1:])
    pipe = w.pipeline()
    assert len(drive(w, pipe)) == 1


def test_holocene_activation_discards_a_pending_channel() -> None:
    w = World()
    holo = w.l1.headers[8].timestamp
    w = World(holocene_time=holo)
    frames = channel_tx_data(1, [w.batch(101, w.head.hash)], frames=2)
    w.submit(7, frames[:1])  # before Holocene: buffered in the channel bank
    w.submit(8, frames[1:])  # first Holocene L1 block: the bank was discarded
    pipe = w.pipeline()
    assert drive(w, pipe) == []


def test_holocene_channel_in_one_block_is_derived() -> None:
    w = World()
    holo = w.l1.headers[8].timestamp
    w = World(holocene_time=holo)
    w.submit(8, channel_tx_data(1, [w.batch(101, w.head.hash)], frames=2))
    pipe = w.pipeline()
    out = drive(w, pipe)
    assert len(out) == 1 and out[0].transactions[1:] == (USER_TX,)


def test_step_results() -> None:
    w = World(l1_length=7)
    pipe = w.pipeline()
    pipe.reset(w.head)
    ref = pipe._l2.ref_of(w.head)  # noqa: SLF001 - the public path is next_attributes
    results = set()
    for _ in range(100):
        result = pipe.step(ref)
        results.add(result)
        if result is StepResult.EXHAUSTED:
            break
    assert StepResult.ADVANCED_ORIGIN in results and StepResult.EXHAUSTED in results


def test_attributes_with_parent_and_holocene_flag() -> None:
    w = World()
    holo = w.l1.headers[8].timestamp
    w = World(holocene_time=holo)
    w.submit(8, channel_tx_data(1, [w.batch(101, w.head.hash)]))
    pipe = w.pipeline()
    assert not pipe.is_holocene_active and pipe.origin is None
    derived = pipe.next_attributes_with_parent(w.head)
    assert derived is not None and pipe.is_holocene_active
    assert derived.parent.hash == w.head.hash and derived.derived_from.number == 8
    assert derived.is_last_in_span


def test_alt_da_chains_are_refused() -> None:
    import pytest

    from op_program.errors import ConfigError

    w = World(da_challenge_contract_address="0x" + "12" * 20)
    with pytest.raises(ConfigError):
        w.pipeline()


def test_reset_walks_back_the_channel_timeout_of_the_l1_origin_time() -> None:
    # The channel bank times channels out by the L1 origin time (granite/derivation.md), so a
    # channel opened before the safe head's L1 origin stays alive for the pre-Granite timeout
    # while that origin is pre-Granite, even when the safe L2 block itself is past Granite
    # (op-node's initial reset walks back by ChannelTimeout(L1 origin time)).
    w = World()
    origin = w.l1.headers[5]
    assert origin.timestamp < w.head.timestamp
    w = World(granite_time=w.head.timestamp)
    w.cfg = dataclasses.replace(w.cfg, channel_timeout=4, granite_channel_timeout=1)
    assert not w.cfg.is_granite(origin.timestamp) and w.cfg.is_granite(w.head.timestamp)
    pipe = w.pipeline()
    pipe.reset(w.head)
    assert pipe.origin is not None and pipe.origin.number == 5 - 4
