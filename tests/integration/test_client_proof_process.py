"""The whole real proof with op-program-client as a child process on real pipes (issue 5)."""

import hashlib

import pytest

from op_program.exit_codes import ExitCode
from op_program.preimage.keys import keccak256_key
from tests.integration.test_client_process import _serve
from tests.unit.client.witness import witness, witness_oracle

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _claim() -> str:
    return str(witness()[1]["claimed_l2_output_root"])


def test_child_proves_the_given_claim() -> None:
    oracle = witness_oracle()
    code, err = _serve(oracle)
    assert code == ExitCode.VALID, err[-2000:]
    # a standalone client logs logfmt by default, like the Go client
    assert 'msg="Claim successfully verified" block=16491249' in err
    assert 'msg="L2 blocks" built=1' in err
    # the same requests as in process: nothing depends on the process or its hash seed
    again = witness_oracle()
    from op_program.client.program import run

    assert run(again, again) == ExitCode.VALID
    assert len(again.requests) == len(oracle.requests)
    digest = hashlib.sha256(b"".join(oracle.requests)).digest()
    assert hashlib.sha256(b"".join(again.requests)).digest() == digest


def test_child_rejects_a_flipped_claim() -> None:
    value = bytearray(bytes.fromhex(_claim()[2:]))
    value[31] ^= 0x01
    oracle = witness_oracle(claimed_l2_output_root="0x" + value.hex())
    code, err = _serve(oracle)
    assert code == ExitCode.INVALID, err[-2000:]
    assert value.hex() in err and _claim()[2:] in err


def test_child_names_a_missing_blob_element() -> None:
    from op_program.client.program import run

    probe = witness_oracle()
    assert run(probe, probe) == ExitCode.VALID
    key = [k for k in probe.requests if k[0] == 5][100]
    oracle = witness_oracle()
    oracle.removed = frozenset({key})
    code, err = _serve(oracle)
    assert code == ExitCode.ERROR, err[-2000:]
    assert key.hex() in err


def test_child_rejects_an_altered_state_node() -> None:
    oracle = witness_oracle()
    from op_program.client.program import run

    assert run(oracle, oracle) == ExitCode.VALID
    hint = next(h for h in oracle.hints if h.startswith("l2-state-node 0x"))
    key = keccak256_key(bytes.fromhex(hint.split("0x")[1]))
    value = bytearray(witness()[0][key])
    value[-1] ^= 0x01
    altered = witness_oracle()
    altered.overlay[key] = bytes(value)
    code, err = _serve(altered)
    assert code == ExitCode.ERROR, err[-2000:]
    assert key.hex() in err
