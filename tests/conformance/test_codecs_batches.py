"""Conformance: frames, channels and batches against real and reference vectors."""

import json
from pathlib import Path

import pytest

from op_program.encoding.rlp import rlp_decode_list
from op_program.protocol.batches import (
    RawSpanBatch,
    SingularBatch,
    decode_batch,
    span_batch_from_singulars,
)
from op_program.protocol.channel import ChannelReadError, iter_batch_payloads, read_channel
from op_program.protocol.compression import (
    MAX_RLP_BYTES_PER_CHANNEL_BEDROCK,
    MAX_RLP_BYTES_PER_CHANNEL_FJORD,
    CompressionAlgo,
    decompress_channel,
)
from op_program.protocol.frames import FrameDecodeError, encode_frames, parse_frames
from op_program.protocol.transactions import decode_transaction
from tests.fixture_paths import fixtures_path

OP_MAINNET_GENESIS_TIME = 1686068903
OP_MAINNET_CHAIN_ID = 10


def _vectors(*parts: str) -> Path:
    return fixtures_path("vectors", *parts)


def _batcher_calldata() -> bytes:
    raw = _vectors("kona-raw-batcher-tx", "raw_batcher_tx.hex").read_bytes()
    assert raw[0] == 2  # EIP-1559 envelope
    fields = rlp_decode_list(raw[1:])
    calldata = fields[7]
    assert isinstance(calldata, bytes)
    return calldata


def test_real_batcher_tx_is_sent_by_the_op_mainnet_batcher_to_the_inbox() -> None:
    raw = _vectors("kona-raw-batcher-tx", "raw_batcher_tx.hex").read_bytes()
    tx = decode_transaction(raw)
    assert tx.hash.hex() == "e69d94330faafb4f716f7ad9b3b50ea8ff5ce57aea6d2f8be07afb7fe49cd6cf"
    assert tx.recover_sender().hex() == "6887246668a3b87f54deb3b94ba47a6f63f32985"
    assert tx.data == _batcher_calldata()


def test_force_close_frame_vectors_parse() -> None:
    doc = json.loads(_vectors("frames", "frame_vectors.json").read_text())
    checked = 0
    for vector in doc["force_close_vectors"]:
        expected = vector.get("derived_ParseFrames")
        if vector["expected_output_hex"] is None:
            continue
        data = bytes.fromhex(vector["expected_output_hex"])
        if isinstance(expected, str):
            with pytest.raises(FrameDecodeError):
                parse_frames(data)
            checked += 1
            continue
        frames = parse_frames(data)
        assert [
            (f.channel_id.hex(), f.frame_number, f.data.hex(), f.is_last) for f in frames
        ] == [(e["channel_id"], e["frame_number"], e["data_hex"], e["is_last"]) for e in expected]
        assert encode_frames(frames) == data
        checked += 1
    assert checked == 7


def test_real_batcher_tx_one_frame_zlib_span_batch_of_27_blocks() -> None:
    calldata = _batcher_calldata()
    assert len(calldata) == 119823
    frames = parse_frames(calldata)
    assert len(frames) == 1
    frame = frames[0]
    assert frame.channel_id.hex() == "ac329933f5efdcc35ccd284232a376d3"
    assert (frame.frame_number, len(frame.data), frame.is_last) == (0, 119799, True)
    assert encode_frames(frames) == calldata

    decompressed = decompress_channel(frame.data, MAX_RLP_BYTES_PER_CHANNEL_BEDROCK, False)
    assert decompressed.algo is CompressionAlgo.ZLIB
    assert len(decompressed.data) == 240308
    result = read_channel(frame.data, MAX_RLP_BYTES_PER_CHANNEL_BEDROCK, False)
    assert len(result.batches) == 1
    batch = result.batches[0]
    assert isinstance(batch, RawSpanBatch)
    assert batch.rel_timestamp == 24269254
    assert batch.l1_origin_num == 19426585
    assert batch.parent_check.hex() == "4a78c6069d413ac5cd75401310076b7acbc10cea"
    assert batch.l1_origin_check.hex() == "4fcd7915716bdcf8ba963e591577721000dd2bf7"
    assert batch.block_count == 27
    # byte-exact re-encoding of the batch inside the channel
    payloads = []
    with pytest.raises(ChannelReadError):  # the real stream ends without a zlib trailer
        for payload in iter_batch_payloads(decompressed):
            payloads.append(payload)
    assert payloads == [batch.encode()]


