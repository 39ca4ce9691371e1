"""Real-process helpers for the process-safety tests: boot flags, a VM's pipes, log waits.

Every wait is bounded, so a regression (a hang, a missing log line) fails the test instead of
blocking the run.
"""

import json
import os
import select
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from op_program.preimage.channel import FdChannel, new_pipe
from op_program.preimage.process import spawn_with_fds
from tests.fixture_paths import fixtures_path

TIMEOUT = 300.0
"""Upper bound for any one process in these tests (a real proof takes seconds)."""

HOST = [sys.executable, "-m", "op_program.cli.main"]
CLIENT = [sys.executable, "-m", "op_program.client.entrypoint"]
WITNESS = ("fpp", "op-sepolia-16491249")


def boot() -> dict[str, str]:
    """The boot inputs of the real OP Sepolia witness."""
    data: dict[str, str] = json.loads(fixtures_path(*WITNESS, "boot.json").read_text())
    return data


def proof_flags(datadir: Path, claim: str | None = None) -> list[str]:
    """Host flags proving the real witness's claim (or ``claim``) offline from ``datadir``."""
    b = boot()
    return ["--network", b["network"], "--datadir", str(datadir), "--l1.head", b["l1_head"],
            "--l2.head", b["agreed_l2_head_hash"],
            "--l2.outputroot", b["agreed_l2_output_root"],
            "--l2.claim", claim or b["claimed_l2_output_root"],
            "--l2.blocknumber", str(b["claimed_l2_block_number"])]


def import_witness(datadir: Path, fmt: str = "lmdb") -> Path:
    """Import the real witness into ``datadir`` with the CLI; return ``datadir``."""
    subprocess.run([*HOST, "witness", "import", str(fixtures_path(*WITNESS, "preimages.json.gz")),
                    str(datadir), "--data.format", fmt],
                   check=True, capture_output=True, timeout=TIMEOUT)
    return datadir


def run(argv: list[str], timeout: float = TIMEOUT) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` to completion (bounded), capturing text output."""
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def wait_for(stream_fd: int, needle: str, timeout: float = TIMEOUT) -> str:
    """Read ``stream_fd`` until ``needle`` appears; return what was read (fail on timeout/EOF)."""
    deadline = time.monotonic() + timeout
    seen = b""
    while needle.encode() not in seen:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"{needle!r} not seen within {timeout}s: {seen[-3000:]!r}")
        ready, _, _ = select.select([stream_fd], [], [], remaining)
        if ready:
            chunk = os.read(stream_fd, 1 << 16)
            if not chunk:
                raise AssertionError(f"stream ended before {needle!r}: {seen[-3000:]!r}")
            seen += chunk
    return seen.decode(errors="replace")


def drain(stream_fd: int, timeout: float = TIMEOUT) -> str:
    """Read ``stream_fd`` to its end (bounded)."""
    deadline = time.monotonic() + timeout
    seen = b""
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"stream still open after {timeout}s: {seen[-3000:]!r}")
        ready, _, _ = select.select([stream_fd], [], [], remaining)
        if ready:
            chunk = os.read(stream_fd, 1 << 16)
            if not chunk:
                return seen.decode(errors="replace")
            seen += chunk


def wait_pid(pid: int, timeout: float = TIMEOUT) -> int:
    """Wait for child ``pid`` (bounded: SIGKILL and fail after ``timeout``); return its code."""
    pidfd = os.pidfd_open(pid)
    try:
        ready, _, _ = select.select([pidfd], [], [], timeout)
    finally:
        os.close(pidfd)
    if not ready:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        raise AssertionError(f"process {pid} still running after {timeout}s")
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


@dataclass
class VmWiring:
    """A host started as a VM starts it: fds 3-6 on pipes, stderr on a pipe we read.

    ``client_fds`` are the VM's ends (3 hint read, 4 hint write, 5 preimage read, 6 preimage
    write, numbered as the client sees them); the test keeps them open like Cannon does.
    """

    pid: int
    stderr_fd: int
    client_fds: dict[int, int]

    def channels(self) -> tuple[FdChannel, FdChannel]:
        """The VM side as (hint channel, preimage channel)."""
        fds = self.client_fds
        return FdChannel(fds[3], fds[4]), FdChannel(fds[5], fds[6])

    def close_client_fds(self) -> None:
        """Close the VM's ends (the host then sees end of stream)."""
        for fd in self.client_fds.values():
            try:
                os.close(fd)
            except OSError:
                pass  # already closed through a channel
        self.client_fds = {}


def start_server_host(argv: list[str]) -> VmWiring:
    """Start ``argv`` (an ``op-program … --server``) with crossed pipes on its fds 3-6."""
    hint_host_read, hint_client_write = new_pipe()
    hint_client_read, hint_host_write = new_pipe()
    pre_host_read, pre_client_write = new_pipe()
    pre_client_read, pre_host_write = new_pipe()
    err_read, err_write = os.pipe()
    host_fds = {2: err_write, 3: hint_host_read, 4: hint_host_write, 5: pre_host_read,
                6: pre_host_write}
    try:
        pid = spawn_with_fds(argv, host_fds)
    finally:
        for fd in host_fds.values():
            os.close(fd)
    return VmWiring(pid, err_read, {3: hint_client_read, 4: hint_client_write,
                                    5: pre_client_read, 6: pre_client_write})


def start_client(wiring: VmWiring, stderr_fd: int) -> int:
    """Start the real client process on the VM's ends (the test keeps its own copies)."""
    return spawn_with_fds(CLIENT, {2: stderr_fd, **wiring.client_fds})
