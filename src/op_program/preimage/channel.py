"""Byte channels the preimage wire runs over (fault-proof/index.md, "Pre-image communication").

The spec asks for blocking two-way streams. A :class:`Channel` reads exact byte counts and writes
whole messages. :class:`FdChannel` runs on a pair of OS file descriptors (pipes) and keeps syscalls
to a minimum: one ``write``/``writev`` per message, and reads through a buffer so a small response
header and body arrive in one ``read``. Large messages are read straight into their final buffer
with ``readv``.
"""

import fcntl
import os
from typing import Protocol

from op_program.preimage.errors import ChannelClosedError

READ_CHUNK = 1 << 16
"""Bytes asked of the kernel per buffered read (one pipe buffer by default)."""

PIPE_SIZE = 1 << 20
"""Pipe capacity requested for new pipes (Linux F_SETPIPE_SZ), so 10 MB moves in few syscalls."""

_PREALLOCATE_LIMIT = 1 << 26
"""Messages larger than this are read chunk by chunk, so a lying length prefix cannot make the
reader allocate memory for data that never arrives."""


class Channel(Protocol):
    """One end of a blocking two-way byte stream."""

    def read_exact(self, n: int) -> bytes:
        """Return exactly ``n`` bytes; raise :class:`ChannelClosedError` at end of stream."""
        ...

    def write_all(self, *parts: bytes) -> None:
        """Write the concatenation of ``parts``; raise :class:`ChannelClosedError` if peer gone."""
        ...

    def close(self) -> None:
        """Close this end; the peer then sees end of stream."""
        ...


class FdChannel:
    """A :class:`Channel` over a readable and a writable file descriptor (OS pipes).

    Like op-preimage's ``ReadWritePair``. The channel owns both descriptors and closes them on
    :meth:`close`.
    """

    __slots__ = ("_buffer", "_closed", "read_fd", "write_fd")

    def __init__(self, read_fd: int, write_fd: int) -> None:
        self.read_fd = read_fd
        self.write_fd = write_fd
        self._buffer = b""
        self._closed = False

    def read_exact(self, n: int) -> bytes:
        """Return exactly ``n`` bytes; raise :class:`ChannelClosedError` at end of stream."""
        buffered = self._buffer
        if len(buffered) >= n:
            if len(buffered) == n:
                self._buffer = b""
                return buffered
            self._buffer = buffered[n:]
            return buffered[:n]
        if n - len(buffered) <= READ_CHUNK:
            return self._read_small(n)
        self._buffer = b""
        if n <= _PREALLOCATE_LIMIT:
            return self._read_into_new_buffer(buffered, n)
        return self._read_chunked(buffered, n)

    def _read_small(self, n: int) -> bytes:
        data = self._buffer
        while len(data) < n:
            chunk = self._read(READ_CHUNK)
            if not chunk:
                self._buffer = b""
                raise ChannelClosedError(
                    f"end of stream after {len(data)} of {n} bytes", len(data)
                )
            data = data + chunk if data else chunk
        if len(data) == n:
            self._buffer = b""
            return data
        self._buffer = data[n:]
        return data[:n]

    def _read_into_new_buffer(self, head: bytes, n: int) -> bytes:
        target = bytearray(n)
        target[: len(head)] = head
        view = memoryview(target)
        filled = len(head)
        while filled < n:
            got = self._readv(view[filled:])
            if got == 0:
                raise ChannelClosedError(f"end of stream after {filled} of {n} bytes", filled)
            filled += got
        return bytes(target)

    def _read_chunked(self, head: bytes, n: int) -> bytes:
        parts = [head]
        filled = len(head)
        while filled < n:
            chunk = self._read(min(n - filled, _PREALLOCATE_LIMIT))
            if not chunk:
                raise ChannelClosedError(f"end of stream after {filled} of {n} bytes", filled)
            parts.append(chunk)
            filled += len(chunk)
        return b"".join(parts)

    def _read(self, size: int) -> bytes:
        if self._closed:
            return b""
        try:
            return os.read(self.read_fd, size)
        except OSError:
            return b""  # a reset or unusable pipe means the peer is gone: end of stream

    def _readv(self, view: memoryview) -> int:
        if self._closed:
            return 0
        try:
            return os.readv(self.read_fd, [view])
        except OSError:
            return 0  # as in _read

    def write_all(self, *parts: bytes) -> None:
        """Write ``parts`` back to back, with one syscall when the kernel takes them whole."""
        if self._closed:
            raise ChannelClosedError("write on a closed channel")
        try:
            if len(parts) == 1:
                self._write_buffer(parts[0])
            elif sum(map(len, parts)) <= READ_CHUNK:
                self._write_buffer(b"".join(parts))
            else:
                self._writev_all(parts)
        except OSError as exc:  # EPIPE when the reader died, EBADF when closed under us
            raise ChannelClosedError(f"peer closed the channel: {exc}") from exc

    def _write_buffer(self, data: bytes) -> None:
        written = os.write(self.write_fd, data)
        if written < len(data):  # a partial write (large message, or interrupted)
            view = memoryview(data)[written:]
            while view:
                view = view[os.write(self.write_fd, view) :]

    def _writev_all(self, parts: tuple[bytes, ...]) -> None:
        views = [memoryview(part) for part in parts if part]
        while views:
            written = os.writev(self.write_fd, views)
            while views and written >= len(views[0]):
                written -= len(views[0])
                views.pop(0)
            if views and written:
                views[0] = views[0][written:]

    def close(self) -> None:
        """Close both descriptors (idempotent)."""
        if self._closed:
            return
        self._closed = True
        for fd in {self.read_fd, self.write_fd}:
            try:
                os.close(fd)
            except OSError:
                pass  # already closed by the owner of a shared descriptor


def set_pipe_size(fd: int, size: int = PIPE_SIZE) -> None:
    """Ask the kernel for a larger pipe buffer; silently keep the default where not allowed."""
    try:
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, size)
    except (OSError, AttributeError):
        pass  # not Linux, or above /proc/sys/fs/pipe-max-size: the default still works


def new_pipe() -> tuple[int, int]:
    """Return ``(read_fd, write_fd)`` of a new close-on-exec pipe with a large buffer."""
    read_fd, write_fd = os.pipe()
    set_pipe_size(write_fd)
    return read_fd, write_fd


def pipe_channel_pair() -> tuple[FdChannel, FdChannel]:
    """Return two connected :class:`FdChannel` ends over two OS pipes (bidirectional)."""
    a_read, b_write = new_pipe()
    b_read, a_write = new_pipe()
    return FdChannel(a_read, a_write), FdChannel(b_read, b_write)
