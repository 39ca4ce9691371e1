import pytest

from op_program.encoding.hashing import keccak256, sha256
from op_program.errors import InvalidPreimageError
from op_program.preimage.errors import InvalidKeyError, PreimageMismatchError
from op_program.preimage.keys import (
    blob_key,
    keccak256_key,
    local_key,
    precompile_key,
    sha256_key,
)
from op_program.preimage.verify import VerifyingOracle, verify_preimage, verifying_getter


class DictOracle:
    def __init__(self, data: dict[bytes, bytes]) -> None:
        self.data = data

    def get(self, key: bytes) -> bytes:
        return self.data[key]


def test_correct_preimages_pass() -> None:
    verify_preimage(keccak256_key(keccak256(b"v")), b"v")
    verify_preimage(sha256_key(sha256(b"v")), b"v")
    verify_preimage(sha256_key(b"\x01" + sha256(b"v")[1:]), b"v")  # versioned hash
    verify_preimage(local_key(1), b"anything")
    verify_preimage(blob_key(bytes(48), bytes(32)), b"anything")
    verify_preimage(precompile_key(bytes(20), 0, b""), b"anything")


@pytest.mark.parametrize(
    "key",
    [keccak256_key(keccak256(b"v")), sha256_key(sha256(b"v"))],
)
def test_wrong_preimages_fail(key: bytes) -> None:
    with pytest.raises(PreimageMismatchError):
        verify_preimage(key, b"w")
    with pytest.raises(InvalidPreimageError):
        verify_preimage(key, b"")


def test_keccak_value_under_sha_key_fails() -> None:
    with pytest.raises(PreimageMismatchError):
        verify_preimage(sha256_key(keccak256(b"v")), b"v")


def test_unsupported_key_type() -> None:
    with pytest.raises(InvalidKeyError):
        verify_preimage(b"\x03" + bytes(31), b"")


def test_verifying_oracle_and_getter() -> None:
    good, bad = keccak256_key(keccak256(b"a")), keccak256_key(keccak256(b"b"))
    data = {good: b"a", bad: b"not b"}
    oracle = VerifyingOracle(DictOracle(data))
    assert oracle.get(good) == b"a"
    with pytest.raises(PreimageMismatchError):
        oracle.get(bad)
    getter = verifying_getter(data.__getitem__)
    assert getter(good) == b"a"
    with pytest.raises(PreimageMismatchError):
        getter(bad)
