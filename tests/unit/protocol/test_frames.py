import pytest

from op_program.protocol.frames import (
    MAX_FRAME_LEN,
    Frame,
    FrameDecodeError,
    channel_data,
    decode_frame,
    encode_frames,
    parse_frames,
)

CID = bytes(range(16))


def _frame(number: int = 0, data: bytes = b"abc", is_last: bool = False) -> Frame:
    return Frame(CID, number, data, is_last)


def test_frame_layout_is_id_number_length_data_is_last() -> None:
    encoded = _frame(0x0102, b"\xaa\xbb", True).encode()
    assert encoded == CID + b"\x01\x02" + b"\x00\x00\x00\x02" + b"\xaa\xbb" + b"\x01"


def test_parse_frames_round_trips_several_frames() -> None:
    frames = [_frame(i, bytes([i]) * i, i == 4) for i in range(5)]
    assert parse_frames(encode_frames(frames)) == frames
    assert channel_data(frames) == b"".join(f.data for f in frames)


@pytest.mark.parametrize(
    "data",
    [b"", b"\x2a", b"\x00", b"\x01" + _frame().encode()],
    ids=["empty", "bad-version", "only-version", "version-1"],
)
def test_parse_frames_rejects_bad_envelopes(data: bytes) -> None:
    with pytest.raises(FrameDecodeError):
        parse_frames(data)


def test_any_truncation_drops_all_frames() -> None:
    data = encode_frames([_frame(0), _frame(1, b"xyz", True)])
    for cut in range(1, len(data)):
        if cut in (1, 1 + 23 + 3):  # boundaries: no frame / exactly the first frame
            continue
        with pytest.raises(FrameDecodeError):
            parse_frames(data[:cut])


def test_is_last_byte_must_be_0_or_1() -> None:
    data = bytearray(encode_frames([_frame()]))
    data[-1] = 2
    with pytest.raises(FrameDecodeError, match="is_last"):
        parse_frames(bytes(data))


def test_frame_longer_than_max_is_rejected_before_reading_data() -> None:
    header = CID + b"\x00\x00" + (MAX_FRAME_LEN + 1).to_bytes(4, "big")
    with pytest.raises(FrameDecodeError, match="exceeds"):
        decode_frame(header + b"\x00" * 10)
    ok = Frame(CID, 0, b"\x00" * MAX_FRAME_LEN, True)
    assert decode_frame(ok.encode())[0] == ok


def test_22_bytes_is_too_short_for_a_frame() -> None:
    with pytest.raises(FrameDecodeError):
        decode_frame(bytes(22))
    frame, end = decode_frame(bytes(23))
    assert (frame.data, frame.is_last, end) == (b"", False, 23)
