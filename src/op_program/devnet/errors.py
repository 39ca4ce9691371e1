"""Devnet errors: a scenario the devnet cannot build, or a preimage it does not hold.

Spec: DESIGN §7 (errors subclass the project root ``OpProgramError``).
"""

from op_program.errors import OpProgramError


class DevnetError(OpProgramError):
    """The devnet cannot build what was asked (bad scenario options, a failed L2 block)."""


class MissingPreimageError(DevnetError):
    """A preimage key the devnet's store does not hold."""
