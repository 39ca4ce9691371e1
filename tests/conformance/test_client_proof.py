"""The whole proof of op-sepolia block 16491249 from the real witness, in process (issue 5)."""

import hashlib
import logging

import pytest

from op_program.client.program import run
from op_program.exit_codes import ExitCode
from tests.unit.client.witness import DictOracle, flip_bit, witness, witness_oracle

pytestmark = [pytest.mark.conformance, pytest.mark.slow]

BATCH_L1_BLOCK = 6582952


def _claim() -> str:
    return str(witness()[1]["claimed_l2_output_root"])


@pytest.fixture(scope="module")
def valid_run() -> DictOracle:
    oracle = witness_oracle()
    with_logs = logging.getLogger("op_program")
    with_logs.setLevel(logging.INFO)
    assert run(oracle, oracle) == ExitCode.VALID
    return oracle


def test_given_claim_is_valid(valid_run: DictOracle) -> None:
    hints = valid_run.hints
    assert any(h.startswith("l1-blob 0x") for h in hints)
    assert any(h.startswith("l2-state-node 0x") for h in hints)
    assert any(h.startswith("l1-precompile-v2 0x") for h in hints)


@pytest.mark.parametrize("bit", [0, 255])
def test_flipped_claim_bit_is_invalid(bit: int, caplog: pytest.LogCaptureFixture) -> None:
    claimed = flip_bit(_claim(), bit)
    oracle = witness_oracle(claimed_l2_output_root=claimed)
    assert run(oracle, oracle) == ExitCode.INVALID
    assert claimed[2:] in caplog.text and _claim()[2:] in caplog.text


def test_determinism_of_the_request_sequence(valid_run: DictOracle) -> None:
    again = witness_oracle()
    assert run(again, again) == ExitCode.VALID
    first = hashlib.sha256(b"".join(valid_run.requests)).hexdigest()
    assert hashlib.sha256(b"".join(again.requests)).hexdigest() == first
    assert again.hints == valid_run.hints


@pytest.mark.parametrize("pick", ["first-blob", "state-node", "l1-receipts-node", "last"])
def test_removed_preimage_is_an_error_naming_it(
    valid_run: DictOracle, pick: str, caplog: pytest.LogCaptureFixture
) -> None:
    key = _pick(valid_run, pick)
    oracle = witness_oracle()
    oracle.removed = frozenset({key})
    assert run(oracle, oracle) == ExitCode.ERROR
    assert f"last_key=0x{key.hex()}" in caplog.text


@pytest.mark.parametrize(
    "pick", ["first-blob", "state-node", "l1-receipts-node", "last", "precompile"]
)
def test_altered_preimage_is_an_error(valid_run: DictOracle, pick: str) -> None:
    key = _pick(valid_run, pick)
    table, _ = witness()
    value = bytearray(table[key])
    value[len(value) // 2] ^= 0x01
    oracle = witness_oracle()
    oracle.overlay[key] = bytes(value)
    assert run(oracle, oracle) == ExitCode.ERROR


def test_altered_blob_is_named_although_its_check_is_deferred(
    valid_run: DictOracle, caplog: pytest.LogCaptureFixture
) -> None:
    """Blob checks run after derivation (one MSM for all); the verdict still waits for them."""
    keys = [k for k in valid_run.requests if k[0] == 5]
    key = keys[len(keys) // 2]
    table, _ = witness()
    value = bytearray(table[key])
    value[31] ^= 0x01  # still a canonical field element: only the KZG check can see it
    oracle = witness_oracle()
    oracle.overlay[key] = bytes(value)
    assert run(oracle, oracle) == ExitCode.ERROR
    assert "does not match its KZG commitment" in caplog.text


def _pick(valid: DictOracle, pick: str) -> bytes:
    keys = [k for k in valid.requests if k[0] != 1]
    if pick == "first-blob":
        return next(k for k in keys if k[0] == 5)
    if pick == "precompile":
        return next(k for k in keys if k[0] == 6)
    if pick == "last":
        return keys[-1]
    # the key requested right after the first hint of the given kind
    prefix = {"state-node": "l2-state-node 0x", "l1-receipts-node": "l1-receipts 0x"}[pick]
    hint = next(h for h in valid.hints if h.startswith(prefix))
    if pick == "state-node":
        return b"\x02" + bytes.fromhex(hint[len(prefix) :])[1:]
    block_hash = bytes.fromhex(hint[len(prefix) :])
    from op_program.protocol.header import Header

    header = Header.decode(witness()[0][b"\x02" + block_hash[1:]])
    return b"\x02" + header.receipts_root[1:]


def _l1_hash(number: int) -> str:
    from op_program.protocol.header import Header

    table, boot = witness()
    block_hash = bytes.fromhex(boot["l1_head"][2:])
    while True:
        header = Header.decode(table[b"\x02" + block_hash[1:]])
        if header.number == number:
            return "0x" + block_hash.hex()
        block_hash = header.parent_hash


def test_claim_beyond_what_the_l1_head_supports() -> None:
    # With the L1 head at the batch's block, L1 data ends right after 16491249 is derived:
    # the output root is taken at the safe head reached (min(claimed block, safe head)).
    head = _l1_hash(BATCH_L1_BLOCK)
    oracle = witness_oracle(l1_head=head, claimed_l2_block_number=16491260)
    assert run(oracle, oracle) == ExitCode.VALID
    wrong = witness_oracle(
        l1_head=head, claimed_l2_block_number=16491260, claimed_l2_output_root=flip_bit(_claim(), 3)
    )
    assert run(wrong, wrong) == ExitCode.INVALID


def test_custom_chain_configs_from_local_keys_6_and_7() -> None:
    import json

    from op_program.config.registry import rollup_config_by_chain_id
    from op_program.config.rollup_json import rollup_config_to_json
    from op_program.local_keys import CUSTOM_CHAIN_ID
    from op_program.preimage.keys import local_key

    rollup = rollup_config_by_chain_id(11155420)
    oracle = witness_oracle(l2_chain_id=CUSTOM_CHAIN_ID)
    oracle.overlay[local_key(6)] = json.dumps({"chainId": 11155420}).encode()
    oracle.overlay[local_key(7)] = json.dumps(rollup_config_to_json(rollup)).encode()
    assert run(oracle, oracle) == ExitCode.VALID
    assert local_key(7) in oracle.requests


def test_random_altered_preimages_are_errors(valid_run: DictOracle) -> None:
    import random

    table, _ = witness()
    needed = sorted({k for k in valid_run.requests if k[0] != 1})
    rng = random.Random(16491249)
    for key in rng.sample(needed, 6):
        value = bytearray(table[key])
        value[rng.randrange(len(value))] ^= 1 << rng.randrange(8)
        oracle = witness_oracle()
        oracle.overlay[key] = bytes(value)
        assert run(oracle, oracle) == ExitCode.ERROR, key.hex()
