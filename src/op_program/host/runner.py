"""Running one proof: store, prefetcher, and the client in-process, as a child, or external.

Spec: fault-proof/index.md, "Pre-image communication" and DESIGN §1/§2: the in-process client
gets the prefetcher directly (no pipes); ``--exec`` spawns the client with crossed pipes on its
fds 3-6 (pinned to the host's CPU, DESIGN §12); ``--server`` serves our own fds 3-6 for a VM
that spawned us. The exit code is the client's verdict (0 valid, 1 invalid, 2 anything else),
passed on only when the client ran to one (see ``host.serving``).

Signals (DESIGN §5, :mod:`op_program.shutdown`): SIGINT/SIGTERM stop serving, close the stores
and the client. ``--server`` exits 0 when the signal finds it idle between requests (Cannon
stops its preimage server with SIGINT after the VM exits, and reports any other exit status as
a failure to close it), 2 when a request was in flight. In-process and ``--exec`` hosts exit 2
unless the client had already reached its verdict.
"""

import contextlib
import logging
import os
import shlex
from collections.abc import Callable, Iterator
from typing import Any, Protocol, TypeVar

from op_program.exit_codes import ExitCode
from op_program.host.config import HostConfig
from op_program.host.errors import HostConfigError
from op_program.host.hint_handlers import Sources, bulk_hints_for, handlers_for
from op_program.host.kvstore.base import KV
from op_program.host.kvstore.disk import open_disk_kv
from op_program.host.kvstore.local import local_preimages
from op_program.host.kvstore.memory import MemoryKV
from op_program.host.kvstore.split import SplitKV
from op_program.host.prefetcher import Prefetcher
from op_program.host.serving import ChannelService, ClaimWatch, judge_client, signal_name
from op_program.host.sources import OpenSources, open_sources
from op_program.oplog import child_env
from op_program.preimage.process import (
    ChannelPair,
    ClientProcess,
    client_channels_from_fds,
    pin_to_cpu,
    shared_cpu,
    spawn_client,
)
from op_program.shutdown import handling_signals, signals_deferred

_log = logging.getLogger("op_program.host")


class _Source(Protocol):
    def get(self, key: bytes) -> bytes: ...


class _Hinter(Protocol):
    def hint(self, hint: str) -> None: ...


ClientProgram = Callable[[_Source, _Hinter], int]
"""The client as a function of an oracle and a hint writer (``client.program.run``)."""


STOP_GRACE_SECONDS = 5.0
"""How long an interrupted host waits for its client child after SIGTERM before SIGKILL."""


def open_store(config: HostConfig) -> KV:
    """Return the global store: the datadir in its format, or memory without a datadir."""
    if config.datadir is None:
        return MemoryKV()
    return open_disk_kv(config.datadir, config.data_format, label="--datadir")


def client_argv(exec_cmd: str) -> list[str]:
    """Split ``--exec`` into a command line like a POSIX shell would.

    Raises:
        HostConfigError: unbalanced quotes, or no command at all.
    """
    try:
        argv = shlex.split(exec_cmd)
    except ValueError as exc:
        raise HostConfigError(f"invalid --exec {exec_cmd!r}: {exc}") from None
    if not argv:
        raise HostConfigError("invalid --exec: no command given")
    return argv


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
    """Spawn the client ``argv`` on fds 3-6, serve it, and return its verdict (or 2)."""
    cpu = shared_cpu()
    with _pinned(cpu):
        try:
            # The child logs at the host's level and in its format (oplog.child_env).
            child = spawn_client(argv, env={**os.environ, **child_env()}, cpu=cpu)
        except OSError as exc:
            _log.error("Cannot start the client program cmd=%s err=%s",
                       shlex.join(argv), exc.strerror or exc)
            return int(ExitCode.ERROR)
        _log.info("Started client process pid=%d cmd=%s", child.pid, shlex.join(argv))
        service = ChannelService(child.channels, prefetcher)
        served: bool | None = None
        try:
            served = service.serve()
            code = child.wait()
        except KeyboardInterrupt as exc:
            with signals_deferred():
                return _interrupted_child(child, service, served, signal_name(exc))
    _log.info("Client process exited code=%s", code)
    return judge_client(code, served, service.watch.claim_read)


def _interrupted_child(child: ClientProcess, service: ChannelService, served: bool | None,
                       name: str) -> int:
    """Stop the client of an interrupted host; keep its verdict only if it already had one."""
    service.close()
    code = child.poll()
    if served is not None and code is not None:
        _log.info("Shutting down after the client finished signal=%s code=%d", name, code)
        return judge_client(code, served, service.watch.claim_read)
    child.terminate()
    code = child.wait(STOP_GRACE_SECONDS)
    if code is None:
        child.kill()
        code = child.wait()
    _log.error("Interrupted before the client reached a verdict signal=%s client_code=%s",
               name, code)
    return int(ExitCode.ERROR)


