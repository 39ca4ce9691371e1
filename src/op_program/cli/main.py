"""The ``op-program`` command: host flags, tool subcommands and logging (DESIGN §8).

Spec: fault-proof/index.md, "Host"; DESIGN §5 (exit codes) and §8 (the command-line contract).
This module parses arguments and dispatches; the work lives in ``host`` and the tools. Usage
errors exit 2 with a one-line message, never a traceback.
"""

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from op_program import __version__
from op_program.cli.host_flags import add_host_flags, host_config_from_args
from op_program.cli.logs import FORMATS, LEVELS, setup_logging
from op_program.errors import OpProgramError, UsageError
from op_program.exit_codes import ExitCode

PROG = "op-program"
SUBCOMMANDS = {
    "witness": "witness_cmd",
    "configs": "configs_cmd",
    "decode": "decode_cmd",
    "execute-block": "execute_block_cmd",
    "demo": "demo_cmd",
}
"""Tool subcommand name -> module of ``op_program.cli``; a module that does not exist (yet) is
left out. The modules import their own stacks (the devnet's alone costs ~0.4 s), so a host run
whose arguments name no subcommand and ask no help does not import them (see build_parser)."""

_log = logging.getLogger("op_program.cli")


class _UsageExit(Exception):
    """Raised instead of argparse's two-line usage dump."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors become one line on stderr and exit 2."""

    def error(self, message: str) -> NoReturn:
        """Raise a usage error carrying argparse's message."""
        raise _UsageExit(message)


def _names_a_tool(argv: Sequence[str]) -> bool:
    """Return whether ``argv`` may select a subcommand or ask for help (then all are needed)."""
    return any(token in SUBCOMMANDS or token in ("-h", "--help") for token in argv)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """Return the parser: host flags plus every available subcommand.

    Given the ``argv`` to parse, the subcommands are left out when no token of it is a
    subcommand name or a help flag: a host run (the common, timed case) then skips importing
    them. A usage error of such a parser is re-checked with the full one (see ``main``).
    """
    parser = _Parser(
        prog=PROG,
        description=(
            "OP Stack fault proof program host: serves preimages to the client, fetching them "
            "from L1/L2 nodes when online, and exits with the client's verdict "
            "(0 valid claim, 1 invalid claim, 2 error)."
        ),
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    logs = parser.add_argument_group("logging")
    logs.add_argument("--log.level", dest="log_level", default=None, choices=LEVELS,
                      help="The lowest log level that will be output [$OP_PROGRAM_LOG_LEVEL]")
    logs.add_argument("--log.format", dest="log_format", default=None, choices=FORMATS,
                      help="Format the log output [$OP_PROGRAM_LOG_FORMAT]")
    logs.add_argument("--log.color", dest="log_color", action="store_true",
                      help="Color the log output if in terminal mode (accepted, ignored)")
    add_host_flags(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="<subcommand>",
                                       title="tool subcommands")
    if argv is not None and not _names_a_tool(argv):
        return parser
    for name in SUBCOMMANDS.values():
        module_name = f"op_program.cli.{name}"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        module.register(subparsers)
    return parser


def _usage_error(message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return int(ExitCode.ERROR)


def _run_host(args: argparse.Namespace) -> int:
    from op_program.host.runner import run_host  # the heavy host stack only when hosting

    config = host_config_from_args(args)
    return run_host(config)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the process exit code."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    try:
        try:
            args = build_parser(arguments).parse_args(arguments)
        except _UsageExit:
            args = build_parser().parse_args(arguments)  # the full parser's verdict and message
    except _UsageExit as exc:
        return _usage_error(str(exc))
    except SystemExit as exc:  # --help and --version exit 0
        return int(exc.code) if isinstance(exc.code, int) else int(ExitCode.ERROR)
    setup_logging(
        args.log_level or os.environ.get("OP_PROGRAM_LOG_LEVEL", "info"),
        args.log_format or os.environ.get("OP_PROGRAM_LOG_FORMAT", "text"),
    )
    try:
        func = getattr(args, "func", None)
        if func is not None:
            return int(func(args))
        return _run_host(args)
    except UsageError as exc:
        return _usage_error(str(exc))
    except OpProgramError as exc:
        _log.error("%s", exc)
        return int(ExitCode.ERROR)
    except KeyboardInterrupt:
        return int(ExitCode.ERROR)
    except BrokenPipeError:  # stdout closed by the reader (e.g. `| head`)
        sys.stderr.close()
        return int(ExitCode.ERROR)


if __name__ == "__main__":
    sys.exit(main())
