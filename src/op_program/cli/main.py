"""The ``op-program`` command: host flags and tool subcommands (DESIGN §8).

This module only parses arguments and dispatches; the work lives in ``host`` and the tools.
"""

import argparse
import sys
from collections.abc import Sequence

from op_program import __version__
from op_program.exit_codes import ExitCode


def build_parser() -> argparse.ArgumentParser:
    """Return the top-level argument parser of the host command."""
    parser = argparse.ArgumentParser(
        prog="op-program",
        description=(
            "OP Stack fault proof program host: serves preimages to the client, fetching them "
            "from L1/L2 nodes when online, and exits with the client's verdict "
            "(0 valid claim, 1 invalid claim, 2 error)."
        ),
    )
    parser.add_argument("--version", action="version", version=f"op-program {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the host command line and return the process exit code."""
    parser = build_parser()
    try:
        parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code) if isinstance(exc.code, int) else int(ExitCode.ERROR)
    parser.print_usage(sys.stderr)
    return int(ExitCode.ERROR)


if __name__ == "__main__":
    sys.exit(main())
