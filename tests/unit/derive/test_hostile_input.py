"""Hostile L1 data: random and mutated batcher data never escapes as anything but typed errors."""

from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from op_program.derive.batch_validity import BatchValidity, check_singular_batch, check_span_batch
from op_program.derive.stages.channel_assembler import ChannelAssembler
from op_program.derive.stages.channel_bank import ChannelBank
from op_program.derive.stages.channel_reader import ChannelReader
from op_program.derive.stages.frame_queue import FrameQueue
from op_program.derive.types import L2BlockRef
from op_program.encoding.rlp import rlp_encode
from op_program.protocol.batches import SingularBatch, SpanBatch, SpanBatchElement
from op_program.protocol.compression import CompressionAlgo, compress_channel
from op_program.protocol.frames import Frame, encode_frames

from .stubs import HOLO, FakeData, drain_batches, l1_block, l2_block, rollup

BATCH = SingularBatch(b"\x01" * 32, 5, b"\x05" * 32, 7, (b"\x02\xc0",))
GOOD_CHANNEL = compress_channel(rlp_encode(BATCH.encode()) * 3, CompressionAlgo.ZLIB)


def good_tx(cid: bytes) -> bytes:
    half = len(GOOD_CHANNEL) // 2
    return encode_frames(
        [Frame(cid, 0, GOOD_CHANNEL[:half], False), Frame(cid, 1, GOOD_CHANNEL[half:], True)]
    )


@st.composite
def batcher_data(draw: st.DrawFn) -> list[bytes]:
    items = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["random", "mutated", "good", "frames"]))
        if kind == "random":
            items.append(draw(st.binary(max_size=300)))
            continue
        cid = draw(st.binary(min_size=16, max_size=16))
        data = good_tx(cid)
        if kind == "mutated":
            raw = bytearray(data)
            for _ in range(draw(st.integers(1, 8))):
                raw[draw(st.integers(0, len(raw) - 1))] = draw(st.integers(0, 255))
            data = bytes(raw)
        elif kind == "frames":
            frames = [
                Frame(
                    bytes([draw(st.integers(0, 2))]) * 16,
                    draw(st.integers(0, 3)),
                    draw(st.sampled_from([GOOD_CHANNEL, b"", GOOD_CHANNEL[:20], b"\x78\x9c"])),
                    draw(st.booleans()),
                )
                for _ in range(draw(st.integers(1, 4)))
            ]
            data = encode_frames(frames)
        items.append(data)
    return items


@settings(max_examples=150, deadline=None)
@given(batcher_data(), st.booleans())
def test_pre_holocene_stages_survive_hostile_data(items: list[bytes], canyon: bool) -> None:
    cfg = rollup(canyon_time=0) if canyon else rollup()
    frames = FrameQueue(FakeData(l1_block(10), items), cfg.is_holocene)
    batches = drain_batches(ChannelReader(cfg, ChannelBank(cfg, frames)))
    assert all(isinstance(b, (SingularBatch, SpanBatch)) for b in batches)


@settings(max_examples=150, deadline=None)
@given(batcher_data())
def test_holocene_stages_survive_hostile_data(items: list[bytes]) -> None:
    cfg = rollup(**HOLO)
    frames = FrameQueue(FakeData(l1_block(10), items), cfg.is_holocene)
    batches = drain_batches(ChannelReader(cfg, ChannelAssembler(cfg, frames)))
    assert all(isinstance(b, (SingularBatch, SpanBatch)) for b in batches)


class AnyChain:
    def l2_block_ref_by_number(self, number: int) -> L2BlockRef:
        return l2_block(number, 1000 + 2 * number, l1_block(100))

    def l2_transactions_by_number(self, number: int) -> Sequence[bytes]:
        return (b"\x7e", b"\x02")


u64 = st.integers(0, 2**64 - 1)
small = st.integers(0, 3000)
txs = st.lists(st.binary(max_size=4), max_size=3).map(tuple)


@settings(max_examples=300, deadline=None)
@given(
    small,
    small,
    st.binary(min_size=32, max_size=32),
    st.one_of(small, u64),
    txs,
    st.booleans(),
    st.integers(0, 4),
)
def test_singular_validity_is_total(
    epoch: int, ts: int, h: bytes, incl: int, tx: tuple[bytes, ...], holocene: bool, n_blocks: int
) -> None:
    cfg = rollup(**HOLO) if holocene else rollup()
    blocks = [l1_block(100 + i) for i in range(n_blocks)]
    safe = l2_block(50, 1210, l1_block(100))
    batch = SingularBatch(h, epoch, h, ts, tx)
    result = check_singular_batch(cfg, blocks, safe, batch, l1_block(incl % 2**63))
    assert isinstance(result, BatchValidity)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(small, small, txs), min_size=1, max_size=5),
    st.binary(min_size=20, max_size=20),
    st.booleans(),
    st.integers(0, 4),
    small,
)
def test_span_validity_is_total(
    elements: list[tuple[int, int, tuple[bytes, ...]]],
    check: bytes,
    holocene: bool,
    n_blocks: int,
    incl: int,
) -> None:
    cfg = rollup(**HOLO) if holocene else rollup(canyon_time=0, delta_time=0)
    blocks = [l1_block(100 + i) for i in range(n_blocks)]
    safe = l2_block(50, 1210, l1_block(100))
    span = SpanBatch(check, check, tuple(SpanBatchElement(e, t, x) for e, t, x in elements))
    result = check_span_batch(cfg, blocks, safe, span, l1_block(incl), AnyChain())
    assert isinstance(result, BatchValidity)
