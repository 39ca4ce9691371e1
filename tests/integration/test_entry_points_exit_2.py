"""No failure exits 0 or 1: every entry point turns it into exit 2 and one line (issue 11).

Automation reads exit 1 as "claim invalid" and acts on it with bonds; before this, each of
these ended in a Python traceback and exit 1, with the right claim. Real processes, bounded.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from op_program.host.kvstore.directory import HexFileKV
from op_program.host.witness import verify_store
from op_program.preimage.process import spawn_with_fds
from tests.fixture_paths import fixtures_path
from tests.integration.process_harness import (
    CLIENT,
    HOST,
    TIMEOUT,
    drain,
    import_witness,
    proof_flags,
    run,
    wait_for,
    wait_pid,
)

pytestmark = pytest.mark.integration

SCRIPT_HOST = [shutil.which("op-program") or "op-program"]
SCRIPT_CLIENT = [shutil.which("op-program-client") or "op-program-client"]
PACKAGE_HOST = [sys.executable, "-m", "op_program"]
HOSTS = pytest.mark.parametrize("host", [HOST, SCRIPT_HOST, PACKAGE_HOST],
                                ids=["python-m-main", "console-script", "python-m-package"])


@pytest.fixture(scope="module")
def datadir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return import_witness(tmp_path_factory.mktemp("entry") / "data", "lmdb")


def assert_one_line_exit_2(proc: subprocess.CompletedProcess[str], phrase: str) -> None:
    assert proc.returncode == 2, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    lines = [line for line in proc.stderr.splitlines() if phrase in line]
    assert len(lines) == 1, proc.stderr[-3000:]


@HOSTS
def test_exec_of_a_missing_program(datadir: Path, host: list[str]) -> None:
    proc = run([*host, *proof_flags(datadir), "--exec", "/nonexistent/client"])
    assert_one_line_exit_2(proc, "Cannot start the client program")
    assert "No such file or directory" in proc.stderr


def test_exec_of_a_file_that_is_no_program(datadir: Path, tmp_path: Path) -> None:
    bogus = tmp_path / "client"
    bogus.write_bytes(b"\x00\x01\x02 not a program")
    bogus.chmod(0o755)
    proc = run([*HOST, *proof_flags(datadir), "--exec", str(bogus)])
    assert_one_line_exit_2(proc, "Cannot start the client program")
    assert "Exec format error" in proc.stderr


@pytest.mark.parametrize(("exec_cmd", "phrase"), [('"', "No closing quotation"),
                                                  (" ", "no command given")])
def test_exec_that_does_not_parse(datadir: Path, exec_cmd: str, phrase: str) -> None:
    proc = run([*HOST, *proof_flags(datadir), "--exec", exec_cmd])
    assert_one_line_exit_2(proc, phrase)


@pytest.mark.parametrize("code", [0, 1])
def test_client_exiting_without_reading_the_claim_is_no_verdict(datadir: Path,
                                                                code: int) -> None:
    exec_cmd = f"{sys.executable} -c 'import sys; sys.exit({code})'"
    proc = run([*HOST, *proof_flags(datadir), "--exec", exec_cmd])
    assert_one_line_exit_2(proc, "without reading the claim")


@pytest.mark.parametrize("exit_code", [3, 127])
def test_client_exit_codes_other_than_0_and_1_are_2(datadir: Path, exit_code: int) -> None:
    exec_cmd = f"{sys.executable} -c 'import sys; sys.exit({exit_code})'"
    proc = run([*HOST, *proof_flags(datadir), "--exec", exec_cmd])
    assert_one_line_exit_2(proc, f"Client failed code={exit_code}")


def test_client_killed_by_a_signal_is_2(datadir: Path) -> None:
    exec_cmd = f"{sys.executable} -c 'import os, signal; os.kill(os.getpid(), signal.SIGSEGV)'"
    proc = run([*HOST, *proof_flags(datadir), "--exec", exec_cmd])
    assert_one_line_exit_2(proc, "killed before a verdict signal=SIGSEGV")


@HOSTS
def test_server_started_without_fds_3_to_6(datadir: Path, host: list[str]) -> None:
    before = (datadir / "preimages.lmdb").read_bytes()
    proc = run([*host, *proof_flags(datadir), "--server"])
    assert_one_line_exit_2(proc, "fd 3 is not open")
    assert (datadir / "preimages.lmdb").read_bytes() == before


def test_server_with_a_regular_file_as_fd_3(datadir: Path, tmp_path: Path) -> None:
    stray = tmp_path / "stray"
    stray.write_bytes(b"x" * 64)
    err_read, err_write = os.pipe()
    with open(stray, "r+b") as handle:
        pid = spawn_with_fds([*HOST, *proof_flags(datadir), "--server"],
                             {2: err_write, 3: handle.fileno(), 4: handle.fileno()})
    os.close(err_write)
    code = wait_pid(pid)
    err = drain(err_read)
    os.close(err_read)
    proc = subprocess.CompletedProcess([], code, "", err)
    assert_one_line_exit_2(proc, "fd 3 is a regular file, not a pipe")
    assert stray.read_bytes() == b"x" * 64


@pytest.mark.parametrize("client", [CLIENT, SCRIPT_CLIENT], ids=["python-m", "console-script"])
def test_client_without_fds_3_to_6(client: list[str]) -> None:
    proc = run(client)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "fd 3 is not open" in proc.stderr


def test_demo_with_a_workdir_that_is_a_file(tmp_path: Path) -> None:
    workdir = tmp_path / "workdir"
    workdir.write_text("a file")
    proc = run([*HOST, "demo", "--workdir", str(workdir)])
    assert_one_line_exit_2(proc, "is a file, not a directory")


def test_demo_with_a_workdir_it_cannot_create(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file")
    proc = run([*HOST, "demo", "--workdir", str(blocker / "sub")])
    assert_one_line_exit_2(proc, "--workdir")


@pytest.fixture
def span_batch(tmp_path: Path) -> Path:
    raw = fixtures_path("vectors", "kona-raw-span-batch", "raw_batch.hex").read_bytes()
    path = tmp_path / "span.bin"
    path.write_bytes(b"\x01" + raw)  # the fixture lacks the batch type byte
    return path


def test_decode_with_a_negative_chain_id(span_batch: Path) -> None:
    proc = run([*HOST, "decode", "batch", str(span_batch), "--chain-id", "-1"])
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_traceback_only_at_debug_level(span_batch: Path) -> None:
    proc = run([*HOST, "--log.level", "debug", "decode", "batch", str(span_batch),
                "--chain-id", "-1"])
    assert proc.returncode == 2
    assert "Traceback" in proc.stderr


def test_signal_during_a_tool_command_is_2(tmp_path: Path) -> None:
    """SIGTERM while ``witness import`` works: exit 2, not a signal death or a verdict."""
    witness = fixtures_path("fpp", "op-sepolia-16491249", "preimages.json.gz")
    proc = subprocess.Popen([*HOST, "witness", "import", str(witness), str(tmp_path / "d")],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stderr is not None
    wait_for(proc.stderr.fileno(), "Creating disk storage")
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=TIMEOUT)
    assert proc.returncode == 2, err.decode()
    assert b"interrupted by SIGTERM" in err
    assert list(tmp_path.iterdir()) == []  # the half-built datadir was removed


def test_signal_during_an_import_into_an_existing_datadir(tmp_path: Path) -> None:
    """Written in place: the entries already there are whole, no temp file is left."""
    datadir = tmp_path / "d"
    datadir.mkdir()
    (datadir / "kvformat").write_text("directory")
    (datadir / "keep").write_text("makes the datadir non-empty")
    witness = fixtures_path("fpp", "op-sepolia-16491249", "preimages.json.gz")
    proc = subprocess.Popen([*HOST, "witness", "import", str(witness), str(datadir)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stderr is not None
    wait_for(proc.stderr.fileno(), "Using existing disk storage")
    store = HexFileKV(datadir)
    deadline = time.monotonic() + TIMEOUT
    while sum(1 for _ in store.keys()) < 500:
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=TIMEOUT)
    assert proc.returncode == 2, err.decode()
    assert [p.name for p in datadir.iterdir() if ".txt." in p.name] == []
    report = verify_store(store)
    assert report.bad == 0 and 500 <= report.total < 60533
