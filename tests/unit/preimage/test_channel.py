import os
import threading
from collections.abc import Callable, Iterator

import pytest

from op_program.preimage.channel import Channel, FdChannel, pipe_channel_pair
from op_program.preimage.errors import ChannelClosedError
from op_program.preimage.memory_channel import memory_channel_from_bytes, memory_channel_pair

PairFactory = Callable[[], tuple[Channel, Channel]]


@pytest.fixture(params=["pipe", "memory"])
def make_pair(request: pytest.FixtureRequest) -> Iterator[PairFactory]:
    made: list[Channel] = []

    def factory() -> tuple[Channel, Channel]:
        a, b = pipe_channel_pair() if request.param == "pipe" else memory_channel_pair()
        made.extend((a, b))
        return a, b

    yield factory
    for channel in made:
        channel.close()


def test_round_trip_small(make_pair: PairFactory) -> None:
    a, b = make_pair()
    a.write_all(b"abc", b"", b"def")
    assert b.read_exact(2) == b"ab"
    assert b.read_exact(0) == b""
    assert b.read_exact(4) == b"cdef"
    b.write_all(b"x")
    assert a.read_exact(1) == b"x"


def test_large_message_with_concurrent_reader(make_pair: PairFactory) -> None:
    a, b = make_pair()
    payload = os.urandom(3 * 1024 * 1024 + 7)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(b.read_exact(len(payload) + 8)))
    reader.start()
    a.write_all(b"\x01" * 8, payload)
    reader.join()
    assert received == [b"\x01" * 8 + payload]


@pytest.mark.parametrize(
    ("written", "wanted"),
    [(b"", 4), (b"abc", 10), (b"z" * 1000, 200_000)],
    ids=["at-boundary", "mid-message", "mid-large-message"],
)
def test_eof_reports_the_bytes_read(make_pair: PairFactory, written: bytes, wanted: int) -> None:
    a, b = make_pair()
    if written:
        a.write_all(written)
    a.close()
    with pytest.raises(ChannelClosedError) as info:
        b.read_exact(wanted)
    assert info.value.bytes_read == len(written)


def test_write_to_closed_peer_is_typed(make_pair: PairFactory) -> None:
    a, b = make_pair()
    b.close()
    with pytest.raises(ChannelClosedError):
        a.write_all(b"k" * 32)


def test_use_after_close_is_typed() -> None:
    a, b = pipe_channel_pair()
    a.close()
    a.close()  # idempotent
    with pytest.raises(ChannelClosedError):
        a.write_all(b"x")
    with pytest.raises(ChannelClosedError):
        a.read_exact(1)
    b.close()


def test_fd_channel_handles_short_reads() -> None:
    read_fd, write_fd = os.pipe()
    channel = FdChannel(read_fd, write_fd)
    # bytes dribble in one at a time from another thread
    data = bytes(range(200))

    def dribble() -> None:
        for i in range(len(data)):
            os.write(write_fd, data[i : i + 1])

    writer = threading.Thread(target=dribble)
    writer.start()
    assert channel.read_exact(100) == data[:100]
    assert channel.read_exact(100) == data[100:]
    writer.join()
    channel.close()


def test_memory_channel_from_bytes() -> None:
    channel = memory_channel_from_bytes(b"12345")
    channel.write_all(b"ignored")
    assert channel.read_exact(2) == b"12"
    with pytest.raises(ChannelClosedError) as info:
        channel.read_exact(4)
    assert info.value.bytes_read == 3
