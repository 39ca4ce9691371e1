"""Errors of the fault proof client: each one ends the program with exit code 2.

Spec: fault-proof/index.md, "Fault Proof Program" (a program error is never a verdict).
"""

from op_program.errors import DecodeError, InvalidPreimageError, OpProgramError


class ClientError(OpProgramError):
    """A failure of the client program that is not a verdict on the claim."""


class PreimageMismatchError(InvalidPreimageError):
    """A preimage that does not hash to its key, or a blob that fails its KZG commitment."""


class PreimageFormatError(DecodeError):
    """A preimage that hashes correctly but does not decode as the expected structure."""


class PreimageUnavailableError(ClientError):
    """The oracle has no preimage for a key the program needs."""


class BootError(ClientError):
    """Boot inputs (local keys) that are malformed or name an unknown chain."""


class L1RangeError(ClientError):
    """A request for an L1 block beyond the L1 head or otherwise unreachable."""


class L2BlockError(ClientError):
    """An L2 block that cannot be found from the agreed head or the blocks built so far."""


class DriverError(ClientError):
    """The derivation driver stopped on a critical error."""
