"""Property tests: hostile bytes into the primitive decoders give a typed DecodeError, nothing else.

When a decoder accepts its input, re-encoding a rebuilt value (no cached bytes) must reproduce the
input exactly: canonical decoding is what makes tx/receipt/header hashes trustworthy.
"""

import dataclasses
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from op_program.encoding.errors import HexDecodeError, RLPDecodeError
from op_program.encoding.hex import hex_to_bytes, hex_to_int
from op_program.encoding.rlp import rlp_decode, rlp_encode
from op_program.errors import DecodeError
from op_program.mpt.account import Account
from op_program.mpt.errors import TrieDecodeError
from op_program.mpt.lookup import trie_get, trie_items
from op_program.mpt.node import decode_node
from op_program.mpt.ordered import ordered_trie_values
from op_program.mpt.proof import verify_proof
from op_program.protocol.errors import (
    HeaderDecodeError,
    InvalidSignatureError,
    ReceiptDecodeError,
    TransactionDecodeError,
)
from op_program.protocol.header import Header
from op_program.protocol.output_root import OutputV0
from op_program.protocol.receipts import Receipt
from op_program.protocol.transactions import decode_transaction

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Byte strings biased toward the sizes protocol fields have (hash, address, bloom, small ints).
field_bytes = st.one_of(
    st.binary(max_size=3),
    st.binary(min_size=20, max_size=20),
    st.binary(min_size=32, max_size=32),
    st.binary(min_size=256, max_size=256),
    st.binary(max_size=70),
)
rlp_items: Any = st.recursive(field_bytes, lambda kids: st.lists(kids, max_size=22), max_leaves=60)
rlp_bytes = st.one_of(st.binary(max_size=300), rlp_items.map(rlp_encode))
type_byte = st.sampled_from([0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x7E, 0x7F, 0xC0])
typed_bytes = st.one_of(
    st.binary(max_size=300),
    st.tuples(type_byte, rlp_items).map(lambda t: bytes((t[0],)) + rlp_encode(t[1])),
    rlp_items.map(rlp_encode),
)


@FUZZ
@given(rlp_bytes)
def test_rlp_decode(raw: bytes) -> None:
    try:
        item = rlp_decode(raw)
    except RLPDecodeError:
        return
    assert rlp_encode(item) == raw


@FUZZ
@given(typed_bytes)
def test_decode_transaction(raw: bytes) -> None:
    try:
        tx = decode_transaction(raw)
    except TransactionDecodeError:
        return
    rebuilt = dataclasses.replace(tx)  # drops the cached encoding
    assert rebuilt.encode() == raw
    try:
        assert len(tx.recover_sender()) == 20
    except InvalidSignatureError:
        pass


@FUZZ
@given(typed_bytes)
def test_decode_receipt(raw: bytes) -> None:
    try:
        receipt = Receipt.decode(raw)
    except ReceiptDecodeError:
        return
    rebuilt = dataclasses.replace(receipt).encode()
    assert rebuilt == raw or rlp_encode(rebuilt) == raw


header_lists = st.lists(field_bytes, min_size=14, max_size=22).map(rlp_encode)


@FUZZ
@given(st.one_of(rlp_bytes, header_lists))
def test_decode_header(raw: bytes) -> None:
    try:
        header = Header.decode(raw)
    except HeaderDecodeError:
        return
    assert dataclasses.replace(header).encode() == raw


@FUZZ
@given(st.dictionaries(st.sampled_from(sorted(Header.RPC_NAMES.values())),
                       st.one_of(st.none(), st.text(max_size=12),
                                 st.binary(max_size=40).map(lambda b: "0x" + b.hex()))))
def test_header_from_rpc(block: dict[str, Any]) -> None:
    try:
        Header.from_rpc(block)
    except HeaderDecodeError:
        pass


@FUZZ
@given(st.one_of(rlp_bytes, st.lists(rlp_items, min_size=2, max_size=2).map(rlp_encode),
                 st.lists(rlp_items, min_size=17, max_size=17).map(rlp_encode)))
def test_decode_trie_node(raw: bytes) -> None:
    try:
        decode_node(raw)
    except TrieDecodeError:
        pass


