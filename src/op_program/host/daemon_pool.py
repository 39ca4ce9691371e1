"""A fixed set of daemon threads running queued tasks, never waited for on close.

Why not ``concurrent.futures.ThreadPoolExecutor``: its workers are joined when the pool shuts
down and again at interpreter exit, so a speculative fetch stuck on a slow node (bounded only by
the RPC deadline, ``host.rpc.jsonrpc.HttpLimits``, 300 s) would hold a finished proof, or a
Ctrl-C (DESIGN §5: SIGINT/SIGTERM end the process promptly with exit 2), for that long. Work
here is speculative (``host.lookahead``): when the proof ends nobody needs it, so ``close``
cancels what is queued and leaves running tasks to end on their own (each is bounded by its RPC
limits) on daemon threads that do not keep the process alive.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Generic, TypeVar

T = TypeVar("T")


class Task(Future[T]):
    """The future of a submitted task, with its place in the pool's queue."""

    def __init__(self, ticket: int) -> None:
        super().__init__()
        self.ticket = ticket


class DaemonPool(Generic[T]):
    """``workers`` daemon threads named ``<name>-<i>`` running submitted tasks in order."""

    __slots__ = ("_closed", "_dequeued", "_idle", "_lock", "_queue", "_submitted", "_threads")

    def __init__(self, workers: int, name: str) -> None:
        if workers < 1:
            raise ValueError("a pool needs at least one thread")
        self._queue: queue.SimpleQueue[tuple[Task[T], Callable[[], T]] | None] = (
            queue.SimpleQueue())
        self._lock = threading.Lock()
        self._closed = False
        self._submitted = 0
        self._dequeued = 0
        self._idle = workers
        self._threads = [threading.Thread(target=self._work, name=f"{name}-{i}", daemon=True)
                         for i in range(workers)]
        for thread in self._threads:
            thread.start()

    def submit(self, task: Callable[[], T]) -> Task[T]:
        """Queue ``task``; its future ends with its result or the exception it raised.

        Raises:
            RuntimeError: the pool is closed.
        """
        with self._lock:
            if self._closed:
                raise RuntimeError("submit on a closed pool")
            future: Task[T] = Task(self._submitted)
            self._submitted += 1
            self._queue.put((future, task))
        return future

    def starts_soon(self, future: Task[T]) -> bool:
        """Whether a queued ``future`` is within reach of an idle thread (not behind busy ones)."""
        with self._lock:
            return future.ticket - self._dequeued < self._idle

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            with self._lock:
                self._dequeued += 1
                self._idle -= 1
            if item is None:
                return
            future, task = item
            try:
                if future.set_running_or_notify_cancel():  # False: cancelled while queued
                    try:
                        result = task()
                    except BaseException as exc:  # noqa: BLE001 - handed to the future's taker
                        future.set_exception(exc)
                    else:
                        future.set_result(result)
            finally:
                with self._lock:
                    self._idle += 1

    def close(self) -> None:
        """Cancel every queued task and stop the threads; running tasks are not waited for."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                item[0].cancel()
        for _ in self._threads:
            self._queue.put(None)

    def threads(self) -> list[threading.Thread]:
        """The pool's threads (alive or ended)."""
        return list(self._threads)
