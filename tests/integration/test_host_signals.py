"""Signals and dying peers, with real processes on the real OP Sepolia witness (issue 11).

Cannon stops its preimage server with SIGINT one second after the VM exits and reports any exit
status but 0 as "failed to close pre-image server": our ``--server`` must then log that it is
shutting down and exit 0. A host interrupted mid-proof, a client killed mid-proof or a client
that vanishes mid-request must end in 2, never in a verdict.
"""

import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from op_program.encoding.hashing import keccak256
from op_program.preimage.hints import HintClient
from op_program.preimage.keys import keccak256_key, local_key
from op_program.preimage.oracle import OracleClient
from tests.integration.process_harness import (
    CLIENT,
    HOST,
    TIMEOUT,
    VmWiring,
    boot,
    drain,
    import_witness,
    proof_flags,
    start_client,
    start_server_host,
    wait_for,
    wait_pid,
)
from tests.unit.host.rpc_stub import StubNode

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def lmdb_datadir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return import_witness(tmp_path_factory.mktemp("signals") / "data", "lmdb")


@pytest.fixture
def wiring_cleanup() -> Iterator[list[VmWiring]]:
    started: list[VmWiring] = []
    yield started
    for wiring in started:
        wiring.close_client_fds()
        os.close(wiring.stderr_fd)
        try:
            os.kill(wiring.pid, signal.SIGKILL)
            os.waitpid(wiring.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass  # the test already reaped it


def test_cannon_shutdown_sequence_exits_0(lmdb_datadir: Path, tmp_path: Path,
                                          wiring_cleanup: list[VmWiring]) -> None:
    """Client finishes and exits, the VM (this test) keeps its pipe ends, then SIGINT."""
    wiring = start_server_host([*HOST, *proof_flags(lmdb_datadir), "--server"])
    wiring_cleanup.append(wiring)
    client_log = os.open(tmp_path / "client.log", os.O_WRONLY | os.O_CREAT, 0o644)
    client = start_client(wiring, client_log)
    os.close(client_log)
    client_code = wait_pid(client)
    assert client_code == 0, (tmp_path / "client.log").read_text()[-3000:]
    wait_for(wiring.stderr_fd, "Starting preimage server")
    os.kill(wiring.pid, signal.SIGINT)
    host_code = wait_pid(wiring.pid)
    log = drain(wiring.stderr_fd)
    assert host_code == 0, log[-3000:]
    assert "Shutting down" in log and "Traceback" not in log


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_idle_server_stops_cleanly_on_signal(lmdb_datadir: Path, signum: int,
                                             wiring_cleanup: list[VmWiring]) -> None:
    wiring = start_server_host([*HOST, *proof_flags(lmdb_datadir), "--server"])
    wiring_cleanup.append(wiring)
    hints, preimages = wiring.channels()
    b = boot()
    assert OracleClient(preimages).get(local_key(1)) == bytes.fromhex(b["l1_head"][2:])
    os.kill(wiring.pid, signum)
    assert wait_pid(wiring.pid) == 0
    log = drain(wiring.stderr_fd)
    assert "Shutting down" in log and signal.Signals(signum).name in log


@pytest.fixture
def slow_node() -> Iterator[tuple[StubNode, threading.Event]]:
    release = threading.Event()
    node = StubNode()
    node.methods["debug_dbGet"] = lambda params: release.wait(TIMEOUT) and None
    yield node, release
    release.set()
    node.close()


def test_server_interrupted_mid_request_exits_2(tmp_path: Path, slow_node: tuple[
        StubNode, threading.Event], wiring_cleanup: list[VmWiring]) -> None:
    node, _ = slow_node
    wiring = start_server_host([*HOST, *proof_flags(tmp_path / "data"), "--l1", node.url,
                                "--l2", node.url, "--l1.beacon", node.url, "--server"])
    wiring_cleanup.append(wiring)
    hints, preimages = wiring.channels()
    wanted = keccak256(b"a state node")
    HintClient(hints).hint(f"l2-state-node 0x{wanted.hex()}")
    preimages.write_all(keccak256_key(wanted))  # the host now fetches from the stalled node
    wait_for(wiring.stderr_fd, "Starting preimage server")
    deadline = time.monotonic() + TIMEOUT
    while "debug_dbGet" not in node.calls:
        assert wait_pid_nohang(wiring.pid) is None and time.monotonic() < deadline
        time.sleep(0.05)
    os.kill(wiring.pid, signal.SIGINT)
    assert wait_pid(wiring.pid) == 2
    log = drain(wiring.stderr_fd)
    assert "Interrupted while serving a request" in log and "Traceback" not in log


def wait_pid_nohang(pid: int) -> int | None:
    done, status = os.waitpid(pid, os.WNOHANG)
    return os.waitstatus_to_exitcode(status) if done else None


@pytest.mark.parametrize("sent", [1, 16, 31])
def test_client_disconnecting_mid_request_is_exit_2(lmdb_datadir: Path, sent: int,
                                                    wiring_cleanup: list[VmWiring]) -> None:
    """Part of a key and then gone: the server exits 2.

    A whole key followed by a close is not tested: the answer fits in the pipe buffer, so the
    server may finish writing it before it sees the close (then the close falls between
    requests, a clean end) or after (a broken pipe): which one is a race, not a rule.
    """
    wiring = start_server_host([*HOST, *proof_flags(lmdb_datadir), "--server"])
    wiring_cleanup.append(wiring)
    hints, preimages = wiring.channels()
    assert OracleClient(preimages).get(local_key(4))
    preimages.write_all(keccak256_key(bytes.fromhex(boot()["agreed_l2_output_root"][2:]))[:sent])
    wiring.close_client_fds()
    assert wait_pid(wiring.pid) == 2
    log = drain(wiring.stderr_fd)
    assert "disconnected in the middle of a request" in log


def test_invalid_key_type_is_named(lmdb_datadir: Path, wiring_cleanup: list[VmWiring]) -> None:
    wiring = start_server_host([*HOST, *proof_flags(lmdb_datadir), "--server"])
    wiring_cleanup.append(wiring)
    _, preimages = wiring.channels()
    preimages.write_all(b"\x03" + b"\x11" * 31)
    assert wait_pid(wiring.pid) == 2
    log = drain(wiring.stderr_fd)
    assert "invalid key type 0x03" in log and "no hint to fetch it" not in log


def _start(argv: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)


def _finish(proc: subprocess.Popen[bytes]) -> tuple[int, str]:
    try:
        _, err = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise AssertionError("host still running after the signal") from None
    return proc.returncode, err.decode(errors="replace")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_in_process_host_interrupted_mid_proof_exits_2(lmdb_datadir: Path, signum: int) -> None:
    proc = _start([*HOST, *proof_flags(lmdb_datadir)])
    assert proc.stderr is not None
    seen = wait_for(proc.stderr.fileno(), "Program bootstrapped")
    proc.send_signal(signum)
    code, rest = _finish(proc)
    log = seen + rest
    assert code == 2, log[-3000:]
    assert "Interrupted before the client reached a verdict" in log
    assert "Traceback" not in log and "Claim successfully verified" not in log


def _child_pid(log: str) -> int:
    line = next(x for x in log.splitlines() if "Started client process" in x)
    return int(line.split("pid=")[1].split()[0])


def test_exec_host_interrupted_mid_proof_stops_its_client(lmdb_datadir: Path) -> None:
    proc = _start([*HOST, *proof_flags(lmdb_datadir), "--exec", " ".join(CLIENT)])
    assert proc.stderr is not None
    seen = wait_for(proc.stderr.fileno(), "Program bootstrapped")
    child = _child_pid(seen)
    proc.send_signal(signal.SIGINT)  # to the host only, not to its process group
    code, rest = _finish(proc)
    log = seen + rest
    assert code == 2, log[-3000:]
    assert "Interrupted before the client reached a verdict" in log
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)  # stopped and reaped by the host


def test_client_killed_mid_proof_is_exit_2(lmdb_datadir: Path) -> None:
    proc = _start([*HOST, *proof_flags(lmdb_datadir), "--exec", " ".join(CLIENT)])
    assert proc.stderr is not None
    seen = wait_for(proc.stderr.fileno(), "Program bootstrapped")
    os.kill(_child_pid(seen), signal.SIGKILL)
    code, rest = _finish(proc)
    log = seen + rest
    assert code == 2, log[-3000:]
    assert "killed before a verdict signal=SIGKILL" in log or "disconnected" in log