def test_real_span_batch_derives_27_blocks_and_reencodes_via_singular_batches() -> None:
    frame = parse_frames(_batcher_calldata())[0]
    batch = read_channel(frame.data, MAX_RLP_BYTES_PER_CHANNEL_BEDROCK, False).batches[0]
    assert isinstance(batch, RawSpanBatch)
    span = batch.derive(2, OP_MAINNET_GENESIS_TIME, OP_MAINNET_CHAIN_ID)
    assert len(span.elements) == 27
    first, last = span.elements[0], span.elements[-1]
    assert first.timestamp == OP_MAINNET_GENESIS_TIME + 24269254
    assert last.timestamp == first.timestamp + 2 * 26
    assert last.epoch_num == 19426585
    assert sum(len(e.transactions) for e in span.elements) == sum(batch.block_tx_counts)
    # every rebuilt tx is EIP-2718 and decodes again into the same span columns
    singulars = [
        SingularBatch(
            batch.parent_check + bytes(12) if i == 0 else bytes(32),
            e.epoch_num,
            batch.l1_origin_check + bytes(12),
            e.timestamp,
            e.transactions,
        )
        for i, e in enumerate(span.elements)
    ]
    first_seq = 0 if batch.origin_bits & 1 else 1
    rebuilt = span_batch_from_singulars(
        singulars, first_seq, OP_MAINNET_GENESIS_TIME, OP_MAINNET_CHAIN_ID
    )
    assert rebuilt.encode() == batch.encode()


def test_kona_raw_span_batch_round_trips_byte_exact() -> None:
    raw = _vectors("kona-raw-span-batch", "raw_batch.hex").read_bytes()
    batch = RawSpanBatch.decode_content(raw)
    assert batch.rel_timestamp == 1639845645
    assert batch.l1_origin_num == 16988980031808077784
    assert batch.parent_check.hex() == "01ddf682e2f8a6f10c2207e02322897e65317196"
    assert batch.l1_origin_check.hex() == "8527cdb6f601acf9b483817abd1da92790c92b19"
    assert batch.block_count == 4
    assert batch.encode_content() == raw


def test_span_batch_v2_golden_vector() -> None:
    raw = bytes.fromhex(_vectors("optimism-span-batch-v2", "raw_batch_v2.hex").read_text().strip())
    assert raw[0] == 2
    batch = decode_batch(raw, allow_v2=True)
    assert isinstance(batch, RawSpanBatch)
    assert [(batch.same_ts_bits >> i) & 1 for i in range(5)] == [0, 1, 1, 0, 1]
    assert batch.timestamps(2, 1000) == [1010, 1010, 1010, 1012, 1012]
    assert batch.block_tx_counts == (1, 0, 2, 1, 0)
    assert batch.encode() == raw
    span = batch.derive(2, 1000, 1)
    assert [len(e.transactions) for e in span.elements] == [1, 0, 2, 1, 0]


def test_kona_brotli_channel_holds_one_singular_batch() -> None:
    compressed = bytes.fromhex(_vectors("kona-brotli", "batch_brotli_compressed.hex").read_text())
    expected = bytes.fromhex(_vectors("kona-brotli", "batch_brotli_decompressed.hex").read_text())
    channel = b"\x01" + compressed
    decompressed = decompress_channel(channel, MAX_RLP_BYTES_PER_CHANNEL_FJORD, True)
    assert decompressed.algo is CompressionAlgo.BROTLI
    assert decompressed.data == expected
    assert decompressed.error is None
    result = read_channel(channel, MAX_RLP_BYTES_PER_CHANNEL_FJORD, True)
    assert result.error is None
    assert len(result.batches) == 1
    batch = result.batches[0]
    assert isinstance(batch, SingularBatch)
    assert b"\xb9\x30\xd7" + batch.encode() == expected


def test_kona_small_brotli_vector() -> None:
    small = json.loads(_vectors("kona-brotli", "small_brotli.json").read_text())["small"]
    out = decompress_channel(b"\x01" + bytes.fromhex(small["compressed_hex"]), 1000, True)
    assert out.data.hex() == small["decompressed_hex"]
    assert out.error is None


def test_brotli_is_rejected_before_fjord() -> None:
    compressed = bytes.fromhex(_vectors("kona-brotli", "batch_brotli_compressed.hex").read_text())
    result = read_channel(b"\x01" + compressed, MAX_RLP_BYTES_PER_CHANNEL_BEDROCK, False)
    assert result.batches == ()
    assert result.error is not None and "Fjord" in result.error
