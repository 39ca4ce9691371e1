import json
from pathlib import Path

import pytest

from op_program.cli.main import main
from op_program.protocol.batches import SingularBatch
from op_program.protocol.compression import CompressionAlgo, compress_channel
from op_program.protocol.frames import Frame, encode_frames
from op_program.protocol.transactions import DynamicFeeTransaction

CID = b"\x07" * 16
BATCH = SingularBatch(b"\x01" * 32, 5, b"\x02" * 32, 1234, (b"\x02\xc0",))


def _rlp_string(payload: bytes) -> bytes:
    assert 56 <= len(payload) < 256
    return b"\xb8" + bytes([len(payload)]) + payload


def _channel() -> bytes:
    return compress_channel(_rlp_string(BATCH.encode()), CompressionAlgo.ZLIB)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, object]:
    code = main(["decode", *argv])
    return code, json.loads(capsys.readouterr().out)


def test_decode_frames_from_hex(capsys: pytest.CaptureFixture[str]) -> None:
    data = encode_frames([Frame(CID, 0, b"ab", False), Frame(CID, 1, b"c", True)])
    code, out = _run(capsys, "frames", "0x" + data.hex())
    assert code == 0
    assert out == [
        {"channel_id": "0x" + CID.hex(), "frame_number": 0, "data_length": 2, "is_last": False},
        {"channel_id": "0x" + CID.hex(), "frame_number": 1, "data_length": 1, "is_last": True},
    ]


def test_decode_channel_from_binary_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "channel.bin"
    path.write_bytes(_channel())
    code, out = _run(capsys, "channel", str(path))
    assert code == 0 and isinstance(out, dict)
    assert out["compression"] == "zlib" and out["batch_count"] == 1
    assert out["batches"][0] == {
        "type": "singular", "parent_hash": "0x" + "01" * 32, "epoch_num": 5,
        "epoch_hash": "0x" + "02" * 32, "timestamp": 1234, "tx_count": 1,
    }


def test_decode_batch_accepts_the_rlp_wrapped_form(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "batch.hex"
    path.write_text(_rlp_string(BATCH.encode()).hex() + "\n")
    code, out = _run(capsys, "batch", str(path))
    assert code == 0 and isinstance(out, dict) and out["timestamp"] == 1234


def test_decode_batcher_tx_from_calldata_and_signed_tx(
    capsys: pytest.CaptureFixture[str],
) -> None:
    calldata = encode_frames([Frame(CID, 0, _channel(), True)])
    code, out = _run(capsys, "batcher-tx", "0x" + calldata.hex())
    assert code == 0 and isinstance(out, dict)
    assert out["channels"][0]["complete"] and out["channels"][0]["batch_count"] == 1
    tx = DynamicFeeTransaction(
        chain_id=1, nonce=0, max_priority_fee_per_gas=1, max_fee_per_gas=2, gas=21000,
        to=b"\xff" + bytes(18) + b"\x10", value=0, data=calldata, access_list=(),
        y_parity=0, r=1, s=1,
    )
    code, out = _run(capsys, "batcher-tx", "0x" + tx.encode().hex())
    assert code == 0 and isinstance(out, dict)
    assert out["tx"]["type"] == 2 and out["channels"][0]["batch_count"] == 1


@pytest.mark.parametrize(("kind", "data"), [
    ("frames", "0x01"), ("channel", "0x00"), ("channel", "0x78"), ("batch", "0x05"),
    ("batch", "0x00c0"), ("batcher-tx", "0x02"), ("batcher-tx", "0x01ff"),
])
def test_undecodable_input_is_one_line_on_stderr_and_exit_2(
    capsys: pytest.CaptureFixture[str], kind: str, data: str,
) -> None:
    assert main(["decode", kind, data]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"op-program: error: decode {kind}: ") and err.count("\n") == 1, err


def test_channel_that_stops_after_batches_is_a_success_saying_why(
    capsys: pytest.CaptureFixture[str],
) -> None:
    good = _rlp_string(BATCH.encode())
    channel = compress_channel(good + good + b"\x85\x09\x01\x02\x03\x04", CompressionAlgo.ZLIB)
    code, out = _run(capsys, "channel", "0x" + channel.hex())
    assert code == 0 and isinstance(out, dict)
    assert out["batch_count"] == 2 and len(out["batches"]) == 2
    assert out["stopped"] and "invalid batch" in out["stopped"]


@pytest.mark.parametrize(("kind", "says"), [
    ("frames", "version byte 0x00"), ("channel", "compressed"), ("batch", "type byte"),
    ("batcher-tx", "--blob"),
])
def test_each_kind_help_says_what_input_it_takes(
    capsys: pytest.CaptureFixture[str], kind: str, says: str,
) -> None:
    assert main(["decode", kind, "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert says in text and "INPUT is 0x-prefixed hex, a file" in text


def test_missing_file_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["decode", "frames", "/nonexistent/file"]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_decode_blob_batcher_tx_with_blob_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from op_program.protocol.blob import encode_blob
    from op_program.protocol.transactions import BlobTransaction

    channel = _channel()
    half = len(channel) // 2
    blobs = [
        encode_blob(encode_frames([Frame(CID, 0, channel[:half], False)])),
        encode_blob(encode_frames([Frame(CID, 1, channel[half:], True)])),
    ]
    paths = []
    for index, blob in enumerate(blobs):
        path = tmp_path / f"blob{index}.bin"
        path.write_bytes(blob)
        paths.append(str(path))
    tx = BlobTransaction(
        chain_id=1, nonce=0, max_priority_fee_per_gas=1, max_fee_per_gas=2, gas=21000,
        to=b"\xff" + bytes(18) + b"\x10", value=0, data=b"", access_list=(),
        max_fee_per_blob_gas=1, blob_versioned_hashes=(b"\x01" * 32, b"\x01" * 32),
        y_parity=0, r=1, s=1,
    )
    code, out = _run(
        capsys, "batcher-tx", "0x" + tx.encode().hex(), "--blob", paths[0], "--blob", paths[1]
    )
    assert code == 0 and isinstance(out, dict)
    assert out["tx"]["type"] == 3
    assert [f["frame_number"] for f in out["frames"]] == [0, 1]
    channel_out = out["channels"][0]
    assert channel_out["complete"] and channel_out["frames"] == [0, 1]
    assert channel_out["batches"][0]["timestamp"] == 1234
