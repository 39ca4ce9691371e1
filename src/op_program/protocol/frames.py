"""Frames: the pieces of a channel carried in batcher transactions (derivation.md, Frame Format).

Batcher transaction data is ``derivation_version (0x00) ++ frame ++ frame ++ ...`` and a frame is
``channel_id (16) ++ frame_number (u16) ++ frame_data_length (u32) ++ frame_data ++ is_last``.
Spec: https://specs.optimism.io/protocol/derivation.html#frame-format

Parsing is all-or-nothing like op-node's ``ParseFrames``: if any frame in a transaction is
malformed, no frame of that transaction is used.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from op_program.protocol.errors import ProtocolDecodeError

DERIVATION_VERSION_0 = 0
"""The only batcher transaction data version (the first byte of the calldata or blob data)."""

MAX_FRAME_LEN = 1_000_000
"""Largest ``frame_data_length`` accepted (op-node ``MaxFrameLen``)."""

CHANNEL_ID_LENGTH = 16
FRAME_OVERHEAD = 23
"""Bytes a frame adds around its data: id (16) + number (2) + length (4) + is_last (1)."""


class FrameDecodeError(ProtocolDecodeError):
    """Batcher transaction data that is not ``version 0 ++ frame+`` with well-formed frames."""


@dataclass(frozen=True, slots=True)
class Frame:
    """One frame of a channel."""

    channel_id: bytes
    frame_number: int
    data: bytes
    is_last: bool

    def encode(self) -> bytes:
        """Return the frame's wire encoding (without the derivation version byte)."""
        if len(self.channel_id) != CHANNEL_ID_LENGTH:
            raise ValueError("channel id must be 16 bytes")
        return b"".join(
            (
                self.channel_id,
                self.frame_number.to_bytes(2, "big"),
                len(self.data).to_bytes(4, "big"),
                self.data,
                b"\x01" if self.is_last else b"\x00",
            )
        )


def decode_frame(data: bytes | memoryview, offset: int = 0) -> tuple[Frame, int]:
    """Decode one frame starting at ``offset``; return it and the offset just after it.

    Raises:
        FrameDecodeError: truncated frame, data longer than ``MAX_FRAME_LEN``, or an
            ``is_last`` byte other than 0 or 1.
    """
    view = memoryview(data)
    header_end = offset + CHANNEL_ID_LENGTH + 6
    if header_end > len(view):
        raise FrameDecodeError(f"frame header truncated at offset {offset}")
    channel_id = bytes(view[offset : offset + CHANNEL_ID_LENGTH])
    frame_number = int.from_bytes(view[offset + 16 : offset + 18], "big")
    length = int.from_bytes(view[offset + 18 : header_end], "big")
    if length > MAX_FRAME_LEN:
        raise FrameDecodeError(f"frame data length {length} exceeds {MAX_FRAME_LEN}")
    data_end = header_end + length
    if data_end + 1 > len(view):
        raise FrameDecodeError(f"frame data truncated: need {length} bytes and is_last")
    is_last_byte = view[data_end]
    if is_last_byte > 1:
        raise FrameDecodeError(f"invalid byte as is_last: {is_last_byte}")
    frame = Frame(channel_id, frame_number, bytes(view[header_end:data_end]), is_last_byte == 1)
    return frame, data_end + 1


def parse_frames(data: bytes) -> list[Frame]:
    """Parse batcher transaction data (version byte and one or more frames).

    Raises:
        FrameDecodeError: empty data, unknown version, no frames, or any malformed frame
            (then none of the frames is returned, as op-node drops the whole transaction).
    """
    if not data:
        raise FrameDecodeError("data array must not be empty")
    if data[0] != DERIVATION_VERSION_0:
        raise FrameDecodeError(f"invalid derivation format byte: got {data[0]}")
    frames: list[Frame] = []
    offset = 1
    view = memoryview(data)
    while offset < len(data):
        frame, offset = decode_frame(view, offset)
        frames.append(frame)
    if not frames:
        raise FrameDecodeError("was not able to find any frames")
    return frames


def encode_frames(frames: Iterable[Frame]) -> bytes:
    """Return batcher transaction data: the version byte followed by the encoded frames."""
    return bytes([DERIVATION_VERSION_0]) + b"".join(frame.encode() for frame in frames)


def channel_data(frames: Sequence[Frame]) -> bytes:
    """Concatenate the data of a channel's frames, which must be in frame-number order."""
    return b"".join(frame.data for frame in frames)
