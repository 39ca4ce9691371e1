"""The logging flags of ``op-program``: ``--log.level``, ``--log.format``, ``--log.color/pid``.

Spec: DESIGN §7/§8; the names, the ``OP_PROGRAM_LOG_*`` variables and their parsing follow the Go
op-program (op-service log flags): levels are case-insensitive, an environment value is
checked exactly like the flag, and a bad one is a usage error naming the variable.
"""

import argparse
import os

from op_program import oplog
from op_program.errors import UsageError


def _level(text: str) -> str:
    try:
        oplog.parse_level(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def _format(text: str) -> str:
    try:
        return oplog.parse_format(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_log_flags(parser: argparse.ArgumentParser) -> None:
    """Add the logging flags; defaults are None so the environment can fill them."""
    logs = parser.add_argument_group("logging")
    logs.add_argument("--log.level", dest="log_level", default=None, type=_level,
                      metavar="LEVEL",
                      help="The lowest log level that will be output: trace, debug, info, warn, "
                           f"error, crit (any case; default: info) [${oplog.LEVEL_ENV}]")
    logs.add_argument("--log.format", dest="log_format", default=None, type=_format,
                      metavar="FORMAT",
                      help="Format the log output. Supported formats: "
                           f"{', '.join(oplog.FORMATS)} (default: text) [${oplog.FORMAT_ENV}]")
    logs.add_argument("--log.color", dest="log_color", action="store_true",
                      help="Color the log output if in terminal mode (accepted, ignored) "
                           "[$OP_PROGRAM_LOG_COLOR]")
    logs.add_argument("--log.pid", dest="log_pid", action="store_true",
                      help="Show pid in the log (accepted, ignored) [$OP_PROGRAM_LOG_PID]")


def _from_env(name: str, flag: str) -> str | None:
    value = os.environ.get(name)
    if value is None or value == "":
        return None
    try:
        (oplog.parse_level if flag == "log.level" else oplog.parse_format)(value)
    except ValueError as exc:
        raise UsageError(f"could not parse {value!r} from environment variable {name} as value "
                         f"for flag {flag}: {exc}") from None
    return value


_GO_BOOLS = ("1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False")


def configure_logging(args: argparse.Namespace) -> None:
    """Set up this process's logs from the flags, else ``OP_PROGRAM_LOG_*``, else defaults.

    Raises:
        UsageError: an environment value that the flag would refuse.
    """
    for name, flag in (("OP_PROGRAM_LOG_COLOR", "log.color"), ("OP_PROGRAM_LOG_PID", "log.pid")):
        value = os.environ.get(name)
        if value and value not in _GO_BOOLS:
            raise UsageError(f"could not parse {value!r} as bool value from environment "
                             f"variable {name} for flag {flag}")
    level = args.log_level or _from_env(oplog.LEVEL_ENV, "log.level")
    fmt = args.log_format or _from_env(oplog.FORMAT_ENV, "log.format")
    oplog.setup_logging(level or oplog.DEFAULT_LEVEL, fmt or oplog.DEFAULT_FORMAT)
