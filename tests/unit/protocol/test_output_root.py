import pytest

from op_program.encoding.hashing import keccak256
from op_program.protocol.errors import OutputRootDecodeError
from op_program.protocol.output_root import OutputV0, output_root_v0, super_root_v1


def test_output_root_v0_formula() -> None:
    a, b, c = b"\x01" * 32, b"\x02" * 32, b"\x03" * 32
    assert output_root_v0(a, b, c) == keccak256(bytes(32) + a + b + c)


def test_output_v0_codec() -> None:
    output = OutputV0(bytes(range(32)), bytes(range(32, 64)), bytes(range(64, 96)))
    raw = output.encode()
    assert len(raw) == 128
    assert OutputV0.decode(raw) == output
    assert output.root == keccak256(raw)


def test_output_v0_rejects_bad_version_and_length() -> None:
    raw = bytearray(128)
    raw[0] = 0x0A
    with pytest.raises(OutputRootDecodeError):
        OutputV0.decode(bytes(raw))
    short = bytearray(65)
    short[64] = 1
    with pytest.raises(OutputRootDecodeError):
        OutputV0.decode(bytes(short))


def test_super_root_sorts_by_chain_id() -> None:
    outputs = [(2, b"\x02" * 32), (1, b"\x01" * 32)]
    expected = keccak256(
        b"\x01" + (7).to_bytes(8, "big")
        + (1).to_bytes(32, "big") + b"\x01" * 32
        + (2).to_bytes(32, "big") + b"\x02" * 32
    )
    assert super_root_v1(7, outputs) == expected
