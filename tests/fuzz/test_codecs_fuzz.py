"""Hostile input: every codec decoder raises only typed errors on random and mutated bytes."""

import zlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from op_program.encoding.rlp import rlp_encode
from op_program.errors import DecodeError
from op_program.protocol.batches import (
    RawSpanBatch,
    SingularBatch,
    decode_batch,
    span_batch_from_singulars,
)
from op_program.protocol.blob import BLOB_SIZE, decode_blob, encode_blob
from op_program.protocol.channel import read_channel
from op_program.protocol.compression import CompressionAlgo, compress_channel, decompress_channel
from op_program.protocol.deposits import DEPOSIT_EVENT_TOPIC, decode_deposit_log
from op_program.protocol.frames import Frame, encode_frames, parse_frames
from op_program.protocol.l1_info import L1InfoFork, decode_l1_info
from op_program.protocol.receipts import Log
from op_program.protocol.system_config import (
    CONFIG_UPDATE_TOPIC,
    SystemConfig,
    apply_config_update,
)

FUZZ = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
CHAIN_ID = 10
TO = b"\x11" * 20
_TXS = [
    rlp_encode([5, 1000, 21000, TO, 1, b"hi", CHAIN_ID * 2 + 36, 7, 8]),
    rlp_encode([6, 1000, 21000, b"", 1, b"\x60\x00", 27, 7, 8]),
    b"\x01" + rlp_encode([CHAIN_ID, 1, 7, 50000, TO, 0, b"", [[TO, [bytes(32)]]], 1, 7, 8]),
    b"\x02" + rlp_encode([CHAIN_ID, 2, 1, 9, 60000, TO, 3, b"\x01", [], 0, 7, 8]),
    b"\x04"
    + rlp_encode([CHAIN_ID, 3, 1, 9, 70000, TO, 0, b"", [], [[1, TO, 7, 1, 9, 10]], 1, 7, 8]),
]
SINGULARS = [
    SingularBatch(b"\xaa" * 32, 100, b"\xbb" * 32, 1000, tuple(_TXS[:2])),
    SingularBatch(bytes(32), 101, b"\xcc" * 32, 1002, tuple(_TXS[2:])),
]
SPAN = span_batch_from_singulars(SINGULARS, 0, 900, CHAIN_ID).encode()
SINGULAR = SINGULARS[0].encode()
CHANNEL_PAYLOAD = b"\xb9" + len(SPAN).to_bytes(2, "big") + SPAN
FRAMES = encode_frames(
    [Frame(b"\x01" * 16, 0, b"abc", False), Frame(b"\x01" * 16, 1, b"defg", True)]
)
BLOB = encode_blob(bytes(range(256)) * 40)


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """Flip, insert, delete or truncate bytes of a valid encoding."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "set"]))
        pos = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "flip" and data:
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif op == "set" and data:
            data[pos] = draw(st.sampled_from([0x00, 0x7F, 0x80, 0xB8, 0xC0, 0xF8, 0xFF]))
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=8))
        elif op == "delete" and data:
            del data[pos : pos + draw(st.integers(1, 8))]
        elif op == "truncate":
            del data[pos:]
    return bytes(data)


def _decode_and_derive(data: bytes) -> None:
    try:
        batch = decode_batch(data, allow_v2=True)
    except DecodeError:
        return
    if isinstance(batch, RawSpanBatch):
        try:
            batch.derive(2, 900, CHAIN_ID)
        except DecodeError:
            pass
        assert decode_batch(batch.encode(), allow_v2=True) == batch


@FUZZ
@given(st.one_of(st.binary(max_size=200), mutated(FRAMES)))
def test_parse_frames_only_typed_errors(data: bytes) -> None:
    try:
        frames = parse_frames(data)
    except DecodeError:
        return
    assert encode_frames(frames) == data


@FUZZ
@given(st.one_of(st.binary(max_size=300), mutated(b"\x01" + SPAN), mutated(SINGULAR)))
def test_decode_batch_only_typed_errors(data: bytes) -> None:
    _decode_and_derive(data)


@FUZZ
@given(st.one_of(mutated(SPAN), st.binary(max_size=100)))
def test_span_content_only_typed_errors(content: bytes) -> None:
    _decode_and_derive(b"\x01" + content)
    _decode_and_derive(b"\x02" + content)


@FUZZ
@given(
    st.one_of(
        st.binary(max_size=300),
        mutated(compress_channel(CHANNEL_PAYLOAD, CompressionAlgo.ZLIB)),
        mutated(compress_channel(CHANNEL_PAYLOAD, CompressionAlgo.BROTLI)),
        mutated(zlib.compress(CHANNEL_PAYLOAD * 3)),
    ),
    st.booleans(),
)
def test_read_channel_never_raises(data: bytes, fjord: bool) -> None:
    result = read_channel(data, 5_000, fjord, allow_v2=True)
    assert result.error is not None or result.batches or not data or result.algo is not None
    try:
        out = decompress_channel(data, 5_000, fjord)
    except DecodeError:
        return
    assert len(out.data) <= 5_000


@settings(max_examples=60, deadline=None)
@given(st.one_of(mutated(BLOB[:4096]), st.binary(min_size=0, max_size=64)), st.booleans())
def test_decode_blob_only_typed_errors(prefix: bytes, pad: bool) -> None:
    blob = (prefix + bytes(BLOB_SIZE))[:BLOB_SIZE] if pad else prefix
    try:
        decode_blob(blob)
    except DecodeError:
        pass


@FUZZ
@given(
    st.one_of(
        st.binary(max_size=200),
        *[mutated(fork.selector + bytes(fork.length - 4)) for fork in L1InfoFork],
    )
)
def test_decode_l1_info_only_typed_errors(data: bytes) -> None:
    try:
        info = decode_l1_info(data)
    except DecodeError:
        return
    assert decode_l1_info(info.encode()) == info  # op-node ignores the batcher word padding


_DEPOSIT_DATA = (32).to_bytes(32, "big") + (80).to_bytes(32, "big") + bytes(96)
_TOPICS = (DEPOSIT_EVENT_TOPIC, bytes(32), bytes(32), bytes(32))


@FUZZ
@given(
    st.one_of(st.binary(max_size=300), mutated(_DEPOSIT_DATA)),
    st.integers(0, 5),
)
def test_decode_deposit_log_only_typed_errors(data: bytes, topic_count: int) -> None:
    topics = (_TOPICS * 2)[:topic_count]
    try:
        decode_deposit_log(Log(bytes(20), topics, data), bytes(32), 3)
    except DecodeError:
        pass


_CONFIG_DATA = (32).to_bytes(32, "big") + (32).to_bytes(32, "big") + (7).to_bytes(32, "big")


@FUZZ
@given(
    st.one_of(st.binary(max_size=200), mutated(_CONFIG_DATA)),
    st.integers(0, 9),
    st.booleans(),
)
def test_apply_config_update_only_typed_errors(data: bytes, kind: int, ecotone: bool) -> None:
    log = Log(bytes(20), (CONFIG_UPDATE_TOPIC, bytes(32), kind.to_bytes(32, "big")), data)
    try:
        apply_config_update(SystemConfig(bytes(20)), log, ecotone)
    except DecodeError:
        pass
