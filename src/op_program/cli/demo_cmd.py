"""``op-program demo``: build a local devnet, prove one of its blocks with the real host.

Spec: fault-proof/index.md (host and client; exit 0 valid claim, 1 invalid, 2 error); DESIGN
§8 (the ``demo`` subcommand). The devnet's L1, L2 and beacon nodes are served on loopback; the
host fetches every preimage from them into a fresh datadir, then the client judges the claim.
The devnet (and py-evm behind it) is imported only when the demo runs, so ``--help`` is fast;
the choices below are checked against the devnet's own lists by tests/unit/cli/test_startup.py.
"""

from __future__ import annotations

import argparse
import logging
import os
import shlex
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from op_program.cli.progress import progress, stderr_is_terminal
from op_program.errors import UsageError

if TYPE_CHECKING:
    from op_program.devnet.demo import DemoChain, DemoOptions
    from op_program.devnet.host_run import HostRun
    from op_program.host.dialect import ClientDialect
    from op_program.protocol.compression import CompressionAlgo

T = TypeVar("T")
BATCH_TYPES = ("singular", "span")
"""devnet.batcher.BatchType values."""
COMPRESSIONS = ("zlib", "brotli")
"""protocol.compression.CompressionAlgo values."""
OFFSET_FORKS = ("ecotone", "fjord", "granite", "holocene", "isthmus", "jovian")
"""devnet.genesis.FORKS after Delta: the forks ``--forks`` can schedule."""


def register(subparsers: Any) -> None:
    """Add the ``demo`` subcommand."""
    parser = subparsers.add_parser(
        "demo", help="build a local devnet and prove one of its blocks (exit 0/1/2)",
        description="Build a local OP Stack devnet (L1, L2 genesis, sequencer, batcher), serve "
        "it on loopback and run the op-program host online against it to prove a block.")
    parser.add_argument("--claim", default=None,
                        help="output root to claim (hex); default: the right one")
    # Option names must not be prefixes of the host flags (argparse abbreviations).
    parser.add_argument("--blobs", action="store_true",
                        help="post batches in blob transactions (default: calldata)")
    parser.add_argument("--anvil", action="store_true",
                        help="run the L1 on anvil (npm @foundry-rs/anvil) instead of in-process; "
                        "the host then fetches L1 data from anvil itself (calldata only)")
    parser.add_argument("--batch", choices=BATCH_TYPES, default="span",
                        help="batch type (default span)")
    parser.add_argument("--compression", choices=COMPRESSIONS,
                        default=None, help="channel compression (default brotli, or zlib when "
                        "Fjord is not active at genesis: brotli channels are invalid before "
                        "Fjord, fjord/derivation.md)")
    parser.add_argument("--forks", default="",
                        help="fork activation offsets in seconds after genesis, e.g. "
                        f"'isthmus=8,jovian=16' (forks: {', '.join(OFFSET_FORKS)}; "
                        "Delta and earlier are active at genesis)")
    parser.add_argument("--child", dest="exec_client", action="store_true",
                        help="run the client as a child process on pipes (default in-process)")
    parser.add_argument("--client", default=None, metavar="PATH",
                        help="prove with this client program instead (run as the host's --exec "
                        "child on fds 3-6, e.g. kona-client or op-program-client-go); give its "
                        "wire dialect with the host flag --client.dialect (kona, "
                        "op-program-2024; default op-program)")
    parser.add_argument("--workdir", default=None,
                        help="keep configs and datadir here (default: a temporary directory)")
    parser.add_argument("--keep-nodes", dest="keep_nodes", action="store_true",
                        help="keep the devnet's nodes (and --workdir files) up after the proof, "
                        "so the printed op-program command can be run by hand; Ctrl-C stops")
    parser.set_defaults(func=run)  # fmt: skip


def _fork_offsets(text: str) -> dict[str, int | None]:
    offsets: dict[str, int | None] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, value = item.partition("=")
        try:
            offsets[name.strip()] = None if value.strip() == "none" else int(value)
        except ValueError:
            raise UsageError(f"invalid --forks entry {item!r} (want name=seconds)") from None
    return offsets


def _compression(name: str | None, offsets: dict[str, int | None]) -> CompressionAlgo:
    """``--compression``, defaulting to brotli only where Fjord is active from genesis."""
    from op_program.protocol.compression import CompressionAlgo

    if name is not None:
        return CompressionAlgo(name)
    fjord_at_genesis = all(offsets.get(fork, 0) == 0 for fork in ("ecotone", "fjord"))
    return CompressionAlgo.BROTLI if fjord_at_genesis else CompressionAlgo.ZLIB


def _client(path: str | None) -> str | None:
    """The ``--exec`` command of ``--client PATH`` (quoted: a path may hold spaces)."""
    if path is None:
        return None
    resolved = shutil.which(path) or path
    if not os.access(resolved, os.X_OK):
        raise UsageError(f"--client {path!r} is not an executable program")
    return shlex.quote(os.path.abspath(resolved))


def _dialect(args: argparse.Namespace) -> ClientDialect:
    from op_program.host.dialect import ClientDialect

    text = getattr(args, "client_dialect", None) or os.environ.get("OP_PROGRAM_CLIENT_DIALECT")
    try:
        return ClientDialect(text or ClientDialect.OP_PROGRAM.value)
    except ValueError:
        raise UsageError(f"invalid --client.dialect {text!r} (supported: "
                         f"{', '.join(d.value for d in ClientDialect)})") from None


