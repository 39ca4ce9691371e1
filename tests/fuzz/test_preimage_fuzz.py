"""Property tests: key parsing and frame reading of arbitrary bytes give typed errors only."""

import os
import threading

from hypothesis import given, settings
from hypothesis import strategies as st

from op_program.preimage.channel import FdChannel
from op_program.preimage.errors import (
    ChannelClosedError,
    InvalidKeyError,
    OracleChannelClosedError,
    PreimageMismatchError,
    PreimageTooLargeError,
)
from op_program.preimage.keys import KeyType, local_index, parse_key
from op_program.preimage.memory_channel import memory_channel_from_bytes, memory_channel_pair
from op_program.preimage.oracle import OracleClient
from op_program.preimage.server import HintServer, OracleServer
from op_program.preimage.verify import verify_preimage

KEY = b"\x02" + bytes(31)
MAX_SIZE = 1 << 16


@given(st.binary(max_size=40))
def test_parse_key_arbitrary_bytes(raw: bytes) -> None:
    try:
        parsed = parse_key(raw)
    except InvalidKeyError:
        assert len(raw) != 32 or raw[0] not in {int(t) for t in KeyType}
        return
    assert parsed.raw == raw and parsed.key_type == raw[0]


@given(st.binary(min_size=32, max_size=32) | st.binary(max_size=40))
def test_local_index_arbitrary_bytes(raw: bytes) -> None:
    try:
        index = local_index(raw)
    except InvalidKeyError:
        return
    assert 0 <= index < 2**64 and raw[:24] == b"\x01" + bytes(23)


@given(st.binary(min_size=32, max_size=32), st.binary(max_size=64))
def test_verify_arbitrary(key: bytes, value: bytes) -> None:
    try:
        verify_preimage(key, value)
    except (InvalidKeyError, PreimageMismatchError):
        pass


def _expected_response(data: bytes) -> bytes | None:
    if len(data) < 8:
        return None
    length = int.from_bytes(data[:8], "big")
    body = data[8 : 8 + length]
    return body if len(body) == length else None


@given(
    st.binary(max_size=300)
    | st.builds(lambda n, b: n.to_bytes(8, "big") + b, st.integers(0, 400), st.binary(max_size=300))
)
def test_oracle_client_reads_arbitrary_response(data: bytes) -> None:
    expected = _expected_response(data)
    try:
        value = OracleClient(memory_channel_from_bytes(data), max_size=MAX_SIZE).get(KEY)
    except OracleChannelClosedError:
        assert expected is None
        return
    except PreimageTooLargeError:
        assert int.from_bytes(data[:8], "big") > MAX_SIZE
        return
    assert value == expected


@settings(max_examples=50)
@given(
    st.binary(max_size=2000)
    | st.builds(
        lambda n, b: n.to_bytes(8, "big") + b, st.integers(0, 3000), st.binary(max_size=2000)
    )
)
def test_oracle_client_over_a_real_pipe(data: bytes) -> None:
    read_fd, write_fd = os.pipe()
    os.write(write_fd, data)  # fits the pipe buffer
    os.close(write_fd)
    sink_read, sink_write = os.pipe()
    channel = FdChannel(read_fd, sink_write)
    try:
        value = OracleClient(channel, max_size=MAX_SIZE).get(KEY)
        assert value == _expected_response(data)
    except OracleChannelClosedError:
        assert _expected_response(data) is None
    except PreimageTooLargeError:
        assert int.from_bytes(data[:8], "big") > MAX_SIZE
    finally:
        channel.close()
        os.close(sink_read)


def _expected_hints(data: bytes) -> tuple[list[bytes], bool]:
    """Parse hint frames; return the whole hints and whether the stream ended cleanly."""
    hints: list[bytes] = []
    pos = 0
    while pos < len(data):
        if pos + 4 > len(data):
            return hints, False
        length = int.from_bytes(data[pos : pos + 4], "big")
        if pos + 4 + length > len(data):
            return hints, False
        hints.append(data[pos + 4 : pos + 4 + length])
        pos += 4 + length
    return hints, True


@given(
    st.binary(max_size=200)
    | st.lists(st.binary(max_size=50), max_size=5).map(
        lambda hs: b"".join(len(h).to_bytes(4, "big") + h for h in hs)
    )
)
def test_hint_server_reads_arbitrary_bytes(data: bytes) -> None:
    seen: list[str] = []
    expected, clean = _expected_hints(data)
    try:
        HintServer(memory_channel_from_bytes(data)).serve(seen.append)
    except ChannelClosedError:
        assert not clean
    else:
        assert clean
    assert [h.encode("utf-8", errors="surrogateescape") for h in seen] == expected


@given(st.binary(max_size=200))
def test_oracle_server_reads_arbitrary_bytes(data: bytes) -> None:
    keys: list[bytes] = []

    def getter(key: bytes) -> bytes:
        keys.append(key)
        return key[:3]

    try:
        OracleServer(memory_channel_from_bytes(data)).serve(getter)
    except ChannelClosedError:
        assert len(data) % 32 != 0
    else:
        assert len(data) % 32 == 0
    assert keys == [data[i : i + 32] for i in range(0, len(data) - len(data) % 32, 32)]


@given(st.lists(st.binary(max_size=3000), max_size=8))
def test_served_values_round_trip(values: list[bytes]) -> None:
    client_end, server_end = memory_channel_pair()
    server = threading.Thread(
        target=OracleServer(server_end).serve, args=(lambda key: values[key[-1]],)
    )
    server.start()
    client = OracleClient(client_end)
    assert [client.get(i.to_bytes(32, "big")) for i in range(len(values))] == values
    client_end.close()
    server.join()
