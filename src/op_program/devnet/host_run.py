"""Proofs through the real host: the op-program command line against the devnet's nodes.

Spec: fault-proof/index.md ("Host": fetch on hint, store, serve; offline mode serves the
datadir only); DESIGN §8 (the ``op-program`` flags). Online, the host fetches every preimage
from the devnet's loopback L1/L2/beacon servers into a fresh datadir; offline, the datadir is
filled from the devnet first. ``--exec`` runs the client as a child on real pipes (fds 3-6).
"""

import json
import shlex
import shutil
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from op_program.devnet.preimages import PreimageStore
from op_program.devnet.proof import ProofInputs
from op_program.devnet.rpc_server import Endpoints
from op_program.encoding.hex import bytes_to_hex
from op_program.host.config import HostConfig, load_custom_chain
from op_program.host.dialect import ClientDialect
from op_program.host.kvstore.base import DataFormat
from op_program.host.kvstore.disk import open_disk_kv
from op_program.host.runner import run_host as run_host_config


@dataclass(frozen=True, slots=True)
class HostRun:
    """One host run: its command line, verdict, duration and datadir."""

    argv: tuple[str, ...]
    exit_code: int
    seconds: float
    datadir: Path

    @property
    def command_line(self) -> str:
        """The equivalent shell command."""
        return shlex.join(("op-program", *self.argv))

    def stored_preimages(self) -> int:
        """How many preimages the datadir holds (any format)."""
        store = open_disk_kv(self.datadir)
        try:
            return sum(1 for _ in store.keys())
        finally:
            store.close()


def client_command(log_level: str | None = None) -> str:
    """The ``--exec`` command: the installed client, or this interpreter running it."""
    installed = shutil.which("op-program-client")
    argv = [installed] if installed else [sys.executable, "-m", "op_program.client.entrypoint"]
    if log_level is not None:
        argv += ["--log.level", log_level]
    return shlex.join(argv)


def write_chain_files(inputs: ProofInputs, workdir: Path) -> tuple[Path, Path, Path]:
    """Write rollup.json, the L2 genesis and the L1 chain config; return their paths."""
    workdir.mkdir(parents=True, exist_ok=True)
    rollup, genesis, l1 = workdir / "rollup.json", workdir / "genesis.json", workdir / "l1.json"
    rollup.write_bytes(inputs.rollup_json())
    genesis.write_bytes(inputs.l2_genesis_json())
    l1.write_text(json.dumps(dict(inputs.l1_chain_config)))
    return rollup, genesis, l1


def host_argv(inputs: ProofInputs, workdir: Path, datadir: Path, endpoints: Endpoints | None,
              exec_cmd: str | None, dialect: ClientDialect = ClientDialect.OP_PROGRAM,
              data_format: DataFormat = DataFormat.DIRECTORY) -> list[str]:  # fmt: skip
    """The op-program flags of a proof of ``inputs`` (online when ``endpoints`` is given)."""
    rollup, genesis, l1 = write_chain_files(inputs, workdir)
    argv = [
        "--l1.head", bytes_to_hex(inputs.l1_head), "--l2.head", bytes_to_hex(inputs.l2_head),
        "--l2.outputroot", bytes_to_hex(inputs.agreed_output_root),
        "--l2.claim", bytes_to_hex(inputs.claimed_output_root),
        "--l2.blocknumber", str(inputs.claimed_block_number),
        "--rollup.config", str(rollup), "--l2.genesis", str(genesis),
        "--l1.chainconfig", str(l1), "--datadir", str(datadir),
    ]  # fmt: skip
    if endpoints is not None:
        argv += ["--l1", endpoints.l1, "--l1.beacon", endpoints.beacon, "--l2", endpoints.l2]
    if exec_cmd:
        argv += ["--exec", exec_cmd]
    if dialect is not ClientDialect.OP_PROGRAM:
        argv += ["--client.dialect", dialect.value]
    if data_format is not DataFormat.DIRECTORY:
        argv += ["--data.format", data_format.value]
    return argv


def fill_datadir(datadir: Path, preimages: Iterable[tuple[bytes, bytes]]) -> None:
    """Write preimages into a directory-format datadir (offline proofs)."""
    store = open_disk_kv(datadir, DataFormat.DIRECTORY)
    try:
        store.put_many(preimages)
    finally:
        store.close()


def host_config(inputs: ProofInputs, workdir: Path, datadir: Path, endpoints: Endpoints | None,
                exec_cmd: str | None, dialect: ClientDialect = ClientDialect.OP_PROGRAM,
                data_format: DataFormat = DataFormat.DIRECTORY) -> HostConfig:  # fmt: skip
    """The host config the command line of ``host_argv`` produces."""
    rollup, genesis, l1 = write_chain_files(inputs, workdir)
    return HostConfig(
        chain=load_custom_chain(rollup, genesis, l1), l1_head=inputs.l1_head,
        l2_head=inputs.l2_head, l2_output_root=inputs.agreed_output_root,
        l2_claim=inputs.claimed_output_root, l2_claim_block_number=inputs.claimed_block_number,
        datadir=datadir, l1_url=endpoints.l1 if endpoints else None,
        l1_beacon_url=endpoints.beacon if endpoints else None,
        l2_url=endpoints.l2 if endpoints else None,
        exec_cmd=exec_cmd, dialect=dialect, data_format=data_format,
    ).check()  # fmt: skip


def run_host(inputs: ProofInputs, workdir: Path, endpoints: Endpoints | None = None,
             exec_client: bool = False, offline_store: PreimageStore | None = None,
             client_log_level: str | None = None, client: str | None = None,
             dialect: ClientDialect = ClientDialect.OP_PROGRAM, *,
             data_format: DataFormat = DataFormat.DIRECTORY) -> HostRun:
    """Run the real host (``host.runner``) in this process, the client in-process or a child.

    ``offline_store`` fills the datadir first (then ``endpoints`` is usually None). ``client``
    is another client program to run as the child (any binary speaking fds 3-6, e.g. kona-client
    with ``dialect`` kona); it implies a child process. ``data_format`` is the datadir's
    (``directory``, one file per preimage, is what the Go host reads too; ``lmdb`` writes a
    blob's 4096 field elements in one transaction instead of 4096 files).
    """
    datadir = workdir / "datadir"
    if offline_store is not None:
        fill_datadir(datadir, offline_store.items())
    exec_cmd = (client if client is not None
                else client_command(client_log_level) if exec_client else None)
    argv = host_argv(inputs, workdir, datadir, endpoints, exec_cmd, dialect, data_format)
    config = host_config(inputs, workdir, datadir, endpoints, exec_cmd, dialect, data_format)
    started = time.monotonic()
    code = run_host_config(config)
    return HostRun(tuple(argv), code, time.monotonic() - started, datadir)
