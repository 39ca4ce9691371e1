"""Running one proof: store, prefetcher, and the client in-process, as a child, or external.

Spec: fault-proof/index.md, "Pre-image communication" and DESIGN §1/§2: the in-process client
gets the prefetcher directly (no pipes); ``--exec`` spawns the client with crossed pipes on its
fds 3-6 (pinned to the host's CPU, DESIGN §12); ``--server`` serves our own fds 3-6 for a VM
that spawned us. The exit code is the client's verdict (0 valid, 1 invalid, 2 anything else).
"""

import contextlib
import logging
import os
import shlex
import threading
from collections.abc import Callable, Iterator
from typing import Protocol

from op_program.exit_codes import ExitCode
from op_program.host.config import HostConfig
from op_program.host.kvstore.base import KV
from op_program.host.kvstore.disk import open_disk_kv
from op_program.host.kvstore.local import local_preimages
from op_program.host.kvstore.memory import MemoryKV
from op_program.host.kvstore.split import SplitKV
from op_program.host.prefetcher import Prefetcher
from op_program.host.sources import OpenSources, open_sources
from op_program.oplog import child_env
from op_program.preimage.errors import ChannelClosedError
from op_program.preimage.process import (
    ChannelPair,
    client_channels_from_fds,
    pin_to_cpu,
    shared_cpu,
    spawn_client,
)
from op_program.preimage.server import HintServer, OracleServer

_log = logging.getLogger("op_program.host")


class _Source(Protocol):
    def get(self, key: bytes) -> bytes: ...


class _Hinter(Protocol):
    def hint(self, hint: str) -> None: ...


ClientProgram = Callable[[_Source, _Hinter], int]
"""The client as a function of an oracle and a hint writer (``client.program.run``)."""


def verdict(code: int | None) -> int:
    """Map a client exit status to the host's: 0 and 1 pass through, the rest is 2."""
    return code if code in (ExitCode.VALID, ExitCode.INVALID) else int(ExitCode.ERROR)


def open_store(config: HostConfig) -> KV:
    """Return the global store: the datadir in its format, or memory without a datadir."""
    if config.datadir is None:
        return MemoryKV()
    return open_disk_kv(config.datadir, config.data_format)


def serve_channels(channels: ChannelPair, prefetcher: Prefetcher) -> bool:
    """Serve hints and preimages until the client closes; return False if serving failed."""
    hint_thread = threading.Thread(
        target=_serve_hints, args=(channels, prefetcher), name="hint-server", daemon=True)
    hint_thread.start()
    ok = True
    try:
        OracleServer(channels.preimage).serve(prefetcher.get)
    except ChannelClosedError as exc:
        _log.warning("Client closed the preimage channel mid-request err=%s", exc)
    except Exception as exc:  # noqa: BLE001 - server loop: report, close, let the client fail
        _log.error("Cannot serve preimage err=%s", exc)
        ok = False
    channels.close()
    hint_thread.join(timeout=5)
    return ok


def _serve_hints(channels: ChannelPair, prefetcher: Prefetcher) -> None:
    with contextlib.suppress(ChannelClosedError):
        HintServer(channels.hint).serve(prefetcher.hint)


@contextlib.contextmanager
def _pinned(cpu: int) -> Iterator[None]:
    before = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    pin_to_cpu(cpu)
    try:
        yield
    finally:
        if before is not None:
            os.sched_setaffinity(0, before)


def run_child(prefetcher: Prefetcher, argv: list[str]) -> int:
    """Spawn the client ``argv`` on fds 3-6, serve it, and return its verdict."""
    cpu = shared_cpu()
    with _pinned(cpu):
        # The child logs at the host's level and in its format (oplog.child_env).
        child = spawn_client(argv, env={**os.environ, **child_env()}, cpu=cpu)
        _log.info("Started client process pid=%d cmd=%s", child.pid, shlex.join(argv))
        served = serve_channels(child.channels, prefetcher)
        code = child.wait()
    _log.info("Client process exited code=%s", code)
    # A client that could not be served cannot have judged the claim, whatever it exits with.
    return verdict(code) if served else int(ExitCode.ERROR)


def run_server(prefetcher: Prefetcher) -> int:
    """Serve our own fds 3-6 until the VM closes them; 0 on a clean end."""
    ok = serve_channels(client_channels_from_fds(), prefetcher)
    return int(ExitCode.VALID if ok else ExitCode.ERROR)


def _default_client() -> ClientProgram:
    from op_program.client.program import run

    return run


def run_host(config: HostConfig, client: ClientProgram | None = None) -> int:
    """Run the host for ``config``; return the process exit code.

    Args:
        config: the checked host config.
        client: the in-process client program (default: the real ``client.program.run``).
    """
    store = open_store(config)
    opened: OpenSources | None = open_sources(config) if config.fetching_enabled else None
    try:
        prefetcher = Prefetcher(
            SplitKV(local_preimages(config), store),
            opened.sources if opened else None,
            bulk_enabled=bool(config.l2_experimental_url),
        )
        if config.server_mode:
            _log.info("Starting preimage server on fds 3-6")
            return run_server(prefetcher)
        if config.exec_cmd:
            return run_child(prefetcher, shlex.split(config.exec_cmd))
        program = client or _default_client()
        _log.info("Running client in-process")
        code = verdict(program(prefetcher, prefetcher))
        _log.info("Client finished code=%d served=%d fetched=%d",
                  code, prefetcher.served, prefetcher.fetched)
        return code
    finally:
        if opened is not None:
            opened.close()
        store.close()
