"""Derivation errors: every failure carries its severity in its class.

Spec: specs/protocol/derivation.md ("Resetting the Pipeline"); mirrors op-node's error kinds
(``ErrTemporary``, ``ErrReset``, ``ErrCritical``, ``io.EOF``, ``NotEnoughData``). A driver:
retries a step after ``NotEnoughDataError`` or ``TemporaryError``, advances (or stops at) the L1
origin after ``EndOfDataError``, and ends the program on ``ResetError`` or ``CriticalError``.
"""

from op_program.errors import OpProgramError


class DerivationError(OpProgramError):
    """Root of the derivation pipeline's errors."""


class TemporaryError(DerivationError):
    """A transient condition; stepping again may succeed."""


class ResetError(DerivationError):
    """The pipeline's view is inconsistent with the L1/L2 chain; it needs a reset."""


class CriticalError(DerivationError):
    """An invariant was broken; derivation cannot continue."""


class EndOfDataError(DerivationError):
    """A stage has no more data at its current L1 origin (op-node ``io.EOF``)."""


class NotEnoughDataError(DerivationError):
    """A stage made progress but has nothing to hand out yet; step again."""
