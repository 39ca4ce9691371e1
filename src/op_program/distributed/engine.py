"""Start or attach a Dask cluster and map a picklable task over inputs, results as they finish.

Why this boundary: the commands that fan work out (``verify-range``, ``witness generate``) hand
it a module-level function and an iterable of picklable inputs and get back one
:class:`Outcome` per input in completion order; they never import Dask. Dask (``distributed``)
was picked over Ray by measurement on this machine (docs/verify-range.md): 1-2 s to start two
workers against 4-6 s, 170 MB resident against 720 MB, 70 MB installed against 285 MB; Ray's
smaller per-task overhead (1-3 ms against 3-15 ms) is noise next to a block proof (~0.3 s on
the devnet, seconds on a real chain).

Failure handling is Dask's own, never a scheduler of ours: a task that raises is re-run up to
``retries`` times (``submit(retries=...)``), and a task whose worker process dies is rescheduled
by the scheduler on another (or the restarted) worker up to ``retries`` times
(``distributed.scheduler.allowed-failures``) before it fails with ``KilledWorker``. What still
fails is an :class:`Outcome` with ``error`` set, never an exception out of the iterator.

At most ``in_flight`` tasks are submitted at a time (a sliding window), so inputs are consumed
lazily and mostly in order, and a Ctrl-C (KeyboardInterrupt) or an abandoned iterator cancels
only the few running tasks: everything already yielded stays with the caller.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Generic, TypeVar

from op_program.errors import OpProgramError

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_RETRIES = 2
"""Re-runs of a task after it raised or its worker died (three attempts in all)."""

WORKER_SETUP = "op_program.distributed.worker_setup"
"""Run in each local worker as it starts, restarts included (ignores SIGINT)."""

_log = logging.getLogger("op_program.distributed")


def default_workers() -> int:
    """The CPUs this process may run on: one single-threaded worker process each."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        return max(1, os.cpu_count() or 1)


class EngineError(OpProgramError):
    """The cluster cannot be started or reached, or was used outside its ``with`` block."""


@dataclass(frozen=True, slots=True)
class ClusterOptions:
    """Where tasks run: an embedded local cluster of ``workers`` processes, or ``address``."""

    workers: int = 0
    """Worker processes of the local cluster (0: one per CPU); ignored with ``address``."""
    address: str | None = None
    """A running Dask scheduler (``tcp://host:8786``) to use instead of a local cluster."""
    retries: int = DEFAULT_RETRIES
    in_flight: int = 0
    """Tasks submitted at once (0: twice the number of workers, at least 2)."""
    connect_timeout: float = 30.0
    """Seconds to reach the scheduler at ``address``."""


