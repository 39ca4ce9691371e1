"""Preimage and hint wire over real OS pipes with a real child process on fds 3-6."""

import hashlib
import json
import os
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from op_program.preimage.channel import FdChannel, new_pipe
from op_program.preimage.errors import (
    ChannelClosedError,
    HintChannelClosedError,
    OracleChannelClosedError,
)
from op_program.preimage.hints import HintClient
from op_program.preimage.keys import local_key
from op_program.preimage.oracle import OracleClient
from op_program.preimage.process import (
    ClientProcess,
    shared_cpu,
    spawn_client,
    spawn_with_fds,
)
from op_program.preimage.server import HintServer, OracleServer

pytestmark = pytest.mark.integration

PEER = str(Path(__file__).with_name("preimage_peer.py"))
TIMEOUT = 60.0
SIZES = [0, 1, 32, 10 * 1024 * 1024]
STORE = {local_key(i + 1): os.urandom(size) for i, size in enumerate(SIZES)}


@dataclass
class Host:
    """A spawned client child plus server threads on the host ends."""

    child: ClientProcess
    stdout_fd: int
    hints: list[str] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)
    threads: list[threading.Thread] = field(default_factory=list)

    def serve(self, getter: Callable[[bytes], bytes], handler: Callable[[str], None]) -> None:
        def run(loop: Callable[[], None]) -> None:
            try:
                loop()
            except BaseException as exc:  # surfaced by finish()
                self.errors.append(exc)

        for loop in (
            lambda: OracleServer(self.child.channels.preimage).serve(getter),
            lambda: HintServer(self.child.channels.hint).serve(handler),
        ):
            thread = threading.Thread(target=run, args=(loop,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def finish(self) -> tuple[int | None, list[dict[str, Any]]]:
        """Wait for the child and the servers; return the exit code and the child's lines.

        The child is waited for before its output is read, so a child stuck on the protocol (say,
        waiting for a hint ack that never comes) fails the test after TIMEOUT instead of hanging it.
        """
        code = self.child.wait(timeout=TIMEOUT)
        if code is None:
            self.child.kill()
            self.child.wait()
        with os.fdopen(self.stdout_fd, "rb") as stdout:
            lines = [json.loads(line) for line in stdout]
        assert code is not None, f"client child did not finish within {TIMEOUT}s: {lines}"
        for thread in self.threads:
            thread.join(timeout=TIMEOUT)
        assert not any(thread.is_alive() for thread in self.threads), "server loop did not stop"
        return code, lines


@pytest.fixture
def spawn() -> Iterator[Callable[..., Host]]:
    hosts: list[Host] = []

    def start(*ops: str, cpu: int | None = None) -> Host:
        read_fd, write_fd = new_pipe()
        try:
            child = spawn_client(
                [sys.executable, PEER, "client", *ops], stdio={1: write_fd}, cpu=cpu
            )
        finally:
            os.close(write_fd)
        host = Host(child, read_fd)
        hosts.append(host)
        return host

    yield start
    for host in hosts:
        if host.child.poll() is None:
            host.child.kill()
            host.child.wait()
        host.child.channels.close()


def test_child_gets_preimages_of_all_sizes(spawn: Callable[..., Host]) -> None:
    host = spawn(*(f"get:{key.hex()}" for key in STORE))
    host.serve(STORE.__getitem__, host.hints.append)
    code, lines = host.finish()
    assert code == 0
    assert [line["len"] for line in lines] == SIZES
    assert [line["sha256"] for line in lines] == [
        hashlib.sha256(value).hexdigest() for value in STORE.values()
    ]
    assert host.errors == []  # both server loops stopped cleanly at EOF


def test_child_hints_up_to_1mb_and_ack_on_failure(spawn: Callable[..., Host]) -> None:
    key = local_key(3)
    host = spawn(
        "hint:l1-block-header 0x01",
        "hint:fail please",
        f"get:{key.hex()}",
        "hintlen:0",
        "hintlen:1048576",
    )

    def handler(hint: str) -> None:
        host.hints.append(hint)
        if hint.startswith("fail"):
            raise RuntimeError("handler failure")

    host.serve(STORE.__getitem__, handler)
    code, lines = host.finish()
    assert code == 0
    assert [line.get("acked") for line in lines] == [True, True, None, True, True]
    assert lines[2]["len"] == 32
    assert host.hints == ["l1-block-header 0x01", "fail please", "", "h" * 1048576]
    assert host.errors == []


def test_child_gets_typed_error_when_host_dies_mid_response(spawn: Callable[..., Host]) -> None:
    host = spawn(f"get:{local_key(4).hex()}")
    channel = host.child.channels.preimage
    assert channel.read_exact(32) == local_key(4)
    channel.write_all((10 * 1024 * 1024).to_bytes(8, "big"), b"x" * 1000)
    host.child.channels.close()  # the host is gone: its pipe ends close
    code, lines = host.finish()
    assert code == 3
    assert lines[-1]["error"] == "OracleChannelClosedError"


def test_child_gets_typed_error_when_host_dies_before_ack(spawn: Callable[..., Host]) -> None:
    host = spawn("hint:l2-code 0x00")
    channel = host.child.channels.hint
    channel.read_exact(4 + len("l2-code 0x00"))
    host.child.channels.close()
    code, lines = host.finish()
    assert code == 3
    assert lines[-1]["error"] == "HintChannelClosedError"


def test_child_sees_only_stdio_and_fds_3_to_6(spawn: Callable[..., Host]) -> None:
    host = spawn("fds")
    host.serve(STORE.__getitem__, host.hints.append)
    code, lines = host.finish()
    assert code == 0
    fds = set(lines[0]["fds"])
    assert {0, 1, 2, 3, 4, 5, 6} <= fds
    assert len(fds - {0, 1, 2, 3, 4, 5, 6}) <= 1  # the directory listing's own fd


def test_pinned_child_runs_on_one_cpu(spawn: Callable[..., Host]) -> None:
    cpu = shared_cpu()
    host = spawn(f"get:{local_key(2).hex()}", "fds", cpu=cpu)
    assert os.sched_getaffinity(host.child.pid) == {cpu}
    host.serve(STORE.__getitem__, host.hints.append)
    code, lines = host.finish()
    assert code == 0 and lines[0]["len"] == 1


def _spawn_dying_server(mode: str) -> tuple[int, FdChannel, FdChannel]:
    """Start a server child on the host ends; return its pid and the parent's client ends."""
    hint_in, hint_client_w = new_pipe()
    hint_client_r, ack_out = new_pipe()
    keys_in, pre_client_w = new_pipe()
    pre_client_r, resp_out = new_pipe()
    server_ends = {3: hint_in, 4: ack_out, 5: keys_in, 6: resp_out}
    try:
        pid = spawn_with_fds([sys.executable, PEER, "server", mode], server_ends)
    finally:
        for fd in server_ends.values():
            os.close(fd)
    return pid, FdChannel(hint_client_r, hint_client_w), FdChannel(pre_client_r, pre_client_w)


def _call_with_timeout(call: Callable[[], object]) -> BaseException | None:
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            call()
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=TIMEOUT)
    assert outcome, "client hung"
    return outcome[0]


def test_client_typed_error_when_server_process_killed_mid_response() -> None:
    pid, hint, preimage = _spawn_dying_server("partial-response")
    try:
        error = _call_with_timeout(lambda: OracleClient(preimage).get(local_key(1)))
        assert isinstance(error, OracleChannelClosedError)
        assert error.bytes_read == 10
    finally:
        _, status = os.waitpid(pid, 0)
        hint.close()
        preimage.close()
    assert os.waitstatus_to_exitcode(status) < 0  # it died of SIGKILL


def test_hint_client_typed_error_when_server_process_killed() -> None:
    pid, hint, preimage = _spawn_dying_server("die-before-ack")
    try:
        error = _call_with_timeout(lambda: HintClient(hint).hint("l1-blob 0x00"))
        assert isinstance(error, HintChannelClosedError)
        assert isinstance(error, ChannelClosedError)
    finally:
        os.waitpid(pid, 0)
        hint.close()
        preimage.close()


def test_client_process_terminate_and_wait_timeout() -> None:
    child = spawn_client([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert child.poll() is None
        assert child.wait(timeout=0.05) is None
        child.terminate()
        assert child.wait(timeout=TIMEOUT) == -15
        child.kill()  # no-op once reaped
    finally:
        child.channels.close()


SWAP_SCRIPT = r"""
import os, sys
from op_program.preimage.process import spawn_with_fds
r1, w1 = os.pipe()
r2, w2 = os.pipe()
if (w1, w2) != (4, 6):
    print("SKIP", r1, w1, r2, w2)
    sys.exit(0)
# target 4 is filled from fd 6 first; a naive dup2 sequence would then copy the clobbered
# fd 4 onto 3.
pid = spawn_with_fds(
    [sys.executable, "-c", "import os; os.write(3, b'A'); os.write(4, b'B')"], {4: w2, 3: w1}
)
os.close(w1)
os.close(w2)
_, status = os.waitpid(pid, 0)
print(os.read(r1, 10).decode(), os.read(r2, 10).decode(), os.waitstatus_to_exitcode(status))
"""


def test_spawn_mapping_survives_sources_on_target_numbers() -> None:
    read_fd, write_fd = new_pipe()
    try:  # a fresh interpreter with only stdio open: its pipes land on fds 3-6
        pid = spawn_with_fds([sys.executable, "-c", SWAP_SCRIPT], {1: write_fd})
    finally:
        os.close(write_fd)
    with os.fdopen(read_fd, "rb") as stdout:
        output = stdout.read().decode().split()
    assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0
    if output[0] == "SKIP":
        pytest.skip(f"fresh interpreter got unexpected pipe fds {output[1:]}")
    assert output == ["A", "B", "0"]
