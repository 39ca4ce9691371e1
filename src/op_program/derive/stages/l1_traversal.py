"""L1 traversal: walk the L1 chain one block at a time, keeping the system config current.

Spec: specs/protocol/derivation.md, "L1 Traversal". The first block after a reset is the base;
each advance reads the next canonical block (checking it extends the current one) and applies the
SystemConfig update logs in its receipts, so batcher authentication is exact for every block.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from op_program.derive.errors import CriticalError, EndOfDataError, ResetError
from op_program.derive.providers import L1ChainProvider
from op_program.derive.types import L1BlockRef

S = TypeVar("S")

SystemConfigUpdater = Callable[[S, Sequence[bytes], int], S]
"""``(config, raw receipts of an L1 block, L1 block timestamp) -> updated config``."""


class L1Traversal(Generic[S]):
    """The innermost stage: hands out its current L1 block once, then waits for an advance."""

    __slots__ = ("_l1", "_update", "_origin", "_done", "system_config")

    def __init__(self, l1: L1ChainProvider, update: SystemConfigUpdater[S], system_config: S):
        self._l1 = l1
        self._update = update
        self._origin: L1BlockRef | None = None
        self._done = True
        self.system_config = system_config

    @property
    def origin(self) -> L1BlockRef:
        """The current L1 block.

        Raises:
            CriticalError: the stage was never reset.
        """
        if self._origin is None:
            raise CriticalError("L1 traversal used before reset")
        return self._origin

    def reset(self, base: L1BlockRef, system_config: S) -> None:
        """Start again at ``base`` with the system config that applies to it."""
        self._origin = base
        self._done = False
        self.system_config = system_config

    def next_l1_block(self) -> L1BlockRef:
        """The current L1 block, once per origin.

        Raises:
            EndOfDataError: it was already handed out; advance the origin first.
        """
        if self._done:
            raise EndOfDataError("L1 traversal: origin already consumed")
        self._done = True
        return self.origin

    def advance(self) -> None:
        """Move to the next L1 block and apply its system config updates.

        Raises:
            EndOfDataError: the current block is the L1 head.
            ResetError: the next block does not extend the current one (an L1 reorg).
        """
        origin = self.origin
        if origin.number >= self._l1.head.number:
            raise EndOfDataError(f"L1 head {self._l1.head.number} reached")
        header = self._l1.header_by_number(origin.number + 1)
        next_ref = L1BlockRef.from_header(header)
        if next_ref.parent_hash != origin.hash:
            raise ResetError(
                f"L1 block {next_ref.number} does not extend 0x{origin.hash.hex()}: reorg"
            )
        _, receipts = self._l1.receipts_by_hash(next_ref.hash)
        self.system_config = self._update(self.system_config, receipts, next_ref.timestamp)
        self._origin = next_ref
        self._done = False
