"""blake2f (0x09, Rust compression) against py-evm's pure-Python EIP-152 compression.

Random inputs of every length near 213 and every final-flag byte: success, output and gas must
equal py-evm's precompile run with its pure-Python ``blake2b_compress``; plus EIP-152's test
vector 5 (BLAKE2b-512 of "abc" in 12 rounds).
"""

from typing import Any

import pytest
from eth._utils.blake2.coders import extract_blake2b_parameters
from eth._utils.blake2.compression import blake2b_compress
from eth_utils.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from op_program.executor.evm_backend.blake2f import blake2f
from tests.unit.executor.precompile_outcome import outcome


def ours(data: bytes) -> tuple[bool, bytes, int]:
    return outcome(blake2f, data)


def reference(data: bytes) -> tuple[bool, bytes, int]:
    """py-evm's blake2b_fcompress, spelled out with its pure-Python compression."""
    try:
        parameters: Any = extract_blake2b_parameters(data)
    except ValidationError:
        return False, b"", 0
    return True, bytes(blake2b_compress(*parameters)), parameters[0]


inputs = st.one_of(
    st.builds(lambda r, body, f: r.to_bytes(4, "big") + body + bytes((f,)),
              st.integers(0, 64) | st.integers(0, 2**32 - 1).filter(lambda r: r < 3000),
              st.binary(min_size=208, max_size=208), st.sampled_from([0, 1, 2, 255])),
    st.binary(min_size=200, max_size=230),
)


@settings(max_examples=300, deadline=None)
@given(inputs)
def test_same_as_py_evm(data: bytes) -> None:
    assert ours(data) == reference(data)


def test_eip152_vector_5() -> None:
    data = bytes.fromhex(
        "0000000c48c9bdf267e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d182e6ad7f520e51"
        "1f6c3e2b8c68059b6bbd41fbabd9831f79217e1319cde05b61626300000000000000000000000000000000"
        + "00" * 109 + "0300000000000000000000000000000001")
    expected = bytes.fromhex(
        "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de"
        "4533cc9518d38aa8dbf1925ab92386edd4009923")
    assert ours(data) == (True, expected, 12)


@pytest.mark.parametrize("data", [b"", bytes(212), bytes(214), bytes(212) + b"\x02"])
def test_malformed_input_fails_before_gas(data: bytes) -> None:
    assert ours(data) == (False, b"", 0)
