"""Process exit codes shared by client and host (DESIGN §5).

The fault-proof spec's program contract: 0 when the claim is valid, 1 when it is invalid; any
other failure (missing preimage, corrupt data, bug) must not be mistaken for a verdict, so it is 2.
"""

from enum import IntEnum


class ExitCode(IntEnum):
    """The verdict or failure a process reports."""

    VALID = 0
    INVALID = 1
    ERROR = 2
