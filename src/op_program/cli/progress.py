"""Progress on a terminal for the commands that take seconds (rich), silence elsewhere.

Why: ``witness import`` (31 s on the real witness), ``export``, ``verify``, ``execute-block``,
``demo`` and a proof used to say nothing until the end. On a terminal they now show a transient
line with a spinner, the work done so far, the elapsed time and the latest log message; when
stderr is not a terminal (scripts, CI, pipes) nothing but the logs is written. rich is imported
only when a terminal will show it, so start-up stays fast.

Log lines keep working under the live line: the root log handler writes through rich's console
for as long as the line is shown (rich prints them above it).
"""

import contextlib
import logging
import sys
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from op_program.redact import redact_urls_in

T = TypeVar("T")


class Tracker:
    """What a command reports while it works; does nothing when there is no terminal."""

    def __init__(self, progress: Any = None, task: Any = None) -> None:
        self._progress = progress
        self._task = task

    @property
    def shown(self) -> bool:
        """Whether a live progress line is on the terminal."""
        return self._progress is not None

    def advance(self, count: int = 1) -> None:
        """Count ``count`` more units of work."""
        if self._progress is not None:
            self._progress.advance(self._task, count)

    def status(self, text: str) -> None:
        """Show ``text`` (e.g. the phase or the latest log message) after the counters."""
        if self._progress is not None:
            self._progress.update(self._task, status=text[:100])

    def count(self, items: Iterable[T]) -> Iterator[T]:
        """Yield ``items`` unchanged, advancing by one for each."""
        for item in items:
            yield item
            self.advance()


class _StatusHandler(logging.Handler):
    """Puts each log message into the progress line's status."""

    def __init__(self, tracker: Tracker) -> None:
        super().__init__(logging.DEBUG)
        self._tracker = tracker

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):
            self._tracker.status(redact_urls_in(record.getMessage()))


def stderr_is_terminal() -> bool:
    """Whether progress would be seen (stderr is a terminal)."""
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


@contextlib.contextmanager
def progress(label: str, unit: str | None = None,
             follow_logs: bool = False) -> Iterator[Tracker]:
    """Show a transient progress line on a terminal for the ``with`` block.

    Args:
        label: what is being done ("importing witness").
        unit: the counted things ("entries"), or None for a spinner with elapsed time only.
        follow_logs: show each log message as the status (for long runs like a proof).
    """
    if not stderr_is_terminal():
        yield Tracker()
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns: list[Any] = [SpinnerColumn(), TextColumn("[bold]{task.description}")]
    if unit is not None:
        columns.append(TextColumn(f"{{task.completed:,.0f}} {unit}"))
    columns += [TimeElapsedColumn(), TextColumn("{task.fields[status]}", style="dim")]
    console = Console(file=sys.stderr, soft_wrap=True)  # log lines are never re-wrapped
    with Progress(*columns, console=console, transient=True) as live:
        tracker = Tracker(live, live.add_task(label, total=None, status=""))
        root = logging.getLogger()
        streams = [(h, h.stream) for h in root.handlers
                   if isinstance(h, logging.StreamHandler) and h.stream in (sys.__stderr__,
                                                                               console.file)]
        for handler, _ in streams:  # log lines go above the live line, not through it
            handler.setStream(sys.stderr)
        status = _StatusHandler(tracker) if follow_logs else None
        if status is not None:
            root.addHandler(status)
        try:
            yield tracker
        finally:
            if status is not None:
                root.removeHandler(status)
            for handler, stream in streams:
                handler.setStream(stream)
