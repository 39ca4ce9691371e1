"""The guard around every process entry point: failures exit 2 with one line (DESIGN §5).

Challenger and proposer automation reads exit code 1 as "claim invalid" and acts on it with
bonds, while CPython exits 1 on any uncaught exception. So no failure may ever leave a process
with 0 or 1: :func:`run_guarded` turns every exception (and SIGINT/SIGTERM, see
:mod:`op_program.shutdown`) into exit 2 and one clear line on stderr; the traceback is printed
only at ``--log.level debug``/``trace`` (or ``OP_PROGRAM_LOG_LEVEL``). Exit codes other than
0, 1 and 2 are mapped to 2, so only an entry point's own return value can be a verdict. URLs in
the line (and the traceback) are reduced to scheme and host, as in every log (``redact``).
"""

import logging
import os
import sys
import traceback
from collections.abc import Callable, Sequence

from op_program.exit_codes import ExitCode
from op_program.redact import redact_urls_in
from op_program.shutdown import Interrupted, handling_signals

_DEBUG_LEVELS = ("debug", "trace")


def wants_traceback(argv: Sequence[str] | None) -> bool:
    """Whether the user asked for debug output (flag, environment, or configured logging)."""
    args = list(sys.argv[1:] if argv is None else argv)
    for i, arg in enumerate(args):
        if arg == "--log.level" and i + 1 < len(args) and args[i + 1].lower() in _DEBUG_LEVELS:
            return True
        if arg.lower() in tuple(f"--log.level={level}" for level in _DEBUG_LEVELS):
            return True
    if os.environ.get("OP_PROGRAM_LOG_LEVEL", "").lower() in _DEBUG_LEVELS:
        return True
    return logging.getLogger().isEnabledFor(logging.DEBUG)


def one_line(exc: BaseException) -> str:
    """Describe ``exc`` on one line: its type and message, newlines folded."""
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _say(prog: str, message: str) -> None:
    try:  # an exception's text may carry an RPC URL with its API key: never print that
        print(f"{prog}: {redact_urls_in(message)}", file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass  # stderr is gone: the exit code is all that is left to say it


def _flush_stdout(prog: str) -> int | None:
    """Flush stdout now, so a closed pipe is an exit 2 here, not an error at interpreter exit."""
    try:
        sys.stdout.flush()
    except (OSError, ValueError) as exc:
        # Python's recommended handling: point stdout at devnull so the exit-time flush is quiet.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        except (OSError, ValueError):
            pass
        if not isinstance(exc, BrokenPipeError):
            _say(prog, f"error: cannot write output: {one_line(exc)}")
        return int(ExitCode.ERROR)
    return None


def _exit_code(code: object) -> int:
    if (isinstance(code, int) and not isinstance(code, bool)
            and code in (ExitCode.VALID, ExitCode.INVALID, ExitCode.ERROR)):
        return int(code)
    return int(ExitCode.ERROR)


def run_guarded(main: Callable[[], int], prog: str, argv: Sequence[str] | None = None) -> int:
    """Run ``main`` and return its exit code; whatever goes wrong, return 2 instead of raising.

    Args:
        main: the entry point's body; its return value is the exit code (0, 1 or 2).
        prog: the program name that prefixes the error line.
        argv: the arguments ``main`` parses (default ``sys.argv[1:]``), read for
            ``--log.level``.
    """
    try:
        with handling_signals():
            code = _exit_code(main())
    except Interrupted as exc:
        _say(prog, f"interrupted by {exc.name}")
        code = int(ExitCode.ERROR)
    except KeyboardInterrupt:
        _say(prog, "interrupted")
        code = int(ExitCode.ERROR)
    except SystemExit as exc:
        # argparse's --help/--version (0) and usage errors (2); nothing else may exit 0 or 1.
        code = 0 if exc.code == 0 else int(ExitCode.ERROR)
    except BaseException as exc:  # noqa: BLE001 - the process boundary: nothing may escape
        if wants_traceback(argv):
            try:
                print(redact_urls_in(traceback.format_exc()), end="", file=sys.stderr)
            except (OSError, ValueError):
                pass
        hint = "" if wants_traceback(argv) else " (--log.level debug shows the traceback)"
        _say(prog, f"error: {one_line(exc)}{hint}")
        code = int(ExitCode.ERROR)
    flushed = _flush_stdout(prog)
    return code if flushed is None else flushed
