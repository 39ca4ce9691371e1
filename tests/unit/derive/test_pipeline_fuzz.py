"""Whole-pipeline property: hostile batcher data never breaks derivation or its invariants."""

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from op_program.derive.pipeline import DerivationPipeline
from op_program.encoding.hashing import keccak256
from op_program.encoding.rlp import rlp_encode
from op_program.protocol.attributes import PayloadAttributes
from op_program.protocol.batches import SingularBatch, span_batch_from_singulars
from op_program.protocol.compression import CompressionAlgo, compress_channel
from op_program.protocol.frames import Frame, encode_frames
from op_program.protocol.header import Header
from op_program.protocol.l1_info import decode_l1_info
from op_program.protocol.transactions import decode_transaction

from .chain import header, l2_block_on
from .stubs import HOLO
from .test_pipeline import CONFIG, World

EXTRA = b"\x00" + bytes.fromhex("000000fa00000006")


class FuzzWorld(World):
    def __init__(self, holocene: bool) -> None:
        overrides: dict[str, Any] = {"seq_window_size": 6, "l2_chain_id": 901}
        overrides.update(HOLO if holocene else {"canyon_time": 0, "delta_time": 0})
        super().__init__(l1_length=13, **overrides)
        self.extra = EXTRA if holocene else b""
        if holocene:
            origin = self.l1.headers[5]
            self.head, txs = l2_block_on(
                self.cfg,
                100,
                b"\x01" * 32,
                origin.timestamp + 4,
                origin,
                2,
                CONFIG,
                extra_data=self.extra,
            )
            self.l2.add(self.head, txs)

    def build(self, pipe: DerivationPipeline, parent: Header, attrs: PayloadAttributes) -> Header:
        h = header(
            parent.number + 1,
            parent.hash,
            attrs.timestamp,
            extra_data=self.extra,
            transactions_root=keccak256(b"".join(attrs.transactions)),
        )
        self.l2.add(h, attrs.transactions)
        pipe.on_safe_head(h, attrs.transactions)
        return h


@st.composite
def batch_plan(draw: st.DrawFn) -> list[tuple[int, list[Any]]]:
    """Per L1 block 6..10: items, each garbage bytes or a channel of (kind, fields) batches."""
    plan = []
    for l1_number in range(6, 11):
        items: list[Any] = []
        for _ in range(draw(st.integers(0, 2))):
            if draw(st.booleans()):
                items.append(("garbage", draw(st.binary(max_size=60))))
                continue
            batches = [
                (
                    draw(st.sampled_from(["single", "span"])),
                    draw(st.integers(100, 105)),
                    draw(st.integers(1, 4)),
                    draw(st.integers(4, 8)),
                    draw(st.booleans()),
                    draw(st.booleans()),
                )
                for _ in range(draw(st.integers(1, 3)))
            ]
            items.append(("channel", batches, draw(st.integers(1, 3))))
        plan.append((l1_number, items))
    return plan


def encode_batch(w: World, spec: tuple[Any, ...]) -> bytes:
    kind, start, count, epoch, good_parent, good_epoch = spec
    parent = w.head.hash if (good_parent and start == 100) else keccak256(bytes([start, count]))
    epoch_hash = w.l1.headers[epoch].hash if good_epoch else keccak256(bytes([epoch]))
    ts0 = w.head.timestamp + 2 * (start + 1 - 100)
    if kind == "single":
        return SingularBatch(parent, epoch, epoch_hash, ts0, (b"\x02\x01",)).encode()
    singles = [SingularBatch(parent, epoch, epoch_hash, ts0 + 2 * i, ()) for i in range(count)]
    return span_batch_from_singulars(singles, 0, w.cfg.genesis.l2_time, 901).encode()


def submit(w: World, plan: list[tuple[int, list[Any]]]) -> None:
    for l1_number, items in plan:
        for index, item in enumerate(items):
            if item[0] == "garbage":
                w.submit(l1_number, [item[1]])
                continue
            payload = b"".join(rlp_encode(encode_batch(w, spec)) for spec in item[1])
            data = compress_channel(payload, CompressionAlgo.ZLIB)
            cid = bytes([l1_number, index]) * 8
            step = -(-len(data) // item[2])
            frames = [
                Frame(cid, n, data[n * step : (n + 1) * step], n == item[2] - 1)
                for n in range(item[2])
            ]
            w.submit(l1_number, [encode_frames(frames)])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch_plan(), st.booleans())
def test_pipeline_invariants_under_hostile_batches(plan: list[Any], holocene: bool) -> None:
    w = FuzzWorld(holocene)
    submit(w, plan)
    pipe = w.pipeline()
    head = w.head
    prev_origin, prev_seq = 5, 2
    for _ in range(300):
        attrs = pipe.next_attributes(head)
        if attrs is None:
            break
        assert attrs.timestamp == head.timestamp + 2
        info = decode_l1_info(decode_transaction(attrs.transactions[0]).data)
        assert info.number in (prev_origin, prev_origin + 1)
        assert info.sequence_number == (prev_seq + 1 if info.number == prev_origin else 0)
        assert attrs.timestamp >= w.l1.headers[info.number].timestamp
        prev_origin, prev_seq = info.number, info.sequence_number
        head = w.build(pipe, head, attrs)
    else:
        raise AssertionError("derivation did not end")
