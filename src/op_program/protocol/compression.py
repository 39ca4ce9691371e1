"""Channel compression: zlib, and brotli from Fjord, decompressed under a size limit.

Spec: https://specs.optimism.io/protocol/derivation.html#channel-format and
https://specs.optimism.io/protocol/fjord/derivation.html#brotli-channel-compression.

The first byte of channel data selects the algorithm, as op-node's ``BatchReader`` does: a low
nibble of 8 or 15 is a zlib header (RFC 1950, kept as part of the stream), ``0x01`` is the Fjord
channel version byte followed by a raw brotli stream. Decompression stops after
``MAX_RLP_BYTES_PER_CHANNEL`` bytes of output without ever producing (allocating) much more:
a zip bomb costs at most the limit plus one small decoder step. Output decoded before a corrupt
part of the stream is kept, because op-node streams batches out of the decompressor and uses
every batch it could read before the error.
"""

import enum
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import brotli

from op_program.protocol.errors import ProtocolDecodeError

CHANNEL_VERSION_BROTLI = 0x01
ZLIB_CM8 = 8
ZLIB_CM15 = 15

MAX_RLP_BYTES_PER_CHANNEL_BEDROCK = 10_000_000
MAX_RLP_BYTES_PER_CHANNEL_FJORD = 100_000_000

_INPUT_CHUNK = 1 << 16
_OUTPUT_STEP = 1 << 15
_ZLIB_STEP = 1 << 18


class ChannelCompressionError(ProtocolDecodeError):
    """Channel data whose compression algorithm is unknown or not yet active."""


class CompressionAlgo(enum.Enum):
    """Compression algorithm of a channel."""

    ZLIB = "zlib"
    BROTLI = "brotli"


def max_rlp_bytes_per_channel(is_fjord: bool) -> int:
    """Return ``MAX_RLP_BYTES_PER_CHANNEL`` before or after Fjord."""
    return MAX_RLP_BYTES_PER_CHANNEL_FJORD if is_fjord else MAX_RLP_BYTES_PER_CHANNEL_BEDROCK


@dataclass(frozen=True, slots=True)
class Decompressed:
    """The output of decompressing one channel, cut at the limit.

    Attributes:
        algo: the algorithm the channel used.
        data: at most ``limit`` bytes of decompressed output.
        truncated: the stream had more output than the limit allowed.
        error: why decoding stopped early (corrupt stream, missing end), or None.
    """

    algo: CompressionAlgo
    data: bytes
    truncated: bool
    error: str | None


def detect_algo(data: bytes, is_fjord: bool) -> CompressionAlgo:
    """Return the compression algorithm the first byte of channel data selects.

    Raises:
        ChannelCompressionError: empty data, brotli before Fjord, or an unknown type byte.
    """
    if not data:
        raise ChannelCompressionError("empty channel data")
    first = data[0]
    if first & 0x0F in (ZLIB_CM8, ZLIB_CM15):
        return CompressionAlgo.ZLIB
    if first == CHANNEL_VERSION_BROTLI:
        if not is_fjord:
            raise ChannelCompressionError("cannot accept brotli compressed batch before Fjord")
        return CompressionAlgo.BROTLI
    raise ChannelCompressionError(f"cannot distinguish the compression algo, type byte {first}")


class _Sink:
    """Collects decoder output up to the limit."""

    __slots__ = ("out", "limit", "truncated")

    def __init__(self, limit: int) -> None:
        self.out = bytearray()
        self.limit = limit
        self.truncated = False

    def room(self) -> int:
        return self.limit - len(self.out)

    def add(self, piece: bytes) -> bool:
        """Append output; return True once the limit is reached (the rest is dropped)."""
        room = self.room()
        if len(piece) > room:
            self.out += piece[:room]
            self.truncated = True
            return True
        self.out += piece
        return False


