import pytest

from op_program.encoding.rlp import RLPEncodable, rlp_encode
from op_program.protocol.batches import (
    BatchDecodeError,
    EmptySpanBatchError,
    RawSpanBatch,
    SingularBatch,
    SpanBatchDeriveError,
    SpanBatchTooBigError,
    decode_batch,
    span_batch_from_singulars,
)
from op_program.protocol.batches.bits import ByteCursor, encode_bits, encode_uvarint
from op_program.protocol.batches.span_tx import full_transaction, split_transaction

CHAIN_ID = 10
R, S = 0x1234, 0x5678
TO = b"\x11" * 20
ACCESS: RLPEncodable = [[b"\x22" * 20, [b"\x33" * 32]]]
AUTH: RLPEncodable = [[1, b"\x44" * 20, 7, 1, 9, 10]]


def _legacy(v: int, to: bytes = TO) -> bytes:
    return rlp_encode([5, 1000, 21000, to, 1, b"hi", v, R, S])


TXS = {
    "legacy-protected": _legacy(CHAIN_ID * 2 + 36),
    "legacy-unprotected": _legacy(27),
    "legacy-create": _legacy(28, b""),
    "eip2930": b"\x01" + rlp_encode([CHAIN_ID, 1, 7, 50000, TO, 0, b"", ACCESS, 1, R, S]),
    "eip1559": b"\x02" + rlp_encode([CHAIN_ID, 2, 1, 9, 60000, b"", 3, b"\x60", ACCESS, 0, R, S]),
    "eip7702": b"\x04"
    + rlp_encode([CHAIN_ID, 3, 1, 9, 70000, TO, 0, b"", [], AUTH, 1, R, S]),
}


def test_uvarint_go_rules() -> None:
    assert encode_uvarint(300) == b"\xac\x02"
    assert ByteCursor(b"\xac\x02").read_uvarint("x") == 300
    assert ByteCursor(b"\x80\x00").read_uvarint("x") == 0  # non-minimal accepted like Go
    max_u64 = b"\xff" * 9 + b"\x01"
    assert ByteCursor(max_u64).read_uvarint("x") == (1 << 64) - 1
    for bad in (b"\xff" * 9 + b"\x02", b"\xff" * 10 + b"\x01", b"\x80"):
        with pytest.raises(BatchDecodeError):
            ByteCursor(bad).read_uvarint("x")


def test_bitlist_is_big_endian_and_rejects_extra_bits() -> None:
    assert encode_bits(0b1_0000_0001, 9) == b"\x01\x01"
    assert ByteCursor(b"\x01\x01").read_bits(9, "b") == 0b1_0000_0001
    with pytest.raises(BatchDecodeError):
        ByteCursor(b"\x02\x00").read_bits(9, "b")


@pytest.mark.parametrize("name", sorted(TXS))
def test_span_tx_split_and_rebuild_is_exact(name: str) -> None:
    tx_data, sig = split_transaction(TXS[name], CHAIN_ID)
    assert full_transaction(tx_data, sig, CHAIN_ID) == TXS[name]


def test_protected_legacy_tx_with_another_chain_id_is_rejected() -> None:
    with pytest.raises(SpanBatchDeriveError):
        split_transaction(_legacy(5 * 2 + 35), CHAIN_ID)


def _batches() -> list[SingularBatch]:
    txs = [TXS[name] for name in sorted(TXS)]
    return [
        SingularBatch(b"\xaa" * 32, 100, b"\xbb" * 32, 1000, tuple(txs[:2])),
        SingularBatch(bytes(32), 100, b"\xbb" * 32, 1002, ()),
        SingularBatch(bytes(32), 101, b"\xcc" * 32, 1004, tuple(txs[2:])),
    ]


