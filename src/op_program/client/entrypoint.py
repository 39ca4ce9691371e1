"""The ``op-program-client`` process: the client speaking the preimage protocol on fds 3-6.

Spec: fault-proof/index.md, "Pre-image communication". DESIGN §4 fixes the fd numbers:
3 hint read, 4 hint write, 5 preimage read, 6 preimage write. Logs go to stderr as logfmt-like
lines; the exit code is the verdict (0 valid, 1 invalid, 2 error).
"""

import argparse
import logging
import sys
from collections.abc import Sequence

from op_program.client.program import run
from op_program.exit_codes import ExitCode
from op_program.preimage.hints import HintClient
from op_program.preimage.oracle import OracleClient
from op_program.preimage.process import client_channels_from_fds

LOG_FORMAT = 't=%(asctime)s lvl=%(levelname)s msg="%(message)s"'


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
    parser.add_argument(
        "--log.level",
        dest="log_level",
        default="info",
        choices=("trace", "debug", "info", "warn", "error", "crit"),
        help="lowest level of log lines written to stderr (default: info)",
    )
    return parser


def _configure_logging(level: str) -> None:
    numeric = {
        "trace": logging.DEBUG,
        "debug": logging.DEBUG,
        "info": logging.INFO,
        "warn": logging.WARNING,
        "error": logging.ERROR,
        "crit": logging.CRITICAL,
    }[level]
    logging.basicConfig(stream=sys.stderr, level=numeric, format=LOG_FORMAT)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the client process and return its exit code."""
    args = build_parser().parse_args(argv)
    _configure_logging(args.log_level)
    try:
        channels = client_channels_from_fds()
    except OSError as exc:
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
