import pytest

from op_program.encoding.hashing import keccak256, sha256
from op_program.preimage.errors import InvalidKeyError
from op_program.preimage.keys import (
    KeyType,
    blob_key,
    keccak256_key,
    key_type_of,
    local_index,
    local_key,
    parse_key,
    precompile_key,
    sha256_key,
)


def test_local_key_layout() -> None:
    key = local_key(7)
    assert key == bytes.fromhex("01" + "00" * 23 + "0000000000000007")
    assert local_index(key) == 7
    assert local_key(2**64 - 1)[24:] == b"\xff" * 8


@pytest.mark.parametrize("index", [-1, 2**64])
def test_local_key_out_of_range(index: int) -> None:
    with pytest.raises(InvalidKeyError):
        local_key(index)


def test_local_index_rejects_non_indexed_keys() -> None:
    with pytest.raises(InvalidKeyError):
        local_index(b"\x01" + b"\xff" * 31)
    with pytest.raises(InvalidKeyError):
        local_index(keccak256_key(keccak256(b"")))


def test_keccak256_key_overwrites_first_byte() -> None:
    digest = keccak256(b"hello")
    key = keccak256_key(digest)
    assert key[0] == 2 and key[1:] == digest[1:] and len(key) == 32


def test_sha256_key_of_versioned_hash() -> None:
    commitment = bytes(range(48))
    versioned = b"\x01" + sha256(commitment)[1:]
    assert sha256_key(versioned) == b"\x04" + sha256(commitment)[1:]


def test_blob_key() -> None:
    commitment, z = b"\xc0" + bytes(47), (5).to_bytes(32, "big")
    assert blob_key(commitment, z) == b"\x05" + keccak256(commitment + z)[1:]


def test_precompile_key_includes_gas() -> None:
    address = bytes(19) + b"\x01"
    key = precompile_key(address, 3000, b"input")
    assert key == b"\x06" + keccak256(address + (3000).to_bytes(8, "big") + b"input")[1:]
    assert key != precompile_key(address, 3001, b"input")


@pytest.mark.parametrize(
    ("call", "args"),
    [
        (keccak256_key, (bytes(31),)),
        (sha256_key, (bytes(33),)),
        (blob_key, (bytes(47), bytes(32))),
        (blob_key, (bytes(48), bytes(31))),
        (precompile_key, (bytes(21), 0, b"")),
        (precompile_key, (bytes(20), -1, b"")),
        (precompile_key, (bytes(20), 2**64, b"")),
    ],
)
def test_constructors_reject_bad_lengths(call: object, args: tuple[object, ...]) -> None:
    with pytest.raises(InvalidKeyError):
        call(*args)  # type: ignore[operator]


@pytest.mark.parametrize("type_byte", [1, 2, 4, 5, 6])
def test_parse_supported_types(type_byte: int) -> None:
    raw = bytes([type_byte]) + bytes(range(31))
    parsed = parse_key(raw)
    assert parsed.key_type == KeyType(type_byte)
    assert parsed.body == bytes(range(31))
    assert parsed.raw == raw


@pytest.mark.parametrize("type_byte", [0, 3, 7, 128, 129, 255])
def test_parse_rejects_illegal_and_unused_types(type_byte: int) -> None:
    with pytest.raises(InvalidKeyError, match="type"):
        parse_key(bytes([type_byte]) + bytes(31))


@pytest.mark.parametrize("length", [0, 1, 31, 33])
def test_parse_rejects_wrong_length(length: int) -> None:
    with pytest.raises(InvalidKeyError):
        key_type_of(b"\x02" * length)


def test_key_value_is_the_31_byte_body() -> None:
    assert parse_key(local_key(0xFF)).key_value == 0xFF
