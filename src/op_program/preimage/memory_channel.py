"""An in-process :class:`~op_program.preimage.channel.Channel` pair for tests (no OS pipes).

Spec: fault-proof/index.md ("Pre-image Oracle": the client and host exchange bytes over a
bidirectional channel). Same semantics as a pipe pair: reads block until data or end of stream,
closing one end makes the peer's reads end after the buffered bytes and the peer's writes fail.
"""

import threading

from op_program.preimage.errors import ChannelClosedError


class _Stream:
    """One direction: a byte buffer with a condition variable."""

    __slots__ = ("buffer", "closed", "cond")

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.closed = False
        self.cond = threading.Condition()


class MemoryChannel:
    """One end of an in-memory bidirectional stream (see :func:`memory_channel_pair`)."""

    __slots__ = ("_incoming", "_outgoing")

    def __init__(self, incoming: _Stream, outgoing: _Stream) -> None:
        self._incoming = incoming
        self._outgoing = outgoing

    def read_exact(self, n: int) -> bytes:
        """Return exactly ``n`` bytes; raise :class:`ChannelClosedError` at end of stream."""
        stream = self._incoming
        with stream.cond:
            while len(stream.buffer) < n and not stream.closed:
                stream.cond.wait()
            if len(stream.buffer) < n:
                got = len(stream.buffer)
                stream.buffer.clear()
                raise ChannelClosedError(f"end of stream after {got} of {n} bytes", got)
            data = bytes(stream.buffer[:n])
            del stream.buffer[:n]
            return data

    def write_all(self, *parts: bytes) -> None:
        """Append ``parts`` to the peer's input; raise if either end is closed."""
        stream = self._outgoing
        with stream.cond:
            if stream.closed:
                raise ChannelClosedError("peer closed the channel")
            for part in parts:
                stream.buffer += part
            stream.cond.notify_all()

    def close(self) -> None:
        """Close both directions of this end."""
        for stream in (self._incoming, self._outgoing):
            with stream.cond:
                stream.closed = True
                stream.cond.notify_all()


def memory_channel_pair() -> tuple[MemoryChannel, MemoryChannel]:
    """Return two connected in-memory channel ends."""
    a_to_b, b_to_a = _Stream(), _Stream()
    return MemoryChannel(b_to_a, a_to_b), MemoryChannel(a_to_b, b_to_a)


def memory_channel_from_bytes(data: bytes) -> MemoryChannel:
    """Return a channel whose reads yield ``data`` then end of stream; writes are discarded.

    Used to feed arbitrary (hostile) bytes to protocol readers.
    """
    incoming, outgoing = _Stream(), _Stream()
    incoming.buffer += data
    incoming.closed = True
    return MemoryChannel(incoming, outgoing)
