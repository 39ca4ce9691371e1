"""Primitives against the real OP Sepolia 16491249 fault-proof witness (L1 and L2 blocks)."""

import gzip
import json
from functools import cache
from typing import Any

import pytest

from op_program.encoding.hashing import keccak256
from op_program.encoding.hex import hex_to_bytes
from op_program.errors import DecodeError
from op_program.mpt.ordered import ordered_trie_root, ordered_trie_values
from op_program.protocol.header import Header
from op_program.protocol.output_root import OutputV0
from op_program.protocol.receipts import Receipt, logs_bloom
from op_program.protocol.transactions import DepositTransaction, decode_transaction
from tests.fixture_paths import fixtures_path

pytestmark = pytest.mark.conformance

WITNESS = ("fpp", "op-sepolia-16491249")


@cache
def _preimages() -> dict[bytes, bytes]:
    with gzip.open(fixtures_path(*WITNESS, "preimages.json.gz"), "rt") as f:
        raw: dict[str, str] = json.load(f)
    return {hex_to_bytes(k): hex_to_bytes(v) for k, v in raw.items()}


@cache
def _boot() -> dict[str, Any]:
    result: dict[str, Any] = json.loads(fixtures_path(*WITNESS, "boot.json").read_text())
    return result


def _by_hash(node_hash: bytes) -> bytes:
    return _preimages()[b"\x02" + node_hash[1:]]


@cache
def _headers() -> list[Header]:
    headers = []
    for key, value in _preimages().items():
        if key[0] != 2:
            continue
        try:
            headers.append(Header.decode(value))
        except DecodeError:
            continue
    return sorted(headers, key=lambda h: h.number)


def _with_trie(root_of: str) -> list[Header]:
    out = []
    for header in _headers():
        try:
            _by_hash(getattr(header, root_of))
        except KeyError:
            continue
        out.append(header)
    return out


def test_l1_head_decodes_and_rehashes() -> None:
    l1_head = hex_to_bytes(_boot()["l1_head"], 32)
    raw = _by_hash(l1_head)
    header = Header.decode(raw)
    assert header.hash == l1_head
    assert header.encode() == raw
    assert header.parent_beacon_block_root is not None  # a Cancun L1 header
    assert header.requests_hash is None


def test_agreed_l2_head_decodes_and_rehashes() -> None:
    head = hex_to_bytes(_boot()["agreed_l2_head_hash"], 32)
    header = Header.decode(_by_hash(head))
    assert header.hash == head
    assert header.number == _boot()["claimed_l2_block_number"] - 1


def test_witness_headers_chain_by_parent_hash() -> None:
    headers = _headers()
    assert len(headers) > 50
    by_hash = {h.hash: h for h in headers}
    linked = sum(1 for h in headers if h.parent_hash in by_hash)
    assert linked >= len(headers) - 5
    for header in headers:
        parent = by_hash.get(header.parent_hash)
        if parent is not None:
            assert parent.number == header.number - 1


def test_transaction_tries_read_back_decode_and_rebuild() -> None:
    headers = _with_trie("transactions_root")
    assert len(headers) > 40
    seen_types: set[int] = set()
    for header in headers:
        values = ordered_trie_values(header.transactions_root, _by_hash)
        assert ordered_trie_root(values) == header.transactions_root
        for raw in values:
            tx = decode_transaction(raw)
            assert tx.encode() == raw
            seen_types.add(tx.tx_type)
            if not isinstance(tx, DepositTransaction):
                assert len(tx.recover_sender()) == 20
    assert {0x02, 0x03, 0x7E} <= seen_types  # L1 blob batches and L2 deposits are present


def test_receipt_tries_read_back_decode_and_match_blooms() -> None:
    headers = _with_trie("receipts_root")
    assert len(headers) > 40
    logs = 0
    for header in headers:
        values = ordered_trie_values(header.receipts_root, _by_hash)
        receipts = [Receipt.decode(raw) for raw in values]
        block_bloom = 0
        for raw, receipt in zip(values, receipts, strict=True):
            assert receipt.encode() == raw
            assert logs_bloom(receipt.logs) == receipt.logs_bloom
            block_bloom |= int.from_bytes(receipt.logs_bloom, "big")
            logs += len(receipt.logs)
        assert block_bloom.to_bytes(256, "big") == header.logs_bloom
        rebuilt = ordered_trie_root([r.encode_for_trie() for r in receipts])
        assert rebuilt == header.receipts_root
    assert logs > 0  # (the witness holds L1 receipts only: the L1 deposit/config logs)


def test_output_root_preimage_of_the_agreed_output() -> None:
    agreed = hex_to_bytes(_boot()["agreed_l2_output_root"], 32)
    output = OutputV0.decode(_by_hash(agreed))
    assert output.root == agreed
    assert output.block_hash == hex_to_bytes(_boot()["agreed_l2_head_hash"], 32)
    assert keccak256(output.encode()) == agreed
