"""Singular batches: one L2 block's inputs (derivation.md, Batch Format, version 0).

``batch_version (0x00) ++ rlp([parent_hash, epoch_number, epoch_hash, timestamp,
transaction_list])``. Spec: https://specs.optimism.io/protocol/derivation.html#batch-format
Decoding follows op-node (go-ethereum ``rlp.Decode``): the first RLP item is decoded and bytes
after it are ignored.
"""

from dataclasses import dataclass

from op_program.encoding.rlp import (
    as_bytes,
    as_fixed,
    as_list,
    as_uint,
    rlp_decode,
    rlp_encode,
)
from op_program.errors import DecodeError
from op_program.protocol.batches.errors import BatchDecodeError
from op_program.protocol.batches.rlp_stream import item_bounds

SINGULAR_BATCH_TYPE = 0


@dataclass(frozen=True, slots=True)
class SingularBatch:
    """The inputs of one L2 block: parent, L1 origin (epoch), timestamp and user transactions."""

    parent_hash: bytes
    epoch_num: int
    epoch_hash: bytes
    timestamp: int
    transactions: tuple[bytes, ...]

    def encode_content(self) -> bytes:
        """Return the RLP list (the batch content without the type byte)."""
        return rlp_encode(
            [
                self.parent_hash,
                self.epoch_num,
                self.epoch_hash,
                self.timestamp,
                list(self.transactions),
            ]
        )

    def encode(self) -> bytes:
        """Return the typed batch: ``0x00 ++ rlp(...)``."""
        return bytes([SINGULAR_BATCH_TYPE]) + self.encode_content()

    @classmethod
    def decode_content(cls, content: bytes) -> "SingularBatch":
        """Decode the batch content (after the type byte).

        Raises:
            BatchDecodeError: not an RLP list of the five fields with canonical values.
        """
        bounds = item_bounds(content, 0)
        if not bounds.is_list:
            raise BatchDecodeError("singular batch: expected an RLP list")
        try:
            fields = as_list(rlp_decode(content[: bounds.end]), "singular batch", 5)
            txs = as_list(fields[4], "singular batch transactions")
            return cls(
                parent_hash=as_fixed(fields[0], 32, "parent_hash"),
                epoch_num=as_uint(fields[1], "epoch_num", 64),
                epoch_hash=as_fixed(fields[2], 32, "epoch_hash"),
                timestamp=as_uint(fields[3], "timestamp", 64),
                transactions=tuple(as_bytes(tx, "transaction") for tx in txs),
            )
        except DecodeError as exc:
            if isinstance(exc, BatchDecodeError):
                raise
            raise BatchDecodeError(f"singular batch: {exc}") from exc
