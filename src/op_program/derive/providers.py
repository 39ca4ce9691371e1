"""Providers: the chain data the derivation pipeline reads, as Protocols the client implements.

Spec: specs/protocol/derivation.md ("L1 Traversal", "L1 Retrieval", "Resetting the Pipeline");
op-node ``derive.L1Fetcher``, ``L1BlobsFetcher`` and ``SafeBlockFetcher``. The client backs them
with the preimage oracle (``client/l1.py``, ``client/l2.py``, ``client/blobs.py``); tests back
them with in-memory chains. Every method may raise an ``OpProgramError`` for missing or invalid
data; the pipeline lets those propagate.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from op_program.protocol.header import Header


class L1ChainProvider(Protocol):
    """The L1 chain up to and including the L1 head."""

    @property
    def head(self) -> Header:
        """The L1 head: nothing above it is visible to derivation."""

    def header_by_hash(self, block_hash: bytes) -> Header:
        """The header with ``block_hash``."""

    def header_by_number(self, number: int) -> Header:
        """The canonical header at ``number`` (never called above ``head.number``)."""

    def transactions_by_hash(self, block_hash: bytes) -> tuple[Header, Sequence[bytes]]:
        """The header and raw EIP-2718 transactions of a block."""

    def receipts_by_hash(self, block_hash: bytes) -> tuple[Header, Sequence[bytes]]:
        """The header and raw EIP-2718 receipts of a block."""


class BlobProvider(Protocol):
    """EIP-4844 blobs by versioned hash, as included in an L1 block."""

    def get_blobs(self, l1_timestamp: int, hashes: Sequence[tuple[int, bytes]]) -> Sequence[bytes]:
        """The 131072-byte blobs for ``(index in block, versioned hash)`` pairs, in order.

        ``l1_timestamp`` is the including L1 block's time (it locates the beacon slot).
        """


class L2ChainProvider(Protocol):
    """The L2 chain up to the current safe head (agreed blocks and blocks built this run)."""

    def header_by_number(self, number: int) -> Header:
        """The canonical L2 header at ``number`` (at most the safe head)."""

    def transactions_by_hash(self, block_hash: bytes) -> Sequence[bytes]:
        """The raw transactions of the L2 block ``block_hash`` (the L1-info deposit first)."""
