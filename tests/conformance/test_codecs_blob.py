"""Conformance: OP blob encoding against op-node's blob_test.go vectors (every case)."""

import json
from typing import Any

import pytest

from op_program.protocol.blob import (
    BLOB_SIZE,
    MAX_BLOB_DATA_SIZE,
    BlobDecodeError,
    BlobExtraneousDataError,
    BlobExtraneousDataFieldElementError,
    BlobInputTooLargeError,
    BlobInvalidEncodingVersionError,
    BlobInvalidFieldElementError,
    BlobInvalidLengthError,
    decode_blob,
    encode_blob,
)
from tests.fixture_paths import fixtures_path

ERRORS: dict[str, type[Exception]] = {
    "ErrBlobInvalidLength": BlobInvalidLengthError,
    "ErrBlobInvalidEncodingVersion": BlobInvalidEncodingVersionError,
    "ErrBlobInvalidFieldElement": BlobInvalidFieldElementError,
    "ErrBlobExtraneousDataFieldElement": BlobExtraneousDataFieldElementError,
    "ErrBlobExtraneousData": BlobExtraneousDataError,
    "ErrBlobInputTooLarge": BlobInputTooLargeError,
}


def _doc() -> dict[str, Any]:
    path = fixtures_path("vectors", "blob-encoding", "op_blob_encoding_vectors.json")
    doc: dict[str, Any] = json.loads(path.read_text())
    return doc


def _blob(prefix_hex: str) -> bytes:
    prefix = bytes.fromhex(prefix_hex)
    return prefix + bytes(BLOB_SIZE - len(prefix))


def test_constants() -> None:
    doc = _doc()
    assert (doc["blob_size"], doc["max_blob_data_size"]) == (BLOB_SIZE, MAX_BLOB_DATA_SIZE)


def test_decode_vectors() -> None:
    vectors = _doc()["decode_vectors"]
    assert len(vectors) == 7
    for vector in vectors:
        blob = _blob(vector["blob_prefix_hex"])
        if "expected_error" in vector:
            with pytest.raises(ERRORS[vector["expected_error"]]):
                decode_blob(blob)
        elif "expected_output_hex" in vector:
            assert decode_blob(blob).hex() == vector["expected_output_hex"]
        else:
            assert vector["expected_output"] == "130044 zero bytes"
            assert decode_blob(blob) == bytes(130044)


def test_encode_vectors() -> None:
    vectors = _doc()["encode_vectors"]
    assert len(vectors) == 5
    for vector in vectors:
        if "input_hex" in vector:
            data = bytes.fromhex(vector["input_hex"])
        else:
            data = bytes(int(vector["input"].split()[0]))
        if "expected_error" in vector:
            with pytest.raises(ERRORS[vector["expected_error"]]):
                encode_blob(data)
        else:
            assert encode_blob(data) == _blob(vector["expected_blob_prefix_hex"])
            assert decode_blob(encode_blob(data)) == data


def test_extraneous_data_vectors() -> None:
    vectors = _doc()["extraneous_data_vectors"]
    for vector in vectors[:2]:
        with pytest.raises(ERRORS[vector["expected_error"]]):
            decode_blob(_blob(vector["blob_prefix_hex"]))
    # "for i in 5..127: only b[i]=0x01" and "for i in 128..131071: only b[i]=1"
    for index, expected in [(5, vectors[2]), (127, vectors[2]), (128, vectors[3])]:
        blob = bytearray(BLOB_SIZE)
        blob[index] = 1
        with pytest.raises(ERRORS[expected["expected_error"]]):
            decode_blob(bytes(blob))
    for index in range(128, BLOB_SIZE, 4099):
        blob = bytearray(BLOB_SIZE)
        blob[index] = 1
        with pytest.raises(BlobExtraneousDataError):
            decode_blob(bytes(blob))
    for index in range(5, 128):
        blob = bytearray(BLOB_SIZE)
        blob[index] = 1
        with pytest.raises(BlobExtraneousDataFieldElementError):
            decode_blob(bytes(blob))


def test_invalid_vectors() -> None:
    base = encode_blob(b"this is a test of invalid blob decoding")
    for value in (0x80, 0x40):
        blob = bytearray(base)
        blob[32] = value
        with pytest.raises(BlobInvalidFieldElementError):
            decode_blob(bytes(blob))
    blob = bytearray(base)
    blob[1] = 1
    with pytest.raises(BlobInvalidEncodingVersionError):
        decode_blob(bytes(blob))
    blob = bytearray(base)
    blob[2] = 0xFF
    with pytest.raises(BlobInvalidLengthError):
        decode_blob(bytes(blob))
    with pytest.raises(BlobInputTooLargeError):
        encode_blob(bytes(BLOB_SIZE))


def test_roundtrip_inputs_and_small_roundtrips() -> None:
    doc = _doc()
    for hex_input in doc["roundtrip_inputs"]:
        data = bytes.fromhex(hex_input)
        assert decode_blob(encode_blob(data)) == data
    for data in [bytes(127) + b"\xff", bytes(9) + b"\xff", bytes(27 + 31 * 3 - 1) + b"\xff"]:
        assert decode_blob(encode_blob(data)) == data


def test_kona_blob_data_cases() -> None:
    # all-zero blob is valid and empty
    assert decode_blob(bytes(BLOB_SIZE)) == b""
    # data = 32 bytes of 0x01 => invalid encoding version
    with pytest.raises(BlobInvalidEncodingVersionError):
        decode_blob(b"\x01" * 32 + bytes(BLOB_SIZE - 32))
    # data[2..5] = ff ff ff => invalid length
    with pytest.raises(BlobInvalidLengthError):
        decode_blob(_blob("0000ffffff"))
    # full blob with length 1 => one zero byte
    assert decode_blob(_blob("0000000001")) == b"\x00"
    # length 1 and data[33]=0x01 => the byte lands past the length (extraneous)
    blob = bytearray(_blob("0000000001"))
    blob[33] = 1
    with pytest.raises(BlobDecodeError):
        decode_blob(bytes(blob))
    # field element first byte 0b1100_0000 => invalid field element
    blob = bytearray(_blob("0000000001"))
    blob[32] = 0b1100_0000
    with pytest.raises(BlobInvalidFieldElementError):
        decode_blob(bytes(blob))


def test_wrong_blob_size_is_a_typed_error() -> None:
    with pytest.raises(BlobInvalidLengthError):
        decode_blob(bytes(BLOB_SIZE - 1))
