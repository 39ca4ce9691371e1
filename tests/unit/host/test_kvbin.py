"""kv.bin codec: round-trips, the reference tools' layout, typed errors on truncation."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from op_program.host.kvbin import KvBinError, decode_kvbin, encode_kvbin

records = st.lists(st.tuples(st.binary(min_size=32, max_size=32), st.binary(max_size=300)),
                   max_size=20)


@given(records)
def test_round_trip(items: list[tuple[bytes, bytes]]) -> None:
    assert list(decode_kvbin(encode_kvbin(items))) == items


def test_layout_is_key_length_value() -> None:
    key = bytes(range(32))
    assert encode_kvbin([(key, b"abc")]) == key + b"\x00\x00\x00\x03abc"
    assert encode_kvbin([]) == b""


@given(records.filter(bool), st.data())
def test_truncation_is_a_typed_error(items: list[tuple[bytes, bytes]], data: st.DataObject) -> None:
    encoded = encode_kvbin(items)
    cut = data.draw(st.integers(min_value=1, max_value=len(encoded) - 1))
    boundaries = {0}
    position = 0
    for _, value in items:
        position += 36 + len(value)
        boundaries.add(position)
    if cut in boundaries:
        assert len(list(decode_kvbin(encoded[:cut]))) < len(items)
    else:
        with pytest.raises(KvBinError):
            list(decode_kvbin(encoded[:cut]))


def test_a_huge_declared_length_fails_without_allocating() -> None:
    with pytest.raises(KvBinError, match="truncated"):
        list(decode_kvbin(bytes(32) + b"\xff\xff\xff\xff" + b"x"))


def test_bad_keys_cannot_be_written() -> None:
    with pytest.raises(KvBinError):
        encode_kvbin([(bytes(31), b"")])
