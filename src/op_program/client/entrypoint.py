"""The ``op-program-client`` process: the client speaking the preimage protocol on fds 3-6.

Spec: fault-proof/index.md, "Pre-image communication". DESIGN §4 fixes the fd numbers:
3 hint read, 4 hint write, 5 preimage read, 6 preimage write. Logs go to stderr as logfmt-like
lines; the exit code is the verdict (0 valid, 1 invalid, 2 error). The log level and format
come from ``--log.level``/``--log.format`` or, as a host's ``--exec`` child, from the host's
``OP_PROGRAM_LOG_LEVEL``/``OP_PROGRAM_LOG_FORMAT`` (oplog.child_env), so both halves log alike.
The client program (and py-evm behind it) is imported only when it runs, so ``--help`` and
``--version`` start fast.
"""

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from op_program import __version__, oplog
from op_program.entry_guard import run_guarded
from op_program.exit_codes import ExitCode
from op_program.process_setup import prepare_process

PROG = "op-program-client"


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the client process."""
    parser = argparse.ArgumentParser(
        prog="op-program-client",
        description=(
            "OP Stack fault proof program client. Reads hints/preimages over inherited file "
            "descriptors 3 (hint read), 4 (hint write), 5 (preimage read), 6 (preimage write) "
            "and exits 0 if the claim is valid, 1 if invalid, 2 on any other failure."
        ),
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument(
        "--log.level", dest="log_level", default=None, metavar="LEVEL",
        help="lowest level of log lines written to stderr: trace, debug, info, warn, error, "
             f"crit, any case (default: ${oplog.LEVEL_ENV}, else info)")
    parser.add_argument(
        "--log.format", dest="log_format", default=None, metavar="FORMAT",
        help=f"log line format: {', '.join(oplog.FORMATS)} "
             f"(default: ${oplog.FORMAT_ENV}, else logfmt)")
    return parser


def _configure_logging(args: argparse.Namespace) -> None:
    """Flags first, then the host's variables; the default is logfmt, as the Go client."""
    level = args.log_level or os.environ.get(oplog.LEVEL_ENV) or oplog.DEFAULT_LEVEL
    fmt = args.log_format or os.environ.get(oplog.FORMAT_ENV) or "logfmt"
    oplog.setup_logging(level, fmt)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the client process and return its exit code (0, 1 or 2; never raises)."""
    return run_guarded(lambda: _main(argv), PROG, argv)


def _main(argv: Sequence[str] | None) -> int:
    prepare_process()  # the executor's process-wide settings, before anything runs
    args = build_parser().parse_args(argv)
    try:
        _configure_logging(args)
    except ValueError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return int(ExitCode.ERROR)
    from op_program.client.program import run  # py-evm only when the program runs
    from op_program.preimage.errors import ChannelSetupError
    from op_program.preimage.hints import HintClient
    from op_program.preimage.oracle import OracleClient
    from op_program.preimage.process import client_channels_from_fds

    try:
        channels = client_channels_from_fds()
    except (OSError, ChannelSetupError) as exc:
        logging.getLogger("op_program.client").error(
            "Cannot open the preimage channels on fds 3-6 err=%s", exc
        )
        return int(ExitCode.ERROR)
    try:
        return run(OracleClient(channels.preimage), HintClient(channels.hint))
    finally:
        channels.close()


if __name__ == "__main__":
    sys.exit(main())
