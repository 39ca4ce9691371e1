"""The op-program-client process on real pipes (fds 3-6), served from the real witness."""

import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from op_program.exit_codes import ExitCode
from op_program.preimage.errors import ChannelClosedError
from op_program.preimage.keys import keccak256_key
from op_program.preimage.process import spawn_client
from op_program.preimage.server import HintServer, OracleServer
from tests.unit.client.witness import DictOracle, witness, witness_oracle

pytestmark = pytest.mark.integration

AGREED_NUMBER = 16491248
CLIENT_ARGV = [sys.executable, "-m", "op_program.client.entrypoint"]


def _serve(oracle: DictOracle) -> tuple[int, str]:
    """Run the client child against ``oracle``; return its exit code and its stderr."""
    with tempfile.TemporaryFile() as err:
        proc = spawn_client(CLIENT_ARGV, stdio={2: err.fileno()})
        hints = threading.Thread(
            target=_quietly, args=(HintServer(proc.channels.hint).serve, oracle.hint)
        )
        hints.start()
        try:
            _quietly(OracleServer(proc.channels.preimage).serve, oracle.get)
        finally:
            # Closing our ends makes a client still waiting for a preimage see end of stream.
            proc.channels.preimage.close()
            code = proc.wait(timeout=120)
            if code is None:
                proc.kill()
                code = proc.wait()
            assert code is not None
            proc.channels.hint.close()
            hints.join()
        err.seek(0)
        return int(code), err.read().decode(errors="replace")


def _quietly(serve: Any, handler: Any) -> None:
    try:
        serve(handler)
    except (KeyError, ChannelClosedError, OSError):
        pass


@contextmanager
def _trace_extension(**extra: Any) -> Iterator[DictOracle]:
    root = witness()[1]["agreed_l2_output_root"]
    yield witness_oracle(
        claimed_l2_block_number=AGREED_NUMBER, claimed_l2_output_root=root, **extra
    )


def test_child_process_valid_claim() -> None:
    with _trace_extension() as oracle:
        code, err = _serve(oracle)
    assert code == ExitCode.VALID, err
    assert "Claim successfully verified" in err
    assert any(h.startswith("l2-output 0x") for h in oracle.hints)


def test_child_process_invalid_claim() -> None:
    table, boot = witness()
    root = bytearray(bytes.fromhex(boot["agreed_l2_output_root"][2:]))
    root[0] ^= 0x80
    oracle = witness_oracle(
        claimed_l2_block_number=AGREED_NUMBER, claimed_l2_output_root="0x" + root.hex()
    )
    code, err = _serve(oracle)
    assert code == ExitCode.INVALID, err
    assert root.hex() in err


def test_child_process_missing_preimage_names_the_key() -> None:
    with _trace_extension() as oracle:
        head = bytes.fromhex(witness()[1]["agreed_l2_head_hash"][2:])
        missing = keccak256_key(head)
        oracle.removed = frozenset({missing})
        code, err = _serve(oracle)
    assert code == ExitCode.ERROR, err
    assert missing.hex() in err


def test_child_process_altered_preimage_is_an_error() -> None:
    with _trace_extension() as oracle:
        head = bytes.fromhex(witness()[1]["agreed_l2_head_hash"][2:])
        key = keccak256_key(head)
        value = bytearray(witness()[0][key])
        value[-1] ^= 1
        oracle.overlay[key] = bytes(value)
        code, err = _serve(oracle)
    assert code == ExitCode.ERROR, err


def test_child_without_fds_fails_cleanly() -> None:
    with tempfile.TemporaryFile() as err:
        pid = os.posix_spawn(
            sys.executable, CLIENT_ARGV, dict(os.environ),
            file_actions=[(os.POSIX_SPAWN_CLOSE, fd) for fd in (3, 4, 5, 6)]
            + [(os.POSIX_SPAWN_DUP2, err.fileno(), 2)],
        )  # fmt: skip
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == ExitCode.ERROR
