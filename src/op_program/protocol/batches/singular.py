"""Singular batches: one L2 block's inputs (derivation.md, Batch Format, version 0).

``batch_version (0x00) ++ rlp([parent_hash, epoch_number, epoch_hash, timestamp,
transaction_list])``. Spec: https://specs.optimism.io/protocol/derivation.html#batch-format
Decoding follows op-node (go-ethereum ``rlp.Decode``): the first RLP item is decoded and bytes
after it are ignored.
"""

from dataclasses import dataclass
from typing import Final

from op_program.encoding.errors import RLPDecodeError
from op_program.encoding.rlp import (
    as_fixed,
    as_uint,
    rlp_encode,
    rlp_header,
    rlp_list_strings,
)
from op_program.errors import DecodeError
from op_program.protocol.batches.errors import BatchDecodeError
from op_program.protocol.batches.rlp_stream import item_bounds

SINGULAR_BATCH_TYPE: Final = 0


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
            # Field by field, not rlp_decode of the whole list: the transaction list is read
            # as strings only, so hostile nested lists are rejected at their first header.
            fields: list[tuple[bool, int, int]] = []
            pos = bounds.payload_start
            while pos < bounds.end and len(fields) < 5:
                fields.append(rlp_header(content, pos, bounds.end))
                pos = fields[-1][2]
            if pos != bounds.end or len(fields) != 5:
                raise BatchDecodeError("singular batch: expected 5 fields")
            if not fields[4][0]:
                raise BatchDecodeError("singular batch transactions: expected an RLP list")
            scalars = [_string(content, field, "singular batch field") for field in fields[:4]]
            txs = rlp_list_strings(content, fields[4][1], fields[4][2], "transaction")
            return cls(
                parent_hash=as_fixed(scalars[0], 32, "parent_hash"),
                epoch_num=as_uint(scalars[1], "epoch_num", 64),
                epoch_hash=as_fixed(scalars[2], 32, "epoch_hash"),
                timestamp=as_uint(scalars[3], "timestamp", 64),
                transactions=tuple(txs),
            )
        except DecodeError as exc:
            if isinstance(exc, BatchDecodeError):
                raise
            raise BatchDecodeError(f"singular batch: {exc}") from exc


def _string(content: bytes, field: tuple[bool, int, int], what: str) -> bytes:
    is_list, start, stop = field
    if is_list:
        raise RLPDecodeError(f"{what}: expected a byte string, got a list")
    return content[start:stop]