def run_server(prefetcher: Prefetcher, channels: ChannelPair | None = None) -> int:
    """Serve the VM's fds 3-6 until it closes them or stops us; 0 on a clean end, else 2."""
    service = ChannelService(channels or client_channels_from_fds(), prefetcher)
    _log.info("Starting preimage server on fds 3-6")
    try:
        ok = service.serve()
    except KeyboardInterrupt as exc:
        if service.oracle.idle:
            _log.info("Shutting down: signal received while idle between requests signal=%s",
                      signal_name(exc))
            return int(ExitCode.VALID)
        _log.error("Interrupted while serving a request signal=%s", signal_name(exc))
        return int(ExitCode.ERROR)
    if ok:
        _log.info("Client closed the preimage channels, shutting down")
    return int(ExitCode.VALID if ok else ExitCode.ERROR)


def run_in_process(prefetcher: Prefetcher, program: ClientProgram) -> int:
    """Run ``program`` against the prefetcher in this process; return its verdict (or 2)."""
    watch = ClaimWatch(prefetcher)
    _log.info("Running client in-process")
    try:
        code = program(watch, watch)
    except KeyboardInterrupt as exc:
        _log.error("Interrupted before the client reached a verdict signal=%s",
                   signal_name(exc))
        return int(ExitCode.ERROR)
    with signals_deferred():
        _log.info("Client finished code=%d served=%d fetched=%d",
                  code, prefetcher.served, prefetcher.fetched)
        return judge_client(code, True, watch.claim_read)


def _default_client() -> ClientProgram:
    from op_program.client.program import run

    return run


P = TypeVar("P", bound=Prefetcher)


def new_prefetcher(config: HostConfig, store: KV, sources: Sources | None,
                   factory: Callable[..., P], **extra: Any) -> P:
    """The host's prefetcher for ``config``: local keys from the boot inputs, then ``store``.

    ``sources`` None: offline (hints ignored). ``factory``: ``Prefetcher`` or a subclass, with
    its own arguments in ``extra`` (``witness generate`` records what is served).
    """
    return factory(SplitKV(local_preimages(config), store), sources,
                   bulk_enabled=bool(config.l2_experimental_url),
                   handlers=handlers_for(config.dialect),
                   bulk_hints=bulk_hints_for(config.dialect), **extra)


def run_client(prefetcher: Prefetcher, config: HostConfig,
               client: ClientProgram | None = None) -> int:
    """Run the config's client against ``prefetcher``: the ``--exec`` child, else in-process.

    Returns:
        The client's verdict (0 or 1), or 2.
    """
    if config.exec_cmd:
        return run_child(prefetcher, client_argv(config.exec_cmd))
    return run_in_process(prefetcher, client or _default_client())


def run_host(config: HostConfig, client: ClientProgram | None = None) -> int:
    """Run the host for ``config``; return the process exit code.

    Args:
        config: the checked host config.
        client: the in-process client program (default: the real ``client.program.run``).

    Raises:
        OpProgramError: the store, the sources or the VM's channels cannot be opened.
        KeyboardInterrupt: a signal arrived before serving began (stores are closed).
    """
    with handling_signals():
        # Claim the VM's fds 3-6 before anything else is opened: a host started without them
        # would otherwise find its own store files at those numbers.
        vm_channels = client_channels_from_fds() if config.server_mode else None
        try:
            return _run(config, client, vm_channels)
        finally:
            if vm_channels is not None:
                vm_channels.close()


def _run(config: HostConfig, client: ClientProgram | None,
         vm_channels: ChannelPair | None) -> int:
    if config.exec_cmd:
        client_argv(config.exec_cmd)  # a malformed --exec fails before anything is opened
    store = open_store(config)
    opened: OpenSources | None = None
    try:
        opened = open_sources(config) if config.fetching_enabled else None
        prefetcher = new_prefetcher(
            config, store, opened.sources if opened else None, Prefetcher,
            # The in-process client.program.run re-hashes every keccak256/sha256 value it gets
            # (client.oracle): hashing it here too only doubled that work (~0.08 s of the
            # 36k-preimage real proof). Any other client (a child, a VM, a test's) gets it here.
            verify_served=not (vm_channels is None and not config.exec_cmd and client is None),
        )
        if vm_channels is not None:
            return run_server(prefetcher, vm_channels)
        return run_client(prefetcher, config, client)
    finally:
        with signals_deferred():
            if opened is not None:
                opened.close()
            store.close()