def _zlib_feed(dec: "zlib._Decompress", chunk: bytes, sink: _Sink) -> bool:
    """Feed one input chunk; return True when decoding is over (end of stream or limit)."""
    pending = chunk
    while True:
        room = sink.room()
        if room <= 0:
            sink.truncated = True
            return True
        step = min(room, _ZLIB_STEP)
        piece = dec.decompress(pending, step)
        sink.add(piece)
        if dec.eof:
            return True
        pending = dec.unconsumed_tail
        if not pending and len(piece) < step:
            return False


def _brotli_feed(dec: "brotli.Decompressor", chunk: bytes, sink: _Sink) -> bool:
    """Feed one input chunk; return True when decoding is over (end of stream or limit).

    After input is given, the decoder is drained with empty input (as python-brotli requires
    until it can accept more data), one bounded output step at a time.
    """
    piece = dec.process(chunk, output_buffer_limit=_OUTPUT_STEP)
    stalls = 0
    while True:
        if sink.add(piece) or dec.is_finished():
            return True
        if sink.room() <= 0:
            sink.truncated = True
            return True
        if not piece:
            if dec.can_accept_more_data():
                return False
            stalls += 1
            if stalls > 2:
                raise brotli.error("brotli decoder made no progress")
        piece = dec.process(b"", output_buffer_limit=_OUTPUT_STEP)


_Feed = Callable[[object, bytes, _Sink], bool]


def _run(stream: bytes, limit: int, algo: CompressionAlgo) -> tuple[_Sink, str | None, bool]:
    """Decode ``stream`` in chunks; return the sink, an error and whether the stream ended."""
    new_decoder: Callable[[], object]
    feed: _Feed
    if algo is CompressionAlgo.ZLIB:
        new_decoder, feed = zlib.decompressobj, _zlib_feed  # type: ignore[assignment]
        errors: tuple[type[Exception], ...] = (zlib.error,)
    else:
        new_decoder, feed = brotli.Decompressor, _brotli_feed
        errors = (brotli.error,)
    dec = new_decoder()
    sink = _Sink(limit)
    for start in range(0, len(stream), _INPUT_CHUNK):
        chunk = stream[start : start + _INPUT_CHUNK]
        try:
            if feed(dec, chunk, sink):
                return sink, None, True
        except errors as exc:
            # Redo byte by byte from the start so every byte decoded before the error is kept.
            return _salvage(stream, start + len(chunk), limit, new_decoder, feed, errors, exc)
    return sink, "unexpected end of compressed stream", False


def _salvage(
    stream: bytes,
    bad_end: int,
    limit: int,
    new_decoder: Callable[[], object],
    feed: _Feed,
    errors: tuple[type[Exception], ...],
    first_error: Exception,
) -> tuple[_Sink, str | None, bool]:
    """Decode again, one byte at a time in the failing chunk, keeping output before the error."""
    dec = new_decoder()
    sink = _Sink(limit)
    good_end = max(0, bad_end - _INPUT_CHUNK)
    try:
        if good_end and feed(dec, stream[:good_end], sink):
            return sink, None, True
        for pos in range(good_end, bad_end):
            if feed(dec, stream[pos : pos + 1], sink):
                return sink, None, True
    except errors as exc:
        return sink, f"corrupt compressed stream: {exc}", False
    return sink, f"corrupt compressed stream: {first_error}", False


def decompress_channel(data: bytes, limit: int, is_fjord: bool) -> Decompressed:
    """Decompress channel data, keeping at most ``limit`` bytes of output.

    Raises:
        ChannelCompressionError: the algorithm cannot be identified (see ``detect_algo``).
    """
    algo = detect_algo(data, is_fjord)
    stream = data if algo is CompressionAlgo.ZLIB else data[1:]
    sink, error, _ = _run(stream, limit, algo)
    return Decompressed(algo, bytes(sink.out), sink.truncated, error)


def compress_channel(data: bytes, algo: CompressionAlgo, level: int = 9) -> bytes:
    """Compress batch data into channel data (zlib stream, or ``0x01 ++ brotli stream``)."""
    if algo is CompressionAlgo.ZLIB:
        return zlib.compress(data, level)
    compressed: bytes = brotli.compress(data, quality=min(level, 11))
    return bytes([CHANNEL_VERSION_BROTLI]) + compressed
