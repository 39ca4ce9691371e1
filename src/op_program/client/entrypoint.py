"""The ``op-program-client`` process: the client speaking the preimage protocol on fds 3-6.

Spec: fault-proof/index.md, "Pre-image communication". DESIGN §4 fixes the fd numbers.
"""

import argparse
import sys
from collections.abc import Sequence

from op_program.exit_codes import ExitCode


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the client process."""
    return argparse.ArgumentParser(
        prog="op-program-client",
        description=(
            "OP Stack fault proof program client. Reads hints/preimages over inherited file "
            "descriptors 3 (hint read), 4 (hint write), 5 (preimage read), 6 (preimage write) "
            "and exits 0 if the claim is valid, 1 if invalid, 2 on any other failure."
        ),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the client process and return its exit code."""
    build_parser().parse_args(argv)
    return int(ExitCode.ERROR)


if __name__ == "__main__":
    sys.exit(main())
