import pytest

from op_program.encoding.rlp import rlp_encode
from op_program.protocol.batches import SingularBatch
from op_program.protocol.channel import ChannelReadError, iter_channel_batches, read_channel
from op_program.protocol.compression import CompressionAlgo, compress_channel

BATCHES = [SingularBatch(bytes([i]) * 32, i, b"\x02" * 32, 1000 + 2 * i, ()) for i in range(4)]


def _stream(*items: bytes) -> bytes:
    return b"".join(rlp_encode(item) for item in items)


def _channel(*items: bytes, algo: CompressionAlgo = CompressionAlgo.ZLIB) -> bytes:
    return compress_channel(_stream(*items), algo)


@pytest.mark.parametrize("algo", list(CompressionAlgo))
def test_reads_every_batch_in_order(algo: CompressionAlgo) -> None:
    result = read_channel(_channel(*(b.encode() for b in BATCHES), algo=algo), 10_000, True)
    assert result.batches == tuple(BATCHES) and result.error is None and result.algo is algo


def test_batches_before_a_bad_batch_are_kept_and_the_rest_dropped() -> None:
    data = _channel(BATCHES[0].encode(), b"\x07garbage", BATCHES[1].encode())
    result = read_channel(data, 10_000, False)
    assert result.batches == (BATCHES[0],)
    assert result.error is not None and "invalid batch" in result.error
    seen = []
    with pytest.raises(ChannelReadError):
        for batch in iter_channel_batches(data, 10_000, False):
            seen.append(batch)
    assert seen == [BATCHES[0]]


def test_size_limit_keeps_batches_that_fit_entirely() -> None:
    encoded = [rlp_encode(b.encode()) for b in BATCHES]
    limit = len(encoded[0]) + len(encoded[1]) + 5  # third batch crosses the limit
    result = read_channel(_channel(*(b.encode() for b in BATCHES)), limit, False)
    assert result.batches == tuple(BATCHES[:2])
    assert result.error is not None and "MAX_RLP_BYTES_PER_CHANNEL" in result.error
    exact = read_channel(_channel(*(b.encode() for b in BATCHES)), sum(map(len, encoded)), False)
    assert exact.batches == tuple(BATCHES)


def test_an_rlp_list_where_a_batch_string_is_expected_ends_the_channel() -> None:
    data = compress_channel(rlp_encode(BATCHES[0].encode()) + rlp_encode([b"x"]),
                            CompressionAlgo.ZLIB)
    result = read_channel(data, 10_000, False)
    assert result.batches == (BATCHES[0],) and result.error is not None


def test_unknown_compression_yields_nothing() -> None:
    result = read_channel(b"\x02abc", 10_000, True)
    assert result.batches == () and result.algo is None and result.error is not None
