import logging
import threading
from collections.abc import Iterator

import pytest

from op_program.preimage.channel import Channel, pipe_channel_pair
from op_program.preimage.errors import (
    ChannelClosedError,
    HintChannelClosedError,
    InvalidKeyError,
    OracleChannelClosedError,
    PreimageTooLargeError,
)
from op_program.preimage.hints import HintClient, NoopHintWriter
from op_program.preimage.keys import local_key
from op_program.preimage.memory_channel import memory_channel_from_bytes, memory_channel_pair
from op_program.preimage.oracle import HintWriter, OracleClient, PreimageOracle
from op_program.preimage.server import HintServer, OracleServer


@pytest.fixture(params=["pipe", "memory"])
def pair(request: pytest.FixtureRequest) -> Iterator[tuple[Channel, Channel]]:
    a, b = pipe_channel_pair() if request.param == "pipe" else memory_channel_pair()
    yield a, b
    a.close()
    b.close()


def _start(target: object, *args: object) -> threading.Thread:
    thread = threading.Thread(target=target, args=args, daemon=True)  # type: ignore[arg-type]
    thread.start()
    return thread


def test_protocols_are_structural() -> None:
    a, _ = memory_channel_pair()
    oracle: PreimageOracle = OracleClient(a)
    hinter: HintWriter = HintClient(a)
    noop: HintWriter = NoopHintWriter()
    noop.hint("anything")
    assert oracle and hinter


@pytest.mark.parametrize("size", [0, 1, 32, 70_000, 2_000_000])
def test_oracle_round_trip(pair: tuple[Channel, Channel], size: int) -> None:
    client_end, server_end = pair
    store = {local_key(1): bytes(i % 251 for i in range(size))}
    server = _start(OracleServer(server_end).serve, store.__getitem__)
    assert OracleClient(client_end).get(local_key(1)) == store[local_key(1)]
    client_end.close()
    server.join(timeout=10)
    assert not server.is_alive()


def test_wire_bytes_of_a_request(pair: tuple[Channel, Channel]) -> None:
    client_end, server_end = pair
    result: list[bytes] = []
    thread = _start(lambda: result.append(OracleClient(client_end).get(local_key(3))))
    assert server_end.read_exact(32) == local_key(3)
    server_end.write_all(b"\x00" * 7 + b"\x02" + b"hi")
    thread.join(timeout=10)
    assert result == [b"hi"]


def test_client_rejects_bad_key_length() -> None:
    a, _ = memory_channel_pair()
    with pytest.raises(InvalidKeyError):
        OracleClient(a).get(b"\x02" * 31)


def test_client_typed_error_on_truncated_response() -> None:
    channel = memory_channel_from_bytes((100).to_bytes(8, "big") + b"partial")
    with pytest.raises(OracleChannelClosedError) as info:
        OracleClient(channel).get(local_key(1))
    assert info.value.bytes_read == 7


def test_client_typed_error_on_truncated_header() -> None:
    with pytest.raises(OracleChannelClosedError):
        OracleClient(memory_channel_from_bytes(b"\x00\x00")).get(local_key(1))


def test_client_rejects_huge_length_prefix() -> None:
    channel = memory_channel_from_bytes(b"\xff" * 8)
    with pytest.raises(PreimageTooLargeError):
        OracleClient(channel, max_size=1 << 20).get(local_key(1))


def test_client_typed_error_when_server_closed(pair: tuple[Channel, Channel]) -> None:
    client_end, server_end = pair
    server_end.close()
    with pytest.raises(OracleChannelClosedError):
        OracleClient(client_end).get(local_key(1))


def test_server_stops_cleanly_at_eof(pair: tuple[Channel, Channel]) -> None:
    client_end, server_end = pair
    client_end.close()
    assert OracleServer(server_end).next_request(lambda key: b"") is False
    assert HintServer(server_end).next_hint(lambda hint: None) is False


def test_server_raises_typed_on_partial_key() -> None:
    with pytest.raises(ChannelClosedError):
        OracleServer(memory_channel_from_bytes(b"\x02" * 5)).next_request(lambda key: b"")


def test_getter_failure_propagates(pair: tuple[Channel, Channel]) -> None:
    client_end, server_end = pair
    client_end.write_all(local_key(1))

    def missing(key: bytes) -> bytes:
        raise KeyError(key)

    with pytest.raises(KeyError):
        OracleServer(server_end).next_request(missing)


def test_hints_round_trip_and_order(pair: tuple[Channel, Channel]) -> None:
    client_end, server_end = pair
    seen: list[str] = []
    server = _start(HintServer(server_end).serve, seen.append)
    writer = HintClient(client_end)
    hints = ["l1-block-header 0x" + "ab" * 32, "", "x" * 1_000_000, "ünïcode"]
    for hint in hints:
        writer.hint(hint)
    client_end.close()
    server.join(timeout=10)
    assert seen == hints


def test_hint_wire_format(pair: tuple[Channel, Channel]) -> None:
    client_end, server_end = pair
    thread = _start(HintClient(client_end).hint, "l2-code 0x01")
    assert server_end.read_exact(4) == (12).to_bytes(4, "big")
    assert server_end.read_exact(12) == b"l2-code 0x01"
    server_end.write_all(b"\x00")
    thread.join(timeout=10)
    assert not thread.is_alive()


def test_hint_acked_even_when_handler_fails(
    pair: tuple[Channel, Channel], caplog: pytest.LogCaptureFixture
) -> None:
    client_end, server_end = pair

    def failing(hint: str) -> None:
        raise RuntimeError("fetch failed")

    server = _start(HintServer(server_end).serve, failing)
    with caplog.at_level(logging.WARNING):
        HintClient(client_end).hint("l1-receipts 0x00")  # returns only after the ack
        HintClient(client_end).hint("l1-receipts 0x01")
    client_end.close()
    server.join(timeout=10)
    assert not server.is_alive()
    assert sum("hint handling failed" in r.getMessage() for r in caplog.records) == 2


def test_hint_client_typed_error_without_ack() -> None:
    with pytest.raises(HintChannelClosedError):
        HintClient(memory_channel_from_bytes(b"")).hint("l2-code 0x00")


def test_hint_server_reads_non_utf8() -> None:
    seen: list[str] = []
    channel = memory_channel_from_bytes(b"\x00\x00\x00\x02\xff\xfe")
    assert HintServer(channel).next_hint(seen.append) is True
    assert seen[0].encode("utf-8", errors="surrogateescape") == b"\xff\xfe"


def test_client_reads_a_response_served_32_bytes_per_write() -> None:
    """The spec lets a server limit each read/write to a few bytes (VM memory alignment)."""
    client_end, server_end = pipe_channel_pair()
    value = bytes(i % 253 for i in range(100_000))
    frame = len(value).to_bytes(8, "big") + value

    def dribble() -> None:
        server_end.read_exact(32)
        for offset in range(0, len(frame), 32):
            server_end.write_all(frame[offset : offset + 32])

    thread = _start(dribble)
    assert OracleClient(client_end).get(local_key(1)) == value
    thread.join(timeout=10)
    client_end.close()
    server_end.close()