@dataclass(frozen=True, slots=True)
class Outcome(Generic[T, R]):
    """One input and what its task returned, or why it failed after every retry."""

    item: T
    result: R | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the task returned a result."""
        return self.error is None


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


class Engine:
    """A Dask cluster for the ``with`` block: started here (local) or attached (``address``)."""

    __slots__ = ("_client", "_cluster", "_options", "_scratch", "_started")

    def __init__(self, options: ClusterOptions | None = None) -> None:
        self._options = options or ClusterOptions()
        if self._options.workers < 0 or self._options.retries < 0 or self._options.in_flight < 0:
            raise EngineError("workers, retries and in-flight tasks must not be negative")
        self._client: Any = None
        self._cluster: Any = None
        self._scratch: tempfile.TemporaryDirectory[str] | None = None
        self._started = False

    def __enter__(self) -> Engine:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def start(self) -> None:
        """Start the local cluster or connect to ``address``.

        Raises:
            EngineError: Dask is not installed, the cluster does not start or the scheduler
                cannot be reached.
        """
        try:
            import dask
            from distributed import Client, LocalCluster  # untyped: used through Any
        except ImportError as exc:  # pragma: no cover - a dependency of the package
            raise EngineError(f"the distributed engine (dask) is not installed: {exc}") from exc
        options = self._options
        # The scheduler reads this when it starts: a worker that dies with our task counts
        # against it, and the task is rescheduled until it has failed this many times.
        dask.config.set({"distributed.scheduler.allowed-failures": options.retries})
        # Dask logs its cluster's life at info level through the root logger: keep only its
        # warnings (a lost worker, a failed task), so op-program's own lines stay readable.
        for name in ("distributed", "dask"):
            logging.getLogger(name).setLevel(logging.WARNING)
        try:
            if options.address is not None:
                self._client = Client(  # type: ignore[no-untyped-call]
                    options.address, set_as_default=False, timeout=options.connect_timeout)
            else:
                # The workers' scratch space (and its lock files) in a directory of our own,
                # removed on close, rather than a dask-scratch-space left in the temp directory.
                self._scratch = tempfile.TemporaryDirectory(prefix="op-program-dask-")
                dask.config.set({"temporary-directory": self._scratch.name})
                self._cluster = LocalCluster(  # type: ignore[no-untyped-call]
                    local_directory=self._scratch.name,
                    n_workers=options.workers or default_workers(), threads_per_worker=1,
                    processes=True, host="127.0.0.1", silence_logs=logging.ERROR,
                    preload=[WORKER_SETUP],
                    # Dask always serves HTTP (health, metrics); on loopback, a free port.
                    dashboard_address="127.0.0.1:0", worker_dashboard_address="127.0.0.1:0")
                self._client = Client(  # type: ignore[no-untyped-call]
                    self._cluster, set_as_default=False)
        except (OSError, TimeoutError, RuntimeError, ValueError) as exc:
            self.close()
            where = options.address or "a local cluster"
            raise EngineError(f"cannot start or reach {where}: {_error_text(exc)}") from exc
        self._started = True
        _log.info("Distributed engine ready workers=%d scheduler=%s", self.workers,
                  "local" if options.address is None else options.address)

    @property
    def workers(self) -> int:
        """Worker processes the scheduler knows now."""
        if self._client is None:
            return 0
        info = self._client.scheduler_info()
        return len(info.get("workers", {}))

    def worker_pids(self) -> dict[str, int]:
        """Each worker's address and process id (to observe or stop a worker)."""
        client = self._require()
        return dict(client.run(os.getpid))

    def close(self) -> None:
        """Disconnect, and stop the local cluster if this engine started it."""
        client, cluster = self._client, self._cluster
        self._client = self._cluster = None
        self._started = False
        with contextlib.suppress(Exception):
            if client is not None:
                client.close()
        with contextlib.suppress(Exception):
            if cluster is not None:
                cluster.close()
        scratch, self._scratch = self._scratch, None
        if scratch is not None:
            scratch.cleanup()

    def _require(self) -> Any:
        if not self._started or self._client is None:
            raise EngineError("the engine is not started (use it in a with block)")
        return self._client

    def map_unordered(self, task: Callable[[T], R], items: Iterable[T],
                      name: str = "task") -> Iterator[Outcome[T, R]]:
        """Run ``task(item)`` for every item on the cluster; yield outcomes as they finish.

        ``task`` must be picklable (a module-level function, or a partial of one) and its
        result picklable. Closing the iterator early, or a KeyboardInterrupt while it waits,
        cancels the tasks still running; outcomes already yielded are unaffected.

        Raises:
            EngineError: the engine is not started.
        """
        client = self._require()
        from distributed import as_completed

        window = self._options.in_flight or max(2, 2 * max(1, self.workers))
        # Keys unique to this map: a key the scheduler still knows from an earlier map would
        # hand back that map's result (or error) instead of running the task.
        run = uuid.uuid4().hex
        retries = self._options.retries
        source = iter(enumerate(items))
        pending: dict[Any, T] = {}
        # On this client's loop, not a global client's.
        completed: Any = as_completed(loop=client.loop)  # type: ignore[no-untyped-call]

        def submit_next() -> bool:
            try:
                index, item = next(source)
            except StopIteration:
                return False
            future = client.submit(task, item, key=f"{name}-{run}-{index}", pure=False,
                                   retries=retries)
            pending[future] = item
            completed.add(future)
            return True

        try:
            while len(pending) < window and submit_next():
                pass
            while pending:
                future = next(completed)
                item = pending.pop(future)
                outcome: Outcome[T, R] = self._outcome(future, item)
                submit_next()
                yield outcome
        finally:
            if pending:
                _log.info("Cancelling unfinished tasks count=%d", len(pending))
                with contextlib.suppress(Exception):
                    client.cancel(list(pending), force=True)

    @staticmethod
    def _outcome(future: Any, item: T) -> Outcome[T, R]:
        # result() and not the status: a result held by a worker that died after the task
        # finished is lost and recomputed, and result() waits for the new one (the status is
        # "pending" meanwhile). It raises the task's own exception, KilledWorker, or a
        # cancellation.
        try:
            return Outcome(item, result=future.result())
        except Exception as exc:  # noqa: BLE001 - any failure of the task is its outcome
            return Outcome(item, error=_error_text(exc))
