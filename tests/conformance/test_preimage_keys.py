"""Conformance: preimage keys against kona's key vectors and the real op-sepolia witness."""

import gzip
import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from op_program.encoding.hashing import keccak256
from op_program.local_keys import LocalKey
from op_program.preimage.blob_roots import FIELD_ELEMENTS_PER_BLOB, blob_evaluation_points
from op_program.preimage.errors import InvalidKeyError
from op_program.preimage.keys import (
    KeyType,
    blob_key,
    keccak256_key,
    local_index,
    local_key,
    parse_key,
    precompile_key,
)
from op_program.preimage.verify import verify_preimage
from tests.fixture_paths import fixtures_path

pytestmark = pytest.mark.conformance

KONA_TYPE_NAMES = {
    "Local": KeyType.LOCAL,
    "Keccak256": KeyType.KECCAK256,
    "Sha256": KeyType.SHA256,
    "Blob": KeyType.BLOB,
    "Precompile": KeyType.PRECOMPILE,
}


def _key_vectors() -> dict[str, Any]:
    path = fixtures_path("vectors", "preimage-keys", "preimage_key_vectors.json")
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def _hex(text: str) -> bytes:
    return bytes.fromhex(text.removeprefix("0x"))


def _check_display(vector: dict[str, str]) -> None:
    assert vector["input"] == "PreimageKey::new([0xFF;32], Local)"
    # a key built from a 32-byte value keeps its last 31 bytes behind the type byte
    raw = bytes([KeyType.LOCAL]) + (b"\xff" * 32)[1:]
    assert "0x" + parse_key(raw).raw.hex() == vector["expected"]


def _check_key_value(vector: dict[str, str]) -> None:
    expected = int(vector["expected_key_value"].split()[0])
    assert parse_key(bytes([KeyType.LOCAL]) + b"\xff" * 31).key_value == expected
    assert expected == 2**248 - 1


def _check_new_local(vector: dict[str, str]) -> None:
    match = re.fullmatch(r"new_local\((0x[0-9a-fA-F]+)\)", vector["input"])
    assert match is not None
    index = int(match.group(1), 16)
    key = local_key(index)
    parsed = parse_key(key)
    assert parsed.key_type is KONA_TYPE_NAMES[vector["expected"].split(",")[0].split()[1]]
    value = re.search(r"key_value (0x[0-9a-fA-F]+)", vector["expected"])
    assert value is not None and parsed.key_value == int(value.group(1), 16)
    assert key == b"\x01" + bytes(30) + bytes([index])  # "0x01 || 30 zero bytes || ff"


def _check_keccak_rule(vector: dict[str, str]) -> None:
    assert "keccak key = 0x02 || keccak256(preimage)[1:]" in vector["rule"]
    for preimage in (b"", b"\x00", b"op-program" * 100):
        digest = keccak256(preimage)
        assert keccak256_key(digest) == b"\x02" + digest[1:]


VECTOR_CHECKS: dict[str, Callable[[dict[str, str]], None]] = {
    "test_preimage_key_display": _check_display,
    "test_preimage_key_value": _check_key_value,
    "test_preimage_key_new_local": _check_new_local,
    "test_preimage_keys": _check_keccak_rule,
}


def test_every_key_vector() -> None:
    vectors = _key_vectors()["vectors"]
    assert vectors
    for vector in vectors:
        VECTOR_CHECKS[vector["test"]](vector)  # an unknown vector fails with KeyError


def test_key_types() -> None:
    for number, name in _key_vectors()["key_types"].items():
        if name in KONA_TYPE_NAMES:
            assert parse_key(bytes([int(number)]) + bytes(31)).key_type is KONA_TYPE_NAMES[name]
            continue
        # type 3 (reserved global generic) is unused by op-program; 0 and 7 are invalid
        numbers = [int(n) for n in re.findall(r"\d+", number)]
        assert numbers and name in ("GlobalGeneric", "invalid")
        for type_byte in numbers:
            with pytest.raises(InvalidKeyError):
                parse_key(bytes([type_byte]) + bytes(31))


def test_boot_local_keys() -> None:
    boot = _key_vectors()["boot_local_keys"]
    for index in boot:
        key = local_key(int(index))
        assert parse_key(key).key_type is KeyType.LOCAL and local_index(key) == int(index)
    # indices 1..5 mean the same in kona and op-program (6/7 differ, DESIGN §4)
    assert [LocalKey(int(i)).name for i in "12345"] == [
        "L1_HEAD",
        "AGREED_OUTPUT_ROOT",
        "CLAIMED_OUTPUT_ROOT",
        "CLAIMED_BLOCK_NUMBER",
        "L2_CHAIN_ID",
    ]
    assert "L1 head" in boot["1"] and "chain id" in boot["5"]


@pytest.fixture(scope="module")
def witness() -> dict[bytes, bytes]:
    path = fixtures_path("fpp", "op-sepolia-16491249", "preimages.json.gz")
    with gzip.open(path) as handle:
        raw: dict[str, str] = json.load(handle)
    return {_hex(key): _hex(value) for key, value in raw.items()}


def test_witness_keys_parse_and_verify(witness: dict[bytes, bytes]) -> None:
    counts = {key_type: 0 for key_type in KeyType}
    for key, value in witness.items():
        counts[parse_key(key).key_type] += 1
        verify_preimage(key, value)  # re-hashes every keccak256 and sha256 entry
    assert counts[KeyType.KECCAK256] > 30_000
    assert counts[KeyType.SHA256] == 6
    assert counts[KeyType.BLOB] == 6 * (FIELD_ELEMENTS_PER_BLOB + 1)
    assert counts[KeyType.PRECOMPILE] == 20


def test_blob_elements_are_keyed_by_bit_reversed_roots(witness: dict[bytes, bytes]) -> None:
    commitments = [v for k, v in witness.items() if k[0] == KeyType.SHA256]
    assert len(commitments) == 6
    points = blob_evaluation_points()
    for commitment in commitments:
        assert len(commitment) == 48
        for z in points:
            key = blob_key(commitment, z)
            assert len(witness[key]) == 32  # the field element
            assert witness[keccak256_key(keccak256(commitment + z))] == commitment + z
        # the 2024 scheme keyed element i by z = i; those keys must be absent (the trap)
        for index in (2, 3, 100, 4095):
            assert blob_key(commitment, index.to_bytes(32, "big")) not in witness


def test_precompile_keys_include_required_gas(witness: dict[bytes, bytes]) -> None:
    precompile_keys = [k for k in witness if k[0] == KeyType.PRECOMPILE]
    assert len(precompile_keys) == 20
    for key in precompile_keys:
        preimage = witness[b"\x02" + key[1:]]  # the hint payload: address ‖ gas ‖ input
        address, gas, input_data = preimage[:20], preimage[20:28], preimage[28:]
        assert address == bytes(19) + b"\x01"  # ecrecover
        assert int.from_bytes(gas, "big") == 3000
        assert precompile_key(address, 3000, input_data) == key
        assert witness[key][:1] in (b"\x00", b"\x01")  # status byte ‖ output
