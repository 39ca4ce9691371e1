from collections import deque

import pytest

from op_program.derive.errors import EndOfDataError
from op_program.derive.stages.channel_reader import ChannelReader
from op_program.encoding.rlp import rlp_encode
from op_program.protocol.batches import SingularBatch, SpanBatch, span_batch_from_singulars
from op_program.protocol.compression import CompressionAlgo, compress_channel

from .stubs import L2_GENESIS_TIME, drain_batches, l1_block, rollup

B1 = SingularBatch(b"\x01" * 32, 5, b"\x05" * 32, L2_GENESIS_TIME + 2, (b"\x02\xc0",))
B2 = SingularBatch(b"\x02" * 32, 5, b"\x05" * 32, L2_GENESIS_TIME + 4, ())


class Channels:
    def __init__(self, *channels: bytes) -> None:
        self.origin = l1_block(10)
        self.channels = deque(channels)

    def next_data(self) -> bytes:
        if not self.channels:
            raise EndOfDataError("no channel")
        return self.channels.popleft()


def channel(*items: bytes, algo: CompressionAlgo = CompressionAlgo.ZLIB) -> bytes:
    return compress_channel(b"".join(rlp_encode(item) for item in items), algo)


def test_reads_batches_in_order_across_channels() -> None:
    reader = ChannelReader(rollup(), Channels(channel(B1.encode()), channel(B2.encode())))
    assert drain_batches(reader) == [B1, B2]


def test_bad_batch_ends_its_channel_only() -> None:
    bad = channel(B1.encode(), b"\x07junk", B2.encode())
    reader = ChannelReader(rollup(), Channels(bad, channel(B2.encode())))
    assert drain_batches(reader) == [B1, B2]  # B2 of the first channel is lost with it


def test_undecodable_channel_is_dropped() -> None:
    reader = ChannelReader(rollup(), Channels(b"\x00garbage", b"", channel(B1.encode())))
    assert drain_batches(reader) == [B1]


def test_brotli_needs_fjord() -> None:
    data = channel(B1.encode(), algo=CompressionAlgo.BROTLI)
    assert drain_batches(ChannelReader(rollup(), Channels(data))) == []
    fjord = rollup(canyon_time=0, delta_time=0, ecotone_time=0, fjord_time=0)
    assert drain_batches(ChannelReader(fjord, Channels(data))) == [B1]


def test_span_batch_before_delta_is_skipped_and_reading_continues() -> None:
    cfg = rollup(l2_chain_id=901)
    empty1 = SingularBatch(B1.parent_hash, 5, B1.epoch_hash, B1.timestamp, ())
    span = span_batch_from_singulars([empty1, B2], 1, L2_GENESIS_TIME, 901).encode()
    reader = ChannelReader(cfg, Channels(channel(span, B2.encode())))
    assert drain_batches(reader) == [B2]
    delta = rollup(canyon_time=0, delta_time=0, l2_chain_id=901)
    got = drain_batches(ChannelReader(delta, Channels(channel(span, B2.encode()))))
    assert isinstance(got[0], SpanBatch) and [e.timestamp for e in got[0].elements] == [
        B1.timestamp,
        B2.timestamp,
    ]
    assert got[1] == B2


def test_flush_drops_the_rest_of_the_channel() -> None:
    reader = ChannelReader(
        rollup(), Channels(channel(B1.encode(), B2.encode()), channel(B2.encode()))
    )
    assert reader.next_batch() == B1
    reader.flush_channel()
    assert drain_batches(reader) == [B2]


def test_decompressed_size_is_capped() -> None:
    huge = SingularBatch(b"\x01" * 32, 5, b"\x05" * 32, 1, (b"\x02" + bytes(10_500_000),))
    reader = ChannelReader(rollup(), Channels(channel(B1.encode(), huge.encode(), B2.encode())))
    assert drain_batches(reader) == [B1]  # the batch crossing MAX_RLP_BYTES_PER_CHANNEL ends it


@pytest.mark.parametrize("bad", [b"\x01", b"\x0f" * 40, bytes(200)])
def test_hostile_channel_bytes_are_dropped(bad: bytes) -> None:
    assert drain_batches(ChannelReader(rollup(), Channels(bad))) == []
