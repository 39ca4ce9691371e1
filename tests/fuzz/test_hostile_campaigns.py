"""Issue 11's adversarial campaigns as regression and fuzz tests (bounded hypothesis runs).

Each attack input is built here. The regressions check results and, where a fix is about memory
or about not doing work, a deterministic bound (``tracemalloc`` peaks, no per-block tables);
they never assert timings. Before the fixes these inputs took 36 s (1M-item singular batch),
>115 s (2M-block span batch) and 5.3 s (80k-log receipt).
"""

import json
import tracemalloc
import zlib
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from op_program.encoding.errors import JSONTextError
from op_program.encoding.json_text import loads_bounded
from op_program.encoding.rlp import RLPEncodable, encode_list_payload, rlp_encode
from op_program.errors import DecodeError
from op_program.protocol.batches import RawSpanBatch, SingularBatch, decode_batch
from op_program.protocol.batches.bits import bit, encode_uvarint
from op_program.protocol.batches.span import SpanElements
from op_program.protocol.batches.span_tx import tx_data_fields
from op_program.protocol.batches.span_txs import SpanBatchTxs
from op_program.protocol.channel import read_channel
from op_program.protocol.receipts import Receipt
from op_program.protocol.transactions import decode_transaction

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
U64 = (1 << 64) - 1


def _peak(fn: Callable[[], Any]) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _singular_content(txs_payload: bytes) -> bytes:
    fields = rlp_encode(b"\xaa" * 32) + rlp_encode(7) + rlp_encode(b"\xbb" * 32) + rlp_encode(9)
    return encode_list_payload(fields + encode_list_payload(txs_payload))


def _channel(batch: bytes) -> bytes:
    return zlib.compress(rlp_encode(batch), 9)


# --- finding 1: RLP of batcher data --------------------------------------------------------


def test_singular_batch_of_a_million_empty_lists_is_rejected_cheaply() -> None:
    channel = _channel(b"\x00" + _singular_content(b"\xc0" * 1_000_000))
    assert len(channel) < 1100  # the ~1 KB attack channel
    result: list[Any] = []
    peak = _peak(lambda: result.append(read_channel(channel, 100_000_000, True)))
    read = result[0]
    assert read.batches == () and read.error is not None and "expected a byte string" in read.error
    # 1 MB decompressed; building the 1M lists (as rlp.decode did) would take ~60 MB
    assert peak < 8_000_000


def test_singular_batch_decodes_exactly() -> None:
    txs = [b"", b"\x01", b"\x80", b"\x02" + b"x" * 70]
    batch = SingularBatch(b"\xaa" * 32, 7, b"\xbb" * 32, 9, tuple(txs))
    assert decode_batch(batch.encode()) == batch
    # bytes after the first RLP item are ignored, as in op-node
    assert decode_batch(batch.encode() + b"\x01\x02") == batch
    for bad in (
        _singular_content(rlp_encode(b"a") + b"\xc0"),  # a list among the txs
        _singular_content(b"\x81\x05"),  # non-canonical tx
        encode_list_payload(rlp_encode(b"\xaa" * 32) + rlp_encode(7)),  # too few fields
        _singular_content(b"")[:-1] + b"\x80",  # txs replaced by a string
    ):
        with pytest.raises(DecodeError):
            decode_batch(b"\x00" + bad)


def test_receipt_with_eighty_thousand_logs() -> None:
    log = rlp_encode([b"\x11" * 20, [b"\x22" * 32], b"\x01"])
    raw = b"\x02" + encode_list_payload(
        rlp_encode(1) + rlp_encode(21000) + rlp_encode(bytes(256))
        + encode_list_payload(log * 80_000)
    )
    receipt = Receipt.decode(raw)
    assert len(receipt.logs) == 80_000
    assert list(receipt.logs[-1].topics) == [b"\x22" * 32]


