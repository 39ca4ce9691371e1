"""Benchmark the derivation codecs on the real OP Mainnet batcher transaction.

Prints JSON: frames/s (parse the transaction's frames), channel MB/s (zlib decompression, MB of
decompressed output per second), span-batch blocks/s (decode the span batch and derive its 27
blocks with full transactions), plus the brotli channel and blob codec for reference.
"""

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from op_program.encoding.rlp import rlp_decode_list
from op_program.protocol.batches import RawSpanBatch, decode_batch
from op_program.protocol.blob import decode_blob, encode_blob
from op_program.protocol.channel import iter_batch_payloads
from op_program.protocol.compression import (
    MAX_RLP_BYTES_PER_CHANNEL_FJORD,
    CompressionAlgo,
    compress_channel,
    decompress_channel,
)
from op_program.protocol.frames import parse_frames

VECTORS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "vectors"
OP_MAINNET_GENESIS_TIME = 1686068903


def _rate(fn: Callable[[], object], min_seconds: float = 1.0) -> tuple[float, int]:
    """Return (calls per second, calls) for ``fn`` over at least ``min_seconds``."""
    fn()  # warm up
    calls = 0
    start = time.perf_counter()
    while True:
        fn()
        calls += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return calls / elapsed, calls


def main() -> int:
    """Run the benchmarks and print one JSON document."""
    path = VECTORS / "kona-raw-batcher-tx" / "raw_batcher_tx.hex"
    if not path.exists():
        print(json.dumps({"error": f"fixture not found: {path}"}))
        return 2
    raw = path.read_bytes()
    calldata = rlp_decode_list(raw[1:])[7]
    assert isinstance(calldata, bytes)
    frames = parse_frames(calldata)
    channel = frames[0].data
    decompressed = decompress_channel(channel, MAX_RLP_BYTES_PER_CHANNEL_FJORD, True)
    payload = next(iter_batch_payloads(decompressed))
    batch = decode_batch(payload)
    assert isinstance(batch, RawSpanBatch)

    frames_per_call, _ = _rate(lambda: parse_frames(calldata))
    zlib_calls, _ = _rate(
        lambda: decompress_channel(channel, MAX_RLP_BYTES_PER_CHANNEL_FJORD, True)
    )

    def span() -> None:
        decoded = decode_batch(payload)
        assert isinstance(decoded, RawSpanBatch)
        decoded.derive(2, OP_MAINNET_GENESIS_TIME, 10)

    span_calls, _ = _rate(span)
    decode_only, _ = _rate(lambda: decode_batch(payload))
    brotli_channel = compress_channel(decompressed.data, CompressionAlgo.BROTLI)
    brotli_calls, _ = _rate(
        lambda: decompress_channel(brotli_channel, MAX_RLP_BYTES_PER_CHANNEL_FJORD, True)
    )
    blob = encode_blob(calldata[:130_000])
    blob_calls, _ = _rate(lambda: decode_blob(blob))
    mb = len(decompressed.data) / 1e6
    result = {
        "input": "kona raw_batcher_tx (OP Mainnet, 1 frame, zlib channel, span batch of 27 blocks)",
        "python": sys.version.split()[0],
        "frames_per_s": round(frames_per_call * len(frames), 1),
        "frame_bytes": len(frames[0].data),
        "channel_zlib_mb_per_s_decompressed": round(zlib_calls * mb, 2),
        "channel_brotli_mb_per_s_decompressed": round(brotli_calls * mb, 2),
        "channel_decompressed_bytes": len(decompressed.data),
        "span_batch_blocks_per_s": round(span_calls * batch.block_count, 1),
        "span_batch_decode_only_blocks_per_s": round(decode_only * batch.block_count, 1),
        "span_batch_txs": sum(batch.block_tx_counts),
        "blob_decode_per_s": round(blob_calls, 1),
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
