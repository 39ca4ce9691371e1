"""The offline proof of the real OP Sepolia block 16491249 through the real CLI (issue 6).

Import the fixture witness into a datadir, then run ``op-program`` offline: the right claim
exits 0, a wrong claim exits 1 — in-process, with ``--exec op-program-client``, with the LMDB
store, and in ``--server`` mode driven by a harness that plays the VM.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from op_program.host.kvstore.directory import directory_path
from op_program.preimage.channel import new_pipe
from op_program.preimage.keys import keccak256_key
from op_program.preimage.process import spawn_with_fds
from tests.fixture_paths import fixtures_path

pytestmark = [pytest.mark.integration, pytest.mark.slow]
WRONG_CLAIM = "0x" + "ab" * 32
TIMEOUT = 1800


@pytest.fixture(scope="module")
def boot() -> dict[str, str]:
    data: dict[str, str] = json.loads(
        fixtures_path("fpp", "op-sepolia-16491249", "boot.json").read_text())
    return data


@pytest.fixture(scope="module")
def datadirs() -> Iterator[dict[str, Path]]:
    witness = fixtures_path("fpp", "op-sepolia-16491249", "preimages.json.gz")
    root = Path(tempfile.mkdtemp(prefix="fpp-"))
    dirs = {}
    for fmt in ("directory", "lmdb"):
        dirs[fmt] = root / fmt
        subprocess.run([sys.executable, "-m", "op_program.cli.main", "witness", "import",
                        str(witness), str(dirs[fmt]), "--data.format", fmt],
                       check=True, capture_output=True, timeout=TIMEOUT)
    yield dirs
    shutil.rmtree(root, ignore_errors=True)


def host_argv(boot: dict[str, str], datadir: Path, claim: str | None = None) -> list[str]:
    return [sys.executable, "-m", "op_program.cli.main", "--network", boot["network"],
            "--datadir", str(datadir), "--l1.head", boot["l1_head"],
            "--l2.head", boot["agreed_l2_head_hash"],
            "--l2.outputroot", boot["agreed_l2_output_root"],
            "--l2.claim", claim or boot["claimed_l2_output_root"],
            "--l2.blocknumber", str(boot["claimed_l2_block_number"])]


def check(code: int, log: str, expected: int) -> None:
    """Assert the exact verdict, showing the end of the logs otherwise."""
    assert code == expected, log[-3000:]


def run(argv: list[str]) -> tuple[int, str]:
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT)
    return proc.returncode, proc.stderr


@pytest.mark.parametrize("fmt", ["directory", "lmdb"])
def test_offline_proof_in_process(boot: dict[str, str], datadirs: dict[str, Path],
                                  fmt: str) -> None:
    check(*run(host_argv(boot, datadirs[fmt])), 0)
    check(*run(host_argv(boot, datadirs[fmt], WRONG_CLAIM)), 1)


def test_corrupt_stored_value_in_process_is_an_error(boot: dict[str, str],
                                                     datadirs: dict[str, Path]) -> None:
    """The in-process host leaves re-hashing to the client, which must still refuse it."""
    key = keccak256_key(bytes.fromhex(boot["l1_head"][2:]))
    path = directory_path(datadirs["directory"], key)
    original = path.read_bytes()
    try:
        path.write_bytes(original[:-2] + (b"00" if original[-2:] != b"00" else b"11"))
        code, log = run(host_argv(boot, datadirs["directory"]))
    finally:
        path.write_bytes(original)
    check(code, log, 2)
    assert "does not hash to it" in log, log[-3000:]


def test_offline_proof_exec_client(boot: dict[str, str], datadirs: dict[str, Path]) -> None:
    client = shutil.which("op-program-client") or "op-program-client"
    argv = host_argv(boot, datadirs["directory"])
    check(*run([*argv, "--exec", client]), 0)
    wrong = host_argv(boot, datadirs["directory"], WRONG_CLAIM)
    check(*run([*wrong, "--exec", client]), 1)


@pytest.mark.parametrize(("claim", "expected"), [(None, 0), (WRONG_CLAIM, 1)])
def test_offline_proof_server_mode(boot: dict[str, str], datadirs: dict[str, Path],
                                   tmp_path: Path, claim: str | None, expected: int) -> None:
    """Play the VM: the host serves its own fds 3-6, the client runs on the other ends."""
    a_read, b_write = new_pipe()  # hints client → host
    b_read, a_write = new_pipe()  # hint acks host → client
    c_read, d_write = new_pipe()  # preimage requests client → host
    d_read, c_write = new_pipe()  # preimages host → client
    host_log = os.open(tmp_path / "host.log", os.O_WRONLY | os.O_CREAT, 0o644)
    client_log = os.open(tmp_path / "client.log", os.O_WRONLY | os.O_CREAT, 0o644)
    host = spawn_with_fds([*host_argv(boot, datadirs["directory"], claim), "--server"],
                          {2: host_log, 3: a_read, 4: a_write, 5: c_read, 6: c_write})
    client = spawn_with_fds([sys.executable, "-m", "op_program.client.entrypoint"],
                            {2: client_log, 3: b_read, 4: b_write, 5: d_read, 6: d_write})
    for fd in (a_read, b_write, b_read, a_write, c_read, d_write, d_read, c_write,
               host_log, client_log):
        os.close(fd)
    client_code = os.waitstatus_to_exitcode(os.waitpid(client, 0)[1])
    host_code = os.waitstatus_to_exitcode(os.waitpid(host, 0)[1])
    log = (tmp_path / "client.log").read_text() + (tmp_path / "host.log").read_text()
    check(client_code, log, expected)
    assert host_code == 0, log[-3000:]
