"""Batches: singular (v0) and span (v1, v2) batch codecs (derivation.md, Batch Format).

Spec: https://specs.optimism.io/protocol/derivation.html#batch-format and
https://specs.optimism.io/protocol/delta/span-batches.html. ``decode_batch`` takes the typed
batch bytes (the content of one RLP string in a channel).
"""

from op_program.protocol.batches.errors import (
    BatchDecodeError,
    EmptySpanBatchError,
    SpanBatchDeriveError,
    SpanBatchTooBigError,
)
from op_program.protocol.batches.singular import SINGULAR_BATCH_TYPE, SingularBatch
from op_program.protocol.batches.span import (
    SPAN_BATCH_TYPE,
    SPAN_BATCH_V2_TYPE,
    RawSpanBatch,
    SpanBatch,
    SpanBatchElement,
    span_batch_from_singulars,
)
from op_program.protocol.batches.span_txs import MAX_SPAN_BATCH_ELEMENT_COUNT, SpanBatchTxs

Batch = SingularBatch | RawSpanBatch


def decode_batch(data: bytes, allow_v2: bool = False) -> Batch:
    """Decode a typed batch: ``0x00`` singular, ``0x01`` span, ``0x02`` span v2.

    Version 2 is decoded only with ``allow_v2``: no released fork accepts it (op-node rejects
    the type byte).

    Raises:
        BatchDecodeError: empty data, an unknown type byte, or a malformed batch.
    """
    if not data:
        raise BatchDecodeError("batch too short")
    batch_type = data[0]
    if batch_type == SINGULAR_BATCH_TYPE:
        return SingularBatch.decode_content(data[1:])
    if batch_type == SPAN_BATCH_TYPE or (batch_type == SPAN_BATCH_V2_TYPE and allow_v2):
        return RawSpanBatch.decode_content(data[1:], batch_type)
    raise BatchDecodeError(f"unrecognized batch type: {batch_type}")


__all__ = [
    "MAX_SPAN_BATCH_ELEMENT_COUNT",
    "SINGULAR_BATCH_TYPE",
    "SPAN_BATCH_TYPE",
    "SPAN_BATCH_V2_TYPE",
    "Batch",
    "BatchDecodeError",
    "EmptySpanBatchError",
    "RawSpanBatch",
    "SingularBatch",
    "SpanBatch",
    "SpanBatchDeriveError",
    "SpanBatchElement",
    "SpanBatchTooBigError",
    "SpanBatchTxs",
    "decode_batch",
    "span_batch_from_singulars",
]
