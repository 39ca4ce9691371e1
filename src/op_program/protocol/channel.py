"""Channel reading: decompressed channel data as a stream of batches (derivation.md, Channels).

``channel_data = compress(rlp_string(batch_0) ++ rlp_string(batch_1) ++ ...)``; each RLP string
holds one typed batch. Spec: https://specs.optimism.io/protocol/derivation.html#channel-format
Like op-node's ``BatchReader``, batches are read one at a time and the reader stops at the first
problem (a batch past ``MAX_RLP_BYTES_PER_CHANNEL``, corrupt compression, a batch that does not
decode): everything yielded before stays valid, and the channel is done.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from op_program.protocol.batches import Batch, decode_batch
from op_program.protocol.batches.errors import BatchDecodeError
from op_program.protocol.batches.rlp_stream import item_bounds
from op_program.protocol.compression import CompressionAlgo, Decompressed, decompress_channel
from op_program.protocol.errors import ProtocolDecodeError


class ChannelReadError(ProtocolDecodeError):
    """The point where a channel stops yielding batches (the rest of the channel is dropped)."""


def iter_batch_payloads(decompressed: Decompressed) -> Iterator[bytes]:
    """Yield the content of each RLP string in decompressed channel data.

    Raises:
        ChannelReadError: a batch crosses the size limit, the stream is corrupt or truncated,
            or an item is not a canonical RLP string. Raised after the good batches.
    """
    data = decompressed.data
    pos = 0
    while pos < len(data):
        try:
            bounds = item_bounds(data, pos)
        except BatchDecodeError as exc:
            if decompressed.truncated:
                raise ChannelReadError("batch exceeds MAX_RLP_BYTES_PER_CHANNEL") from exc
            reason = decompressed.error or str(exc)
            raise ChannelReadError(f"failed to read batch: {reason}") from exc
        if bounds.is_list:
            raise ChannelReadError("failed to read batch: expected an RLP string, got a list")
        yield data[bounds.payload_start : bounds.end]
        pos = bounds.end
    if decompressed.error is not None:
        raise ChannelReadError(f"channel ended early: {decompressed.error}")


def iter_channel_batches(
    channel_data: bytes, max_rlp_bytes: int, is_fjord: bool, allow_v2: bool = False
) -> Iterator[Batch]:
    """Decompress channel data and yield its decoded batches in order.

    Raises:
        ChannelReadError: the reader stopped (see ``iter_batch_payloads``), wrapping the cause.
        ProtocolDecodeError: unknown compression (before anything is yielded).
    """
    decompressed = decompress_channel(channel_data, max_rlp_bytes, is_fjord)
    for payload in iter_batch_payloads(decompressed):
        try:
            yield decode_batch(payload, allow_v2)
        except BatchDecodeError as exc:
            raise ChannelReadError(f"invalid batch: {exc}") from exc


@dataclass(frozen=True, slots=True)
class ChannelBatches:
    """All batches a channel yields, the algorithm it used and why reading stopped, if early."""

    algo: CompressionAlgo | None
    batches: tuple[Batch, ...]
    error: str | None


def read_channel(
    channel_data: bytes, max_rlp_bytes: int, is_fjord: bool, allow_v2: bool = False
) -> ChannelBatches:
    """Read every batch of a channel; never raises for hostile data (the error is returned)."""
    batches: list[Batch] = []
    try:
        decompressed = decompress_channel(channel_data, max_rlp_bytes, is_fjord)
    except ProtocolDecodeError as exc:
        return ChannelBatches(None, (), str(exc))
    try:
        for payload in iter_batch_payloads(decompressed):
            try:
                batches.append(decode_batch(payload, allow_v2))
            except BatchDecodeError as exc:
                raise ChannelReadError(f"invalid batch: {exc}") from exc
    except ProtocolDecodeError as exc:
        return ChannelBatches(decompressed.algo, tuple(batches), str(exc))
    return ChannelBatches(decompressed.algo, tuple(batches), None)
