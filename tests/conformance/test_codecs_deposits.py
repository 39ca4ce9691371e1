"""Conformance: user deposits from TransactionDeposited logs (kona vectors, op-node rules)."""

import json
from typing import Any

import pytest

from op_program.protocol.deposits import (
    DEPOSIT_EVENT_TOPIC,
    DepositLogError,
    decode_deposit_log,
    encode_deposit_log_data,
    user_deposit_source_hash,
)
from op_program.protocol.receipts import Log
from tests.fixture_paths import fixtures_path

ZERO32 = bytes(32)


def _doc() -> Any:
    path = fixtures_path("vectors", "deposit-logs", "kona_deposit_log_vectors.json")
    return json.loads(path.read_text())


def _word(value: int) -> bytes:
    return value.to_bytes(32, "big")


def _full_data(length: int = 128) -> bytearray:
    data = bytearray(192)
    data[24:32] = (32).to_bytes(8, "big")
    data[56:64] = length.to_bytes(8, "big")
    data[80:96] = (10).to_bytes(16, "big")
    data[96:128] = (100).to_bytes(32, "big")
    data[128:136] = (1000).to_bytes(8, "big")
    data[136] = 1
    return data


TOPICS = (DEPOSIT_EVENT_TOPIC, bytes(12) + b"\x11" * 20, bytes(12) + b"\x22" * 20, ZERO32)


def test_event_topic_and_user_source_hash() -> None:
    doc = _doc()
    assert "0x" + DEPOSIT_EVENT_TOPIC.hex() == doc["event_topic0"]
    assert user_deposit_source_hash(ZERO32, 0).hex() == (
        "ed428e1c45e1d9561b62834e1a2d3015a0caae3bfdc16b4da059ac885b01a145"
    )


def test_kona_success_vectors_byte_exact() -> None:
    vectors = _doc()["vectors"]
    assert len(vectors) == 2
    for vector in vectors:
        topics = tuple(bytes.fromhex(t[2:]) for t in vector["topics"])
        log = Log(bytes(20), topics, bytes.fromhex(vector["data_hex"]))
        tx = decode_deposit_log(log, ZERO32, 0)
        assert tx.encode().hex() == vector["expected_deposit_tx_hex"]
        # and the log we would emit for it decodes to the same deposit
        out_topics, out_data = encode_deposit_log_data(tx)
        assert decode_deposit_log(Log(bytes(20), out_topics, out_data), ZERO32, 0) == tx


def _error_cases() -> list[tuple[str, tuple[bytes, ...], bytes]]:
    full = bytes(_full_data())
    cases = [
        ("invalid_first_topic", (ZERO32,) * 4, b""),
        ("three_topics", TOPICS[:3], full),
        ("incomplete_data", TOPICS, bytes(63)),
        ("unaligned_data", TOPICS, bytes(65)),
        ("invalid_opaque_data_offset", TOPICS, bytes(64)),
        ("opaque_data_overflow", TOPICS, _word(32) + _word(128) + bytes(64)),
        ("padded_overflow", TOPICS, _word(32) + _word(64) + bytes(192)),
        ("invalid_version", (*TOPICS[:3], _word(1)), _word(32) + _word(64) + bytes(64)),
        ("invalid_offset", TOPICS, b"\x00" * 16 + b"\xff" * 16 + _word(128) + bytes(64)),
        ("invalid_length", TOPICS, _word(32) + b"\x00" * 16 + b"\xff" * 16 + bytes(64)),
        ("invalid_opaque_data_length", TOPICS, bytes(_full_data(129))),
        ("opaque_data_padding_overflow", TOPICS, bytes(_full_data((1 << 64) - 1))),
        ("version0_too_short", TOPICS, _word(32) + _word(72) + bytes(96)),
    ]
    return cases


@pytest.mark.parametrize("name,topics,data", _error_cases(), ids=lambda v: str(v)[:30])
def test_error_vectors_raise_typed_errors(
    name: str, topics: tuple[bytes, ...], data: bytes
) -> None:
    assert name
    with pytest.raises(DepositLogError):
        decode_deposit_log(Log(bytes(20), topics, data), ZERO32, 0)


def test_minimum_opaque_length_73_succeeds() -> None:
    tx = decode_deposit_log(Log(bytes(20), TOPICS, _word(32) + _word(73) + bytes(96)), ZERO32, 0)
    assert (tx.mint, tx.value, tx.gas, tx.to, tx.data) == (0, 0, 0, b"\x22" * 20, b"")


def test_op_node_accepts_what_kona_rejects_padding_and_dirty_topics() -> None:
    # kona rejects a non-zero last padding byte and dirty address topics; op-node (the reference
    # for the fault proof) does not check them, and the portal never emits them.
    data = _full_data()
    data[191] = 1
    tx = decode_deposit_log(Log(bytes(20), TOPICS, bytes(data)), ZERO32, 0)
    assert tx.to is None and tx.mint == 10
    dirty = (DEPOSIT_EVENT_TOPIC, b"\xff" * 32, b"\xff" * 32, ZERO32)
    tx = decode_deposit_log(Log(bytes(20), dirty, bytes(_full_data())), ZERO32, 0)
    assert tx.from_address == b"\xff" * 20
