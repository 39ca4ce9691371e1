"""The root of every error the program raises on purpose (DESIGN §7).

Foreign exceptions (rlp, py-evm, httpx, OS errors) are translated into these once, at the
adapter that calls the foreign code. Packages define their own subclasses next to their code.
"""


class OpProgramError(Exception):
    """Root of all errors raised deliberately by op-program."""


class DecodeError(OpProgramError):
    """Bytes that do not decode: hostile or corrupt input, never a crash."""


class InvalidPreimageError(OpProgramError):
    """A preimage whose value does not match its key (wrong hash, wrong length)."""


class ConfigError(OpProgramError):
    """A rollup or chain configuration that is missing, malformed or inconsistent."""


class UsageError(OpProgramError):
    """A user error at the command line: exit 2 with a one-line message."""