def _claim(text: str | None) -> bytes | None:
    if text is None:
        return None
    from op_program.encoding.errors import HexDecodeError
    from op_program.encoding.hex import hex_to_bytes

    try:
        return hex_to_bytes(text, 32)
    except HexDecodeError as exc:
        raise UsageError(f"invalid --claim: {exc}") from None


@contextmanager
def _step(out: TextIO, label: str) -> Iterator[None]:
    """A live line while the step runs and a summary after it, on a terminal; else quiet."""
    started = time.monotonic()
    with progress(label) as tracker:
        yield
    if tracker.shown:
        out.write(f"  {label}: done ({time.monotonic() - started:.1f}s)\n")
        out.flush()


def _timed(out: TextIO, label: str, fn: Callable[[], T]) -> T:
    with _step(out, label):
        return fn()


def _report(chain: DemoChain, run: HostRun, claim: bytes, total: float) -> str:
    devnet = chain.devnet
    verdict = {0: "VALID (exit 0)", 1: "INVALID (exit 1)"}.get(run.exit_code,
                                                             f"ERROR (exit {run.exit_code})")
    channels = ", ".join(
        f"{c.batch_type.value}/{c.compression.value} L2 {c.block_numbers[0]}-"
        f"{c.block_numbers[-1]} in L1 {c.l1_blocks}" for c in chain.channels)
    l1_kind = "anvil" if getattr(devnet.l1, "url", None) else "in-process"
    lines = [
        "op-program demo",
        f"  L1 blocks        {len(devnet.l1.blocks)} on the {l1_kind} L1 "
        f"(head {devnet.l1.head.number})",
        f"  L2 blocks        {len(devnet.sequencer.blocks)} (agreed {chain.agreed}, "
        f"claimed {chain.claimed})",
        f"  channels         {len(chain.channels)}: {channels}",
        f"  preimages        {run.stored_preimages()} fetched and stored by the host",
        f"  claim            0x{claim.hex()}",
        f"  host seconds     {run.seconds:.1f} (total {total:.1f})",
        f"  verdict          {verdict}",
        "",
        "equivalent command line (runs while the nodes are up: see --keep-nodes, --workdir):",
        f"  {run.command_line}",
    ]  # fmt: skip
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Build the devnet, prove the claim with the online host, print the report."""
    from op_program.devnet.batcher import BatchType
    from op_program.devnet.demo import DemoOptions

    offsets = _fork_offsets(args.forks)
    options = DemoOptions(use_blobs=args.blobs, batch_type=BatchType(args.batch),
                          compression=_compression(args.compression, offsets),
                          fork_offsets=offsets,
                          anvil=args.anvil)  # fmt: skip
    claim = _claim(args.claim)
    if args.workdir:
        _check_workdir(Path(args.workdir))
    if args.anvil and args.blobs:
        raise UsageError("--anvil cannot carry --blobs (anvil 1.7.1 puts blob sidecars into "
                         "its transactions root)")
    quiet = getattr(args, "log_level", None) is None
    with _quiet_logs(quiet):
        return _demo(args, options, claim, quiet)


def _check_workdir(workdir: Path) -> None:
    """Fail before the devnet is built when ``--workdir`` cannot hold the run's files."""
    from op_program.host.errors import KVStoreError  # the host stack only when demoing
    from op_program.host.kvstore.disk import check_datadir_path

    try:
        check_datadir_path(workdir, "--workdir")
        workdir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=workdir):
            pass
    except KVStoreError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"--workdir {workdir} is not writable: {exc.strerror}") from None


@contextmanager
def _quiet_logs(quiet: bool) -> Iterator[None]:
    """Silence per-request and per-block info logs (the report says it all); restore after."""
    names = ("httpx", "op_program") if quiet else ("httpx",)
    saved = {name: logging.getLogger(name).level for name in names}
    for name in names:
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        yield
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


def _demo(args: argparse.Namespace, options: DemoOptions, claim: bytes | None,
          quiet: bool) -> int:  # fmt: skip
    from op_program.cli.host_flags import data_format_of
    from op_program.devnet.demo import build_demo
    from op_program.devnet.host_run import run_host
    from op_program.devnet.rpc_server import serve_devnet

    out = sys.stderr
    started = time.monotonic()
    if stderr_is_terminal():
        out.write("op-program demo: building and proving a local devnet\n")
    chain = _timed(out, "building L1, L2 genesis, sequencing and batching",
                   lambda: build_demo(options))
    devnet = chain.devnet
    inputs = devnet.proof_inputs(chain.agreed, chain.claimed, claim)
    with devnet, tempfile.TemporaryDirectory(prefix="op-program-demo-") as tmp:
        workdir = Path(args.workdir) if args.workdir else Path(tmp)
        with serve_devnet(devnet.l1, devnet.sequencer, devnet.rollup.l2_chain_id) as endpoints:
            result = _timed(out, "running the host online (fetch, store, serve, prove)",
                            lambda: run_host(inputs, workdir, endpoints, args.exec_client,
                                             client_log_level="warn" if quiet else None,
                                             client=_client(args.client),
                                             dialect=_dialect(args),
                                             data_format=data_format_of(args)))
            print(_report(chain, result, inputs.claimed_output_root, time.monotonic() - started),
                  flush=True)
            if args.keep_nodes:
                _wait_for_interrupt(out)
    return result.exit_code


def _wait_for_interrupt(out: TextIO) -> None:
    out.write("devnet nodes keep running for the command above; press Ctrl-C to stop\n")
    out.flush()

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # SIGTERM too: leave through the with-blocks (stops anvil)

    signal.signal(signal.SIGTERM, stop)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        out.write("stopped\n")
