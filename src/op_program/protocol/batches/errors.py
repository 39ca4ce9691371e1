"""Errors of the batch codecs (derivation.md Batch Format, delta/span-batches.md)."""

from op_program.protocol.errors import ProtocolDecodeError


class BatchDecodeError(ProtocolDecodeError):
    """Batch bytes that do not decode as a singular or span batch."""


class SpanBatchTooBigError(BatchDecodeError):
    """A span batch with more than ``MAX_SPAN_BATCH_ELEMENT_COUNT`` blocks or transactions."""


class EmptySpanBatchError(BatchDecodeError):
    """A span batch with a block count of zero."""


class SpanBatchDeriveError(BatchDecodeError):
    """A decoded span batch whose transactions cannot be rebuilt (unknown type, bad fields)."""