def test_span_tx_data_with_a_million_entry_access_list_is_rejected_cheaply() -> None:
    body = rlp_encode(1) + rlp_encode(2) + rlp_encode(b"") + encode_list_payload(
        b"\xc0" * 1_000_000)
    tx_data = b"\x01" + encode_list_payload(body)
    peak = _peak(lambda: pytest.raises(DecodeError, tx_data_fields, tx_data))
    # a copy of the input at most; building the 1M lists would take ~60 MB
    assert peak < 3 * len(tx_data)


def test_user_transaction_with_a_million_entry_access_list_is_rejected_cheaply() -> None:
    """User txs of batches reach the executor's decoder: shape is checked before decoding."""
    fields: list[RLPEncodable] = [10, 1, 2, 3, 21000, b"\x11" * 20, 0, b""]
    payload = b"".join(rlp_encode(f) for f in fields) + encode_list_payload(b"\xc0" * 1_000_000)
    raw = b"\x02" + encode_list_payload(payload + rlp_encode(1) + rlp_encode(2) + rlp_encode(3))
    peak = _peak(lambda: pytest.raises(DecodeError, decode_transaction, raw))
    assert peak < 3 * len(raw)
    good = b"\x02" + rlp_encode([*fields, [[b"\x22" * 20, [b"\x33" * 32]]], 1, 2, 3])
    assert decode_transaction(good).encode() == good


# --- finding 2: span-batch bit fields ------------------------------------------------------


