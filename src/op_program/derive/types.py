"""Block references the pipeline tracks: L1 blocks and L2 blocks with their L1 origin.

Spec: specs/protocol/derivation.md (L1 origin, sequencing epoch, sequence number), op-node
``eth.L1BlockRef`` / ``eth.L2BlockRef``.
"""

from __future__ import annotations

from dataclasses import dataclass

from op_program.config.rollup import BlockId
from op_program.protocol.header import Header


@dataclass(frozen=True, slots=True)
class L1BlockRef:
    """An L1 block: hash, number, parent hash and timestamp."""

    hash: bytes
    number: int
    parent_hash: bytes
    timestamp: int

    @classmethod
    def from_header(cls, header: Header) -> L1BlockRef:
        """The reference of an L1 header."""
        return cls(header.hash, header.number, header.parent_hash, header.timestamp)

    @property
    def id(self) -> BlockId:
        """The (hash, number) pair."""
        return BlockId(self.hash, self.number)


@dataclass(frozen=True, slots=True)
class L2BlockRef:
    """An L2 block with its L1 origin (epoch) and sequence number within the epoch."""

    hash: bytes
    number: int
    parent_hash: bytes
    timestamp: int
    l1_origin: BlockId
    sequence_number: int

    @property
    def id(self) -> BlockId:
        """The (hash, number) pair."""
        return BlockId(self.hash, self.number)
