"""Trace extension on the real witness: the claimed block is at or below the agreed head."""

import hashlib

import pytest

from op_program.client.program import run
from op_program.exit_codes import ExitCode
from op_program.local_keys import LocalKey
from op_program.preimage.keys import local_key
from tests.unit.client.witness import DictOracle, flip_bit, witness, witness_oracle

pytestmark = pytest.mark.conformance

AGREED_NUMBER = 16491248


def _agreed_root() -> str:
    return str(witness()[1]["agreed_l2_output_root"])


def test_claim_at_agreed_block_equal_to_agreed_root_is_valid() -> None:
    oracle = witness_oracle(
        claimed_l2_block_number=AGREED_NUMBER, claimed_l2_output_root=_agreed_root()
    )
    assert run(oracle, oracle) == ExitCode.VALID
    assert not any(h.startswith("l1-") for h in oracle.hints)


@pytest.mark.parametrize("bit", [0, 7, 100, 255])
def test_claim_at_agreed_block_with_flipped_bit_is_invalid(
    bit: int, caplog: pytest.LogCaptureFixture
) -> None:
    claimed = flip_bit(_agreed_root(), bit)
    oracle = witness_oracle(claimed_l2_block_number=AGREED_NUMBER, claimed_l2_output_root=claimed)
    assert run(oracle, oracle) == ExitCode.INVALID
    assert claimed[2:] in caplog.text
    assert _agreed_root()[2:] in caplog.text


def test_claim_below_agreed_block_needs_that_block(caplog: pytest.LogCaptureFixture) -> None:
    # The output root is computed at the claimed block (DESIGN §5). The witness has the
    # headers below the agreed head but not their state, so this is a program error that
    # names the missing state-node key.
    oracle = witness_oracle(
        claimed_l2_block_number=AGREED_NUMBER - 1, claimed_l2_output_root=_agreed_root()
    )
    assert run(oracle, oracle) == ExitCode.ERROR
    assert "last_key=0x02" in caplog.text
    assert "phase=epilogue" in caplog.text


def _needed_keys() -> list[bytes]:
    oracle = witness_oracle(
        claimed_l2_block_number=AGREED_NUMBER, claimed_l2_output_root=_agreed_root()
    )
    assert run(oracle, oracle) == ExitCode.VALID
    keys = [k for k in oracle.requests if k[0] != 1]
    assert len(keys) == 9  # agreed output, its head header, the state path to the message passer
    return keys


def test_every_needed_preimage_removed_gives_error_naming_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    for key in _needed_keys():
        caplog.clear()
        oracle = witness_oracle(
            claimed_l2_block_number=AGREED_NUMBER, claimed_l2_output_root=_agreed_root()
        )
        oracle.removed = frozenset({key})
        assert run(oracle, oracle) == ExitCode.ERROR
        assert f"last_key=0x{key.hex()}" in caplog.text


def test_every_needed_preimage_altered_gives_error() -> None:
    table, _ = witness()
    for key in _needed_keys():
        value = bytearray(table[key])
        value[len(value) // 2] ^= 0x40
        oracle = witness_oracle(
            claimed_l2_block_number=AGREED_NUMBER, claimed_l2_output_root=_agreed_root()
        )
        oracle.overlay[key] = bytes(value)
        assert run(oracle, oracle) == ExitCode.ERROR


def test_request_sequence_is_deterministic() -> None:
    digests = set()
    for _ in range(2):
        oracle = witness_oracle(
            claimed_l2_block_number=AGREED_NUMBER, claimed_l2_output_root=_agreed_root()
        )
        run(oracle, oracle)
        digests.add(hashlib.sha256(b"".join(oracle.requests)).hexdigest())
    assert len(digests) == 1


def test_unknown_local_key_layout_is_an_error() -> None:
    table, boot = witness()
    oracle = witness_oracle()
    oracle.overlay[local_key(LocalKey.CLAIMED_BLOCK_NUMBER)] = b"\x01"  # not 8 bytes
    assert isinstance(oracle, DictOracle)
    assert run(oracle, oracle) == ExitCode.ERROR
