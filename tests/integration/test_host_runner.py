"""Run modes with real pipes and processes: in-process, --exec child on fds 3-6, --server.

A small stand-in client (a Python script using the preimage package) reads the boot inputs and
one stored preimage, and exits 0 when the claim equals keccak256 of that preimage, else 1.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from op_program.cli.main import main
from op_program.encoding.hashing import keccak256
from op_program.host.kvstore.directory import HexFileKV
from op_program.preimage.channel import FdChannel, new_pipe
from op_program.preimage.hints import HintClient
from op_program.preimage.keys import keccak256_key, local_key
from op_program.preimage.oracle import OracleClient

pytestmark = pytest.mark.integration

VALUE = b"the agreed preimage"
VALUE_HASH = keccak256(VALUE)
L1_HEAD = "0x" + "11" * 32

CLIENT = textwrap.dedent("""
    import sys
    from op_program.encoding.hashing import keccak256
    from op_program.preimage.hints import HintClient
    from op_program.preimage.keys import keccak256_key, local_key
    from op_program.preimage.oracle import OracleClient
    from op_program.preimage.process import client_channels_from_fds

    channels = client_channels_from_fds()
    oracle = OracleClient(channels.preimage)
    hints = HintClient(channels.hint)
    assert oracle.get(local_key(1)) == bytes.fromhex("11" * 32)
    claim = oracle.get(local_key(3))
    assert oracle.get(local_key(5)) == (11155420).to_bytes(8, "big")
    hints.hint("l1-block-header 0x" + "22" * 32)
    agreed = oracle.get(local_key(2))
    value = oracle.get(keccak256_key(agreed))
    sys.exit(0 if keccak256(value) == claim else 1)
""")


@pytest.fixture
def datadir(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    root.mkdir()
    (root / "kvformat").write_text("directory")
    HexFileKV(root).put(keccak256_key(VALUE_HASH), VALUE)
    return root


def _flags(datadir: Path, claim: bytes) -> list[str]:
    return ["--network", "op-sepolia", "--datadir", str(datadir), "--l1.head", L1_HEAD,
            "--l2.head", "0x" + "33" * 32, "--l2.outputroot", "0x" + VALUE_HASH.hex(),
            "--l2.claim", "0x" + claim.hex(), "--l2.blocknumber", "7"]


@pytest.fixture
def client_script(tmp_path: Path) -> Path:
    path = tmp_path / "client.py"
    path.write_text(CLIENT)
    return path


def test_exec_child_valid_and_invalid(datadir: Path, client_script: Path) -> None:
    exec_cmd = f"{sys.executable} {client_script}"
    assert main([*_flags(datadir, VALUE_HASH), "--exec", exec_cmd]) == 0
    assert main([*_flags(datadir, b"\x99" * 32), "--exec", exec_cmd]) == 1


def test_exec_child_missing_preimage_is_error(tmp_path: Path, client_script: Path) -> None:
    empty = tmp_path / "empty"
    assert main([*_flags(empty, VALUE_HASH), "--exec",
                 f"{sys.executable} {client_script}"]) == 2


def test_server_mode_driven_by_a_vm_harness(datadir: Path, tmp_path: Path) -> None:
    """Play the VM: spawn `op-program --server` with fds 3-6 and run the client against it."""
    hint_host_read, hint_client_write = new_pipe()
    hint_client_read, hint_host_write = new_pipe()
    pre_host_read, pre_client_write = new_pipe()
    pre_client_read, pre_host_write = new_pipe()
    host_fds = {3: hint_host_read, 4: hint_host_write, 5: pre_host_read, 6: pre_host_write}
    argv = [sys.executable, "-m", "op_program.cli.main", *_flags(datadir, VALUE_HASH),
            "--server"]

    def wire() -> None:
        for target, src in host_fds.items():
            os.dup2(src, target)
            os.set_inheritable(target, True)

    proc = subprocess.Popen(argv, preexec_fn=wire, pass_fds=(3, 4, 5, 6),  # noqa: PLW1509
                            stderr=subprocess.PIPE)
    for fd in host_fds.values():
        os.close(fd)
    oracle = OracleClient(FdChannel(pre_client_read, pre_client_write))
    hints = HintClient(FdChannel(hint_client_read, hint_client_write))
    assert oracle.get(local_key(1)) == bytes.fromhex("11" * 32)
    hints.hint("l1-block-header 0x" + "22" * 32)  # offline: acknowledged, ignored
    assert oracle.get(keccak256_key(VALUE_HASH)) == VALUE
    assert oracle.get(local_key(4)) == (7).to_bytes(8, "big")
    os.close(pre_client_read)
    os.close(pre_client_write)
    os.close(hint_client_read)
    os.close(hint_client_write)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err.decode()


def test_in_process_stub_client(datadir: Path) -> None:
    from op_program.cli.host_flags import host_config_from_args
    from op_program.cli.main import build_parser
    from op_program.host.runner import run_host

    def client(source: object, hinter: object) -> int:
        hinter.hint("l1-blob 0x00")  # type: ignore[attr-defined]
        agreed = source.get(local_key(2))  # type: ignore[attr-defined]
        value = source.get(keccak256_key(agreed))  # type: ignore[attr-defined]
        return 0 if keccak256(value) == source.get(local_key(3)) else 1  # type: ignore[attr-defined]

    args = build_parser().parse_args(_flags(datadir, VALUE_HASH))
    assert run_host(host_config_from_args(args), client) == 0
    args = build_parser().parse_args(_flags(datadir, b"\x01" * 32))
    assert run_host(host_config_from_args(args), client) == 1