def test_span_batch_encode_decode_derive_round_trip() -> None:
    raw = span_batch_from_singulars(_batches(), 3, 900, CHAIN_ID)
    assert raw.origin_bits == 0b100  # origin changes only at block 2; seq 3 => bit 0 clear
    encoded = raw.encode()
    decoded = decode_batch(encoded)
    assert decoded == raw
    span = decoded.derive(2, 900, CHAIN_ID) if isinstance(decoded, RawSpanBatch) else None
    assert span is not None
    assert [(e.epoch_num, e.timestamp, e.transactions) for e in span.elements] == [
        (b.epoch_num, b.timestamp, b.transactions) for b in _batches()
    ]
    assert span.parent_check == b"\xaa" * 20 and span.l1_origin_check == b"\xcc" * 20


def test_span_batch_to_singular_batches_skips_safe_blocks_and_needs_origins() -> None:
    class Ref:
        def __init__(self, number: int, hash_: bytes) -> None:
            self.number, self.hash = number, hash_

    raw = span_batch_from_singulars(_batches(), 0, 900, CHAIN_ID)
    span = raw.derive(2, 900, CHAIN_ID)
    out = span.singular_batches([Ref(100, b"\xbb" * 32), Ref(101, b"\xcc" * 32)], 1000)
    assert [(b.timestamp, b.epoch_hash) for b in out] == [
        (1002, b"\xbb" * 32),
        (1004, b"\xcc" * 32),
    ]
    with pytest.raises(SpanBatchDeriveError):
        span.singular_batches([Ref(100, b"\xbb" * 32)], 0)


def test_span_batch_element_count_rules() -> None:
    prefix = encode_uvarint(1) + encode_uvarint(2) + bytes(40)
    with pytest.raises(EmptySpanBatchError):
        decode_batch(b"\x01" + prefix + encode_uvarint(0))
    with pytest.raises(SpanBatchTooBigError):
        decode_batch(b"\x01" + prefix + encode_uvarint(10_000_001))
    with pytest.raises(SpanBatchTooBigError):
        decode_batch(b"\x01" + prefix + encode_uvarint(1) + b"\x00" + encode_uvarint(10_000_001))


def test_span_tx_with_unknown_type_decodes_but_fails_to_derive() -> None:
    raw = span_batch_from_singulars(_batches()[:1], 0, 900, CHAIN_ID)
    data = bytearray(raw.encode())
    index = data.index(raw.txs.tx_datas[1])  # the eip1559 entry
    data[index] = 0x03
    decoded = decode_batch(bytes(data))
    assert isinstance(decoded, RawSpanBatch)
    with pytest.raises(SpanBatchDeriveError):
        decoded.derive(2, 900, CHAIN_ID)


def test_singular_batch_round_trip_and_trailing_bytes_ignored() -> None:
    batch = _batches()[0]
    assert decode_batch(batch.encode()) == batch
    assert decode_batch(batch.encode() + b"\x00\x01") == batch


@pytest.mark.parametrize(
    "content",
    [
        rlp_encode([b"\x00" * 31, 1, b"\x00" * 32, 1, []]),  # short hash
        rlp_encode([b"\x00" * 32, 1, b"\x00" * 32, 1]),  # four fields
        rlp_encode([b"\x00" * 32, b"\x00\x01", b"\x00" * 32, 1, []]),  # leading zero int
        rlp_encode([b"\x00" * 32, 1, b"\x00" * 32, 1, [[b"x"]]]),  # tx is a list
        rlp_encode([b"\x00" * 32, b"\x01" * 9, b"\x00" * 32, 1, []]),  # epoch > u64
        b"\x81\x05",  # non-canonical
        b"",
    ],
)
def test_singular_batch_rejects_malformed_content(content: bytes) -> None:
    with pytest.raises(BatchDecodeError):
        decode_batch(b"\x00" + content)


def test_unknown_and_v2_batch_types_rejected_by_default() -> None:
    for data in (b"", b"\x03abc", b"\x02abc"):
        with pytest.raises(BatchDecodeError):
            decode_batch(data)