def _span_content(blocks: int, origin_bits: int, txs: int = 0) -> bytes:
    content = (
        encode_uvarint(10) + encode_uvarint(1000) + b"\x11" * 20 + b"\x22" * 20
        + encode_uvarint(blocks) + origin_bits.to_bytes((blocks + 7) // 8, "big")
        + b"\x00" * (blocks - 1) + encode_uvarint(txs)
    )
    width = (txs + 7) // 8
    return content + (
        bytes(width) + bytes(width) + b"\x01" * (64 * txs) + b"\x33" * (20 * txs)
        + rlp_encode([1, 1, b""]) * txs + b"\x00" * txs + b"\x05" * txs + bytes(width)
    )


def test_two_million_block_span_batch_is_read_without_per_block_work() -> None:
    blocks = 2_000_000
    channel = _channel(b"\x01" + _span_content(blocks, (1 << blocks) - 1, txs=1))
    assert len(channel) < 2300  # the 2.2 KB attack channel
    read = read_channel(channel, 100_000_000, True)
    assert read.error is None
    raw = read.batches[0]
    assert isinstance(raw, RawSpanBatch)
    span = raw.derive(2, 0, 10)
    elements = span.elements
    assert isinstance(elements, SpanElements)
    first, last = elements[0], elements[-1]
    assert first.epoch_num == (1000 - (blocks - 1)) & U64
    assert last.epoch_num == 1000 and last.timestamp == 10 + 2 * (blocks - 1)
    assert len(first.transactions) == 0 and len(last.transactions) == 1
    assert elements._tables is None  # first and last cost O(1): no per-block tables


@FUZZ
@given(st.integers(1, 300), st.data())
def test_span_blocks_match_the_per_bit_definition(blocks: int, data: st.DataObject) -> None:
    origin_bits = data.draw(st.integers(0, (1 << blocks) - 1))
    same_ts = data.draw(st.integers(0, (1 << blocks) - 1))
    counts = tuple(data.draw(st.lists(st.integers(0, 3), min_size=blocks, max_size=blocks)))
    batch_type = data.draw(st.sampled_from([1, 2]))
    txs = SpanBatchTxs.from_transactions([], 10)
    raw = RawSpanBatch(5, 77, b"\x01" * 20, b"\x02" * 20, blocks, origin_bits, counts, txs,
                       batch_type, same_ts if batch_type == 2 else 0)
    # the definition, one bit at a time (delta/span-batches.md)
    origins = [0] * blocks
    current = 77
    for index in range(blocks - 1, -1, -1):
        origins[index] = current
        if bit(origin_bits, index) and index > 0:
            current = (current - 1) & U64
    times = [1005]
    for index in range(1, blocks):
        same = batch_type == 2 and bit(same_ts, index)
        times.append(times[-1] if same else times[-1] + 2)
    assert raw.origin_numbers() == origins
    assert raw.timestamps(2, 1000) == times
    fake_txs = [bytes([i % 256]) for i in range(sum(counts))]
    elements = SpanElements(raw, 2, 1000, fake_txs)
    starts = [sum(counts[:i]) for i in range(blocks)]
    expected = [(origins[i], times[i], tuple(fake_txs[starts[i]:starts[i] + counts[i]]))
                for i in range(blocks)]
    assert [(e.epoch_num, e.timestamp, e.transactions) for e in elements] == expected
    for index in {0, blocks - 1, blocks // 2, -1}:
        e = elements[index]
        assert (e.epoch_num, e.timestamp, e.transactions) == expected[index]


@FUZZ
@given(st.lists(st.tuples(st.booleans(), st.booleans(), st.booleans()), min_size=1,
                max_size=40))
def test_span_signatures_match_the_per_bit_definition(
    flags: list[tuple[bool, bool, bool]],
) -> None:
    total = len(flags)
    creation = sum(1 << i for i, (c, _, _) in enumerate(flags) if c)
    parity = sum(1 << i for i, (_, p, _) in enumerate(flags) if p)
    protected = sum(1 << i for i, (_, _, q) in enumerate(flags) if q)
    txs = SpanBatchTxs(
        creation, parity, tuple((i + 1, i + 2) for i in range(total)),
        tuple(bytes([i]) * 20 for i in range(total - bin(creation).count("1"))),
        tuple(rlp_encode([1, 1, b""]) for _ in range(total)), tuple(range(total)),
        tuple(range(100, 100 + total)), protected, (0,) * total,
    )
    sigs = txs.signatures()
    to_index = 0
    for index, sig in enumerate(sigs):
        assert sig.y_parity == bit(parity, index)
        assert sig.protected == bool(bit(protected, index))
        if bit(creation, index):
            assert sig.to is None
        else:
            assert sig.to == txs.tx_tos[to_index]
            to_index += 1


@FUZZ
@given(st.binary(min_size=1, max_size=200), st.integers(1, 64), st.sampled_from([1, 2]))
def test_span_batches_with_hostile_bits_only_typed_errors(
    tail: bytes, blocks: int, batch_type: int,
) -> None:
    head = encode_uvarint(3) + encode_uvarint(9) + bytes(40) + encode_uvarint(blocks)
    try:
        raw = decode_batch(bytes([batch_type]) + head + tail, allow_v2=True)
    except DecodeError:
        return
    assert isinstance(raw, RawSpanBatch)
    try:
        span = raw.derive(2, 0, 10)
    except DecodeError:
        return
    assert len(list(span.elements)) == blocks


# --- finding 3: JSON from nodes ------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=5)
    | st.dictionaries(st.text(max_size=8), children, max_size=5),
    max_leaves=40,
)


@FUZZ
@given(JSON_VALUES)
def test_bounded_json_parses_like_json(value: Any) -> None:
    text = json.dumps(value).encode()
    assert loads_bounded(text) == json.loads(text)


@FUZZ
@given(st.one_of(
    st.binary(max_size=200),
    st.lists(st.sampled_from([b"[", b"]", b"{", b"}", b'"', b"\\", b",", b":", b"1", b'"a"']),
             max_size=400).map(b"".join),
))
def test_bounded_json_only_typed_errors(data: bytes) -> None:
    try:
        loads_bounded(data, max_depth=16)
    except JSONTextError:
        pass


def test_deep_json_is_refused_before_parsing() -> None:
    for depth in (513, 200_000):
        with pytest.raises(JSONTextError):
            loads_bounded(b"[" * depth + b"]" * depth)
    assert loads_bounded(b"[" * 512 + b"]" * 512) is not None
