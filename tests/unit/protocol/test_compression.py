import tracemalloc
import zlib

import brotli
import pytest

from op_program.protocol.compression import (
    MAX_RLP_BYTES_PER_CHANNEL_BEDROCK,
    MAX_RLP_BYTES_PER_CHANNEL_FJORD,
    ChannelCompressionError,
    CompressionAlgo,
    compress_channel,
    decompress_channel,
    detect_algo,
    max_rlp_bytes_per_channel,
)

PAYLOAD = bytes(range(256)) * 64


def test_limits_per_fork() -> None:
    assert max_rlp_bytes_per_channel(False) == MAX_RLP_BYTES_PER_CHANNEL_BEDROCK == 10_000_000
    assert max_rlp_bytes_per_channel(True) == MAX_RLP_BYTES_PER_CHANNEL_FJORD == 100_000_000


@pytest.mark.parametrize("algo", list(CompressionAlgo))
def test_round_trip(algo: CompressionAlgo) -> None:
    data = compress_channel(PAYLOAD, algo)
    out = decompress_channel(data, 1 << 20, True)
    assert (out.algo, out.data, out.truncated, out.error) == (algo, PAYLOAD, False, None)


def test_detect_algo_rules() -> None:
    assert detect_algo(b"\x78\x9c", False) is CompressionAlgo.ZLIB
    assert detect_algo(b"\x0f", False) is CompressionAlgo.ZLIB  # CM 15 selects zlib too
    assert detect_algo(b"\x01", True) is CompressionAlgo.BROTLI
    for bad, fjord in [(b"", True), (b"\x01", False), (b"\x02", True), (b"\x00", True)]:
        with pytest.raises(ChannelCompressionError):
            detect_algo(bad, fjord)


@pytest.mark.parametrize("algo", list(CompressionAlgo))
def test_output_is_cut_at_the_limit(algo: CompressionAlgo) -> None:
    out = decompress_channel(compress_channel(PAYLOAD, algo), 1000, True)
    assert out.data == PAYLOAD[:1000]
    assert out.truncated


@pytest.mark.parametrize("algo", list(CompressionAlgo))
def test_zip_bomb_is_cut_off_without_allocating_past_the_limit(algo: CompressionAlgo) -> None:
    limit = 2_000_000
    bomb = compress_channel(b"\x00" * 300_000_000, algo)  # inflates 150x past the limit
    assert len(bomb) < 1_000_000
    tracemalloc.start()
    try:
        out = decompress_channel(bomb, limit, True)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(out.data) == limit and out.truncated
    # the output itself plus one copy and one decoder step; never the 300 MB
    assert peak < 2 * limit + 1_000_000


def test_corrupt_zlib_keeps_output_decoded_before_the_error() -> None:
    stream = bytearray(zlib.compress(PAYLOAD * 4, 0))  # stored blocks: corruption is local
    stream[-3] ^= 0xFF  # break the adler32 checksum only
    out = decompress_channel(bytes(stream), 1 << 20, False)
    assert out.data == PAYLOAD * 4
    assert out.error is not None


def test_truncated_brotli_keeps_prefix_and_reports_error() -> None:
    stream = compress_channel(PAYLOAD * 8, CompressionAlgo.BROTLI, level=1)
    out = decompress_channel(stream[: len(stream) // 2], 1 << 20, True)
    assert (PAYLOAD * 8).startswith(out.data)
    assert out.error is not None


def test_garbage_after_brotli_stream_end_is_ignored() -> None:
    stream = b"\x01" + brotli.compress(PAYLOAD) + b"garbage"
    out = decompress_channel(stream, 1 << 20, True)
    assert out.data == PAYLOAD and out.error is None


@pytest.mark.parametrize("algo", list(CompressionAlgo))
def test_multi_chunk_input_round_trips(algo: CompressionAlgo) -> None:
    import random

    data = random.Random(7).randbytes(300_000)  # incompressible: several input chunks
    out = decompress_channel(compress_channel(data, algo), 1 << 20, True)
    assert out.data == data and out.error is None and not out.truncated
    cut = decompress_channel(compress_channel(data, algo), 100_000, True)
    assert cut.data == data[:100_000] and cut.truncated
