"""Conformance: the six real OP Sepolia blobs of the fault-proof witness, end to end.

Blobs are rebuilt from their field-element preimages, OP-blob-decoded into frames, assembled
into two 3-frame brotli channels and decoded into span batches; block 16491249 must appear as
the last block of a 5-block span with L1 origin 6582945 and 11 user transactions
(fixtures/README.md, fpp/op-sepolia-16491249).
"""

import gzip
import json
from collections import defaultdict

from op_program.preimage.blob_roots import blob_evaluation_points
from op_program.preimage.keys import blob_key
from op_program.protocol.batches import RawSpanBatch
from op_program.protocol.blob import decode_blob
from op_program.protocol.channel import read_channel
from op_program.protocol.compression import MAX_RLP_BYTES_PER_CHANNEL_FJORD, CompressionAlgo
from op_program.protocol.frames import Frame, parse_frames
from tests.fixture_paths import fixtures_path

OP_SEPOLIA_GENESIS_TIME = 1691802540
OP_SEPOLIA_CHAIN_ID = 11155420
TARGET_BLOCK = 16491249


def _blobs() -> list[bytes]:
    path = fixtures_path("fpp", "op-sepolia-16491249", "preimages.json.gz")
    with gzip.open(path) as handle:
        preimages: dict[str, str] = json.load(handle)
    points = blob_evaluation_points()
    blobs = []
    for key, value in sorted(preimages.items()):
        if not key.startswith("0x04"):
            continue
        commitment = bytes.fromhex(value[2:])
        elements = (preimages["0x" + blob_key(commitment, z).hex()] for z in points)
        blobs.append(b"".join(bytes.fromhex(element[2:]) for element in elements))
    return blobs


def test_real_blobs_decode_to_brotli_span_batches_holding_the_claimed_block() -> None:
    blobs = _blobs()
    assert len(blobs) == 6
    channels: dict[bytes, dict[int, Frame]] = defaultdict(dict)
    for blob in blobs:
        for frame in parse_frames(decode_blob(blob)):
            channels[frame.channel_id][frame.frame_number] = frame
    assert sorted(len(parts) for parts in channels.values()) == [3, 3]
    found = []
    for parts in channels.values():
        assert parts[2].is_last and not parts[0].is_last
        data = b"".join(parts[number].data for number in range(3))
        result = read_channel(data, MAX_RLP_BYTES_PER_CHANNEL_FJORD, True)
        assert result.algo is CompressionAlgo.BROTLI
        assert result.error is None
        for batch in result.batches:
            assert isinstance(batch, RawSpanBatch)
            span = batch.derive(2, OP_SEPOLIA_GENESIS_TIME, OP_SEPOLIA_CHAIN_ID)
            for index, element in enumerate(span.elements):
                if element.timestamp == OP_SEPOLIA_GENESIS_TIME + 2 * TARGET_BLOCK:
                    found.append((index, batch.block_count, element))
    assert len(found) == 1
    index, block_count, element = found[0]
    assert (index, block_count) == (4, 5)
    assert element.epoch_num == 6582945
    assert len(element.transactions) == 11
