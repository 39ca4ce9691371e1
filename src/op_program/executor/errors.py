"""Executor errors: why a block cannot be built (specs/protocol/exec-engine.md).

``InvalidTransactionError`` names the offending transaction so the driver can apply Holocene's
deposit-only fallback; state-source errors say which preimage was missing or wrong.
"""

from op_program.errors import DecodeError, InvalidPreimageError, OpProgramError


class ExecutorError(OpProgramError):
    """Root of the errors raised while building a block."""


class InvalidAttributesError(ExecutorError):
    """Payload attributes that cannot produce a valid block (bad header fields, no L1-info tx)."""


class InvalidTransactionError(InvalidAttributesError):
    """A transaction in the attributes is invalid, so the whole payload is invalid.

    Attributes:
        index: position of the transaction in the attributes' list.
        reason: a short description of the rule it breaks.
    """

    def __init__(self, index: int, reason: str) -> None:
        super().__init__(f"transaction {index} is invalid: {reason}")
        self.index = index
        self.reason = reason


class TransactionDecodingError(InvalidTransactionError, DecodeError):
    """A transaction in the attributes does not decode (truncated or garbage bytes)."""


class MissingStateError(ExecutorError):
    """The state source has no preimage for a trie node, code or header that execution needs."""

    def __init__(self, kind: str, key: bytes) -> None:
        super().__init__(f"missing {kind} 0x{key.hex()}")
        self.kind = kind
        self.key = key


class WrongPreimageError(ExecutorError, InvalidPreimageError):
    """The state source returned bytes whose keccak256 is not the requested hash."""

    def __init__(self, kind: str, key: bytes) -> None:
        super().__init__(f"state source returned a wrong preimage for {kind} 0x{key.hex()}")
        self.kind = kind
        self.key = key


class EvmFailure(ExecutorError):
    """The EVM library failed unexpectedly (a bug or an unsupported construct), not a tx error."""
