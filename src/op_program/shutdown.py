"""SIGINT and SIGTERM as a clean, unwinding shutdown of a process entry point (DESIGN §5).

Challenger automation and VMs stop our processes with signals: Cannon sends SIGINT to its
preimage server one second after the VM exits, service managers send SIGTERM. Python's default
SIGTERM kills the process without running ``finally`` blocks (stores left unflushed) and its
default SIGINT raises a ``KeyboardInterrupt`` that prints a traceback. Here both raise
:class:`Interrupted` once in the main thread, so every ``finally`` closes what it opened and the
entry point decides the exit code (0 only when the work was already complete, else 2). Further
signals while unwinding are ignored, so a second Ctrl-C cannot cut the cleanup short; SIGKILL
remains the hard stop. While one wire message is written (:func:`signals_held`) a signal waits
for the write to end.
"""

import contextlib
import logging
import signal
import threading
from collections.abc import Iterator
from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM)

_log = logging.getLogger("op_program.shutdown")


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived; raised in the main thread where it was executing.

    A ``KeyboardInterrupt`` so that code written for Ctrl-C (and every ``except Exception``
    that must not swallow it) treats both signals alike.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def name(self) -> str:
        """The signal's name, e.g. ``SIGINT``."""
        return signal.Signals(self.signum).name


class _State:
    """Whether a signal was seen, and whether raising is currently deferred."""

    __slots__ = ("deferred", "held", "installed", "pending", "received")

    def __init__(self) -> None:
        self.installed = 0
        self.received: int | None = None
        self.deferred = 0
        self.held = 0
        self.pending: int | None = None


_state = _State()


def _handle(signum: int, frame: FrameType | None) -> None:
    if _state.held and _state.pending is not None:
        _state.pending = None  # a second signal while a write is stuck: stop waiting for it
        raise Interrupted(signum)
    if _state.received is not None:
        _log.warning("Already shutting down, ignoring signal=%s", signal.Signals(signum).name)
        return
    _state.received = signum
    if _state.deferred:
        _log.info("Signal received after the work finished signal=%s",
                  signal.Signals(signum).name)
        return
    if _state.held:
        _state.pending = signum
        return
    raise Interrupted(signum)


def received_signal() -> int | None:
    """Return the first SIGINT/SIGTERM seen since the handlers were installed, or None."""
    return _state.received


def stop_requested() -> int | None:
    """The SIGINT/SIGTERM received while the handlers are installed, else None.

    A signal that lands in a :func:`signals_deferred` block (the end of a client run) raises
    nothing and later ones are ignored, so work that goes on after such a block (the next proof
    of ``witness generate``) asks here before starting.
    """
    return _state.received if _state.installed else None


@contextlib.contextmanager
def handling_signals() -> Iterator[None]:
    """Raise :class:`Interrupted` on the first SIGINT/SIGTERM while inside; restore after.

    Re-entrant (an inner use keeps the outer handlers); a no-op outside the main thread, where
    Python cannot install handlers.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    if _state.installed:
        _state.installed += 1
        try:
            yield
        finally:
            _state.installed -= 1
        return
    previous = {signum: signal.signal(signum, _handle) for signum in SIGNALS}
    _state.installed, _state.received, _state.deferred = 1, None, 0
    _state.held, _state.pending = 0, None
    try:
        yield
    finally:
        _state.installed = 0
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Inside, a signal is only recorded: the work is done and cleanup must run to its end."""
    _state.deferred += 1
    try:
        yield
    finally:
        _state.deferred -= 1


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Inside, a signal waits until the block ends, then raises: a message goes out whole.

    Used around writing one answer on the wire, so a client never gets half of it and the
    host knows the answer was delivered when the signal is acted on. A second signal while
    the block still runs (a peer that stopped reading) raises at once.
    """
    _state.held += 1
    try:
        yield
    finally:
        _state.held -= 1
    if not _state.held and _state.pending is not None:
        signum, _state.pending = _state.pending, None
        raise Interrupted(signum)
