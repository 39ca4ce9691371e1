"""The ``op-program`` command: host flags, tool subcommands and logging (DESIGN §8).

Spec: fault-proof/index.md, "Host"; DESIGN §5 (exit codes) and §8 (the command-line contract).
This module parses arguments and dispatches; the work lives in ``host`` and the tools. Usage
errors exit 2 with a one-line message, never a traceback.
"""

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from op_program import __version__
from op_program.cli.host_flags import add_host_flags, host_config_from_args
from op_program.cli.log_flags import add_log_flags, configure_logging
from op_program.cli.progress import progress
from op_program.entry_guard import run_guarded
from op_program.errors import OpProgramError, UsageError
from op_program.exit_codes import ExitCode
from op_program.process_setup import prepare_process
from op_program.redact import redact_urls_in

PROG = "op-program"
SUBCOMMANDS = {
    "witness": "witness_cmd",
    "configs": "configs_cmd",
    "decode": "decode_cmd",
    "execute-block": "execute_block_cmd",
    "demo": "demo_cmd",
    "verify-range": "verify_range_cmd",
}
"""Tool subcommand name -> module of ``op_program.cli``; a module that does not exist (yet) is
left out. The modules import their own stacks (the devnet's alone costs ~0.4 s), so a host run
whose arguments name no subcommand and ask no help does not import them (see build_parser)."""

_log = logging.getLogger("op_program.cli")


class _UsageExit(Exception):
    """Raised instead of argparse's two-line usage dump."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors become one line on stderr and exit 2.

    Like the reference's flag parser it takes no abbreviated flags, and an unknown flag is
    reported as ``unknown flag --x``.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        """Remember the arguments, to name an unknown flag in :meth:`error`."""
        self._seen = list(sys.argv[1:] if args is None else args)
        return super().parse_known_args(args, namespace)

    def _unknown_flag(self) -> str | None:
        """The first flag before the subcommand that this parser does not define."""
        commands: set[str] = set()
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                commands.update(action.choices)
        seen: list[str] = getattr(self, "_seen", [])
        for token in seen:
            if token == "--" or token in commands:
                break
            name = token.split("=")[0]
            if name.startswith("-") and name not in self._option_string_actions:
                return name
        return None

    def error(self, message: str) -> NoReturn:
        """Raise a usage error carrying argparse's message (an unknown flag is named alone)."""
        unknown = self._unknown_flag()
        if unknown is not None:
            raise _UsageExit(f"unknown flag {unknown}")
        prefix = "unrecognized arguments: "
        if message.startswith(prefix):
            first = message[len(prefix):].split(" ")[0]
            if first.startswith("-"):
                raise _UsageExit(f"unknown flag {first.split('=')[0]}")
            raise _UsageExit(f"unexpected argument {first!r}")
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
    # No abbreviations: the top-level parser sees every option of the command line, so a
    # subcommand option that is a prefix of a host flag (demo --client, --client.dialect)
    # would otherwise be taken for the host flag.
    parser = _Parser(
        prog=PROG,
        allow_abbrev=False,
        description=(
            "OP Stack fault proof program host: serves preimages to the client, fetching them "
            "from L1/L2 nodes when online, and exits with the client's verdict "
            "(0 valid claim, 1 invalid claim, 2 error)."
        ),
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    add_log_flags(parser)
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
    print(f"{PROG}: error: {redact_urls_in(message)}", file=sys.stderr)
    return int(ExitCode.ERROR)


def _run_host(args: argparse.Namespace) -> int:
    from op_program.host.runner import run_host  # the heavy host stack only when hosting

    config = host_config_from_args(args)
    if config.exec_cmd or config.server_mode:  # another process shares (or owns) the terminal
        return run_host(config)
    with progress("proving", follow_logs=True):
        return run_host(config)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the process exit code (0, 1 or 2; never raises)."""
    return run_guarded(lambda: _main(argv), PROG, argv)


def _main(argv: Sequence[str] | None) -> int:
    prepare_process()  # the executor's process-wide settings, before anything runs
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
    try:
        configure_logging(args)
    except UsageError as exc:
        return _usage_error(str(exc))
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
    except BrokenPipeError:  # stdout closed by the reader (e.g. `| head`)
        sys.stderr.close()
        return int(ExitCode.ERROR)


if __name__ == "__main__":
    sys.exit(main())
