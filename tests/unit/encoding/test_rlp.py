import sys
from typing import Any

import pytest
import rlp
from hypothesis import given, settings
from hypothesis import strategies as st

from op_program.encoding.errors import RLPDecodeError
from op_program.encoding.rlp import (
    MAX_RLP_DEPTH,
    as_address_or_none,
    as_bool,
    as_fixed,
    as_list,
    as_uint,
    encode_bytes_item,
    encode_list_payload,
    rlp_decode,
    rlp_decode_list,
    rlp_encode,
)


def test_known_encodings() -> None:
    assert rlp_encode(b"dog") == b"\x83dog"
    assert rlp_encode([b"cat", b"dog"]) == b"\xc8\x83cat\x83dog"
    assert rlp_encode(0) == b"\x80"
    assert rlp_encode(1024) == b"\x82\x04\x00"
    assert rlp_encode(b"a" * 56) == b"\xb8\x38" + b"a" * 56
    assert rlp_decode(b"\xc8\x83cat\x83dog") == [b"cat", b"dog"]


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x81\x05",  # single byte < 0x80 must be encoded as itself
        b"\xb8\x05abcde",  # long form for a short string
        b"\x83do",  # truncated
        b"\x83dogx",  # trailing bytes
        b"\xc8\x83cat",  # list shorter than its prefix
        b"\xb9\x00\x38" + b"a" * 56,  # length with a leading zero
        b"\xf8",  # truncated long list prefix
    ],
)
def test_non_canonical_rlp_is_rejected(raw: bytes) -> None:
    with pytest.raises(RLPDecodeError):
        rlp_decode(raw)


def test_decode_list_requires_a_list() -> None:
    with pytest.raises(RLPDecodeError):
        rlp_decode_list(b"\x83dog")


def test_hand_assembled_encoding_matches_rlp() -> None:
    for data in (b"", b"\x00", b"\x7f", b"\x80", b"x" * 55, b"y" * 56, b"z" * 300):
        assert encode_bytes_item(data) == rlp_encode(data)
    items = [b"a" * 40, b"b" * 40]
    assert encode_list_payload(b"".join(rlp_encode(i) for i in items)) == rlp_encode(items)


def test_field_accessors() -> None:
    assert as_uint(b"\x01\x00", "x") == 256
    assert as_uint(b"", "x") == 0
    with pytest.raises(RLPDecodeError):
        as_uint(b"\x00\x01", "x")
    with pytest.raises(RLPDecodeError):
        as_uint(b"\x01" * 9, "x", 64)
    with pytest.raises(RLPDecodeError):
        as_uint([b""], "x")
    assert as_fixed(b"\x00" * 20, 20, "a") == b"\x00" * 20
    with pytest.raises(RLPDecodeError):
        as_fixed(b"\x00" * 19, 20, "a")
    assert as_address_or_none(b"", "to") is None
    with pytest.raises(RLPDecodeError):
        as_address_or_none(b"\x01", "to")
    assert as_bool(b"\x01", "b") is True
    assert as_bool(b"", "b") is False
    with pytest.raises(RLPDecodeError):
        as_bool(b"\x02", "b")
    with pytest.raises(RLPDecodeError):
        as_list([b""], "l", 2)
    with pytest.raises(RLPDecodeError):
        as_list(b"", "l")


def test_deep_nesting_is_a_decode_error() -> None:
    # Deeper than the interpreter's recursion limit, which py-evm raises when it is imported.
    depth = sys.getrecursionlimit() + 100
    raw = b""
    for _ in range(depth):
        raw = encode_list_payload(raw)
    with pytest.raises(RLPDecodeError):
        rlp_decode(raw)


def test_nesting_up_to_max_depth_decodes() -> None:
    raw = b""
    for _ in range(MAX_RLP_DEPTH):
        raw = encode_list_payload(raw)
    item: Any = rlp_decode(raw)
    for _ in range(MAX_RLP_DEPTH - 1):
        item = item[0]
    assert item == []
    with pytest.raises(RLPDecodeError):
        rlp_decode(encode_list_payload(raw))


def test_encode_rejects_what_rlp_cannot_hold() -> None:
    with pytest.raises(ValueError):
        rlp_encode(-1)
    with pytest.raises(TypeError):
        rlp_encode("text")
    assert rlp_encode(range(3)) == rlp_encode([0, 1, 2])


encodable: Any = st.recursive(
    st.one_of(st.binary(max_size=80), st.integers(min_value=0, max_value=2**300)),
    lambda kids: st.lists(kids, max_size=8) | st.tuples(kids, kids),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None)
@given(encodable)
def test_encode_matches_the_rlp_package(value: Any) -> None:
    assert rlp_encode(value) == rlp.encode(value)


def _package_decode(raw: bytes) -> Any:
    try:
        return rlp.decode(raw, strict=True)
    except (rlp.exceptions.RLPException, IndexError, ValueError, TypeError):
        return "rejected"


def _our_decode(raw: bytes) -> Any:
    try:
        return rlp_decode(raw)
    except RLPDecodeError:
        return "rejected"


@settings(max_examples=400, deadline=None)
@given(encodable, st.data())
def test_decode_matches_the_rlp_package(value: Any, data: st.DataObject) -> None:
    raw = rlp.encode(value)
    assert _our_decode(raw) == _package_decode(raw) != "rejected"
    position = data.draw(st.integers(min_value=0, max_value=len(raw) - 1))
    mutated = bytearray(raw)
    mutated[position] = data.draw(st.integers(min_value=0, max_value=255))
    for hostile in (bytes(mutated), raw[:position], raw + b"\x00", bytes(mutated[position:])):
        if hostile:
            assert _our_decode(hostile) == _package_decode(hostile)


@settings(max_examples=400, deadline=None)
@given(st.binary(min_size=1, max_size=64))
def test_decode_of_random_bytes_matches_the_rlp_package(raw: bytes) -> None:
    assert _our_decode(raw) == _package_decode(raw)