@FUZZ
@given(st.lists(rlp_bytes, max_size=6), st.binary(min_size=32, max_size=32), st.binary(max_size=8))
def test_trie_reads_over_hostile_nodes(nodes: list[bytes], root: bytes, key: bytes) -> None:
    # Every hash resolves to some hostile node, so walks go as deep as the data allows.
    def node_by_hash(node_hash: bytes) -> bytes:
        return nodes[node_hash[0] % len(nodes)] if nodes else b""

    for read in (
        lambda: trie_get(root, key, node_by_hash),
        lambda: trie_items(root, node_by_hash),
        lambda: ordered_trie_values(root, node_by_hash),
        lambda: verify_proof(root, key, nodes),
    ):
        try:
            read()
        except DecodeError:
            pass


@FUZZ
@given(rlp_bytes)
def test_account_and_output_decoders(raw: bytes) -> None:
    for decode in (Account.decode, OutputV0.decode):
        try:
            decode(raw)
        except DecodeError:
            pass


@FUZZ
@given(st.text(max_size=20), st.one_of(st.none(), st.integers(0, 40)))
def test_hex_parsers(text: str, length: int | None) -> None:
    for parse in (lambda: hex_to_bytes(text, length), lambda: hex_to_int(text)):
        try:
            parse()
        except HexDecodeError:
            pass


# Valid encodings of every decoder's input, to mutate: random bytes rarely reach deep fields.
def _seeds() -> list[bytes]:
    from op_program.protocol.receipts import Log
    from op_program.protocol.transactions import (
        AccessListEntry,
        AccessListTransaction,
        Authorization,
        BlobTransaction,
        DepositTransaction,
        DynamicFeeTransaction,
        LegacyTransaction,
        SetCodeTransaction,
    )

    access = (AccessListEntry(b"\x11" * 20, (b"\x01" * 32,)),)
    txs = [
        LegacyTransaction(1, 2, 21000, b"\x22" * 20, 3, b"\x60", 37, 5, 6),
        AccessListTransaction(10, 1, 2, 30000, None, 5, b"d", access, 1, 7, 8),
        DynamicFeeTransaction(10, 2, 1, 2, 30000, b"\x33" * 20, 0, b"", access, 0, 9, 9),
        BlobTransaction(1, 3, 1, 2, 30000, b"\x44" * 20, 0, b"", (), 7, (b"\x01" * 32,), 0, 1, 1),
        SetCodeTransaction(10, 4, 1, 2, 9, b"\x55" * 20, 0, b"", access,
                           (Authorization(10, b"\x66" * 20, 9, 1, 2, 3),), 1, 2, 3),
        DepositTransaction(b"\x01" * 32, b"\x02" * 20, None, 1, 2, 3, True, b"\xde\xad"),
    ]
    log = Log(b"\x11" * 20, (b"\x01" * 32,), b"data")
    receipts = [
        Receipt(0, 1, 5, bytes(256), (log,)),
        Receipt(2, 0, 5, bytes(256), (log, log)),
        Receipt(0x7E, 1, 5, bytes(256), (), deposit_nonce=3, deposit_receipt_version=1),
    ]
    header = Header(b"\x01" * 32, b"\x02" * 32, b"\x03" * 20, b"\x04" * 32, b"\x05" * 32,
                    b"\x06" * 32, bytes(256), 0, 5, 30_000_000, 21000, 1700000000, b"x",
                    b"\x07" * 32, bytes(8), 7, b"\x08" * 32, 0, 0, b"\x09" * 32, b"\x0a" * 32)
    return [t.encode() for t in txs] + [r.encode() for r in receipts] + [header.encode()]


SEEDS = _seeds()


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 3))):
        pos = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["set", "insert", "delete", "truncate"]))
        if op == "set" and pos < len(data):
            data[pos] = draw(st.integers(0, 255))
        elif op == "insert":
            data.insert(pos, draw(st.integers(0, 255)))
        elif op == "delete" and pos < len(data):
            del data[pos]
        elif op == "truncate":
            del data[pos:]
    return bytes(data)


@FUZZ
@given(mutated())
def test_mutated_encodings(raw: bytes) -> None:
    for decode in (decode_transaction, Receipt.decode, Header.decode):
        try:
            value = decode(raw)
        except DecodeError:
            continue
        rebuilt = dataclasses.replace(value).encode()
        assert rebuilt == raw or rlp_encode(rebuilt) == raw
    try:
        tx = decode_transaction(raw)
        tx.recover_sender()
    except DecodeError:
        pass


def test_seeds_decode() -> None:
    """The mutation seeds are themselves valid, so mutations start from deep inside."""
    decoded = 0
    for raw in SEEDS:
        for decode in (decode_transaction, Receipt.decode, Header.decode):
            try:
                decode(raw)
                decoded += 1
            except DecodeError:
                pass
    assert decoded >= len(SEEDS)
