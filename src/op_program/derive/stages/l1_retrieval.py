"""L1 retrieval: the batcher data of the current L1 block, one transaction's data at a time.

Spec: specs/protocol/derivation.md, "L1 Retrieval". Pulls a block from L1 traversal, opens its
data source with the batcher address in force at that block, and hands out each item; at the end
of the block it reports end of data so the pipeline advances the origin.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

from op_program.derive.errors import EndOfDataError
from op_program.derive.stages.l1_traversal import L1Traversal
from op_program.derive.types import L1BlockRef

DataOpener = Callable[[L1BlockRef, bytes], list[bytes]]
"""``(L1 block, batcher address) -> batcher data items`` (see ``data_source.open_data``)."""


class L1Retrieval:
    """Buffers the data items of one L1 block."""

    __slots__ = ("_traversal", "_open", "_items")

    def __init__(self, traversal: L1Traversal[Any], open_data: DataOpener) -> None:
        self._traversal = traversal
        self._open = open_data
        self._items: deque[bytes] | None = None

    @property
    def origin(self) -> L1BlockRef:
        """The L1 block data is read from."""
        return self._traversal.origin

    def reset(self) -> None:
        """Forget any buffered data."""
        self._items = None

    def next_data(self) -> bytes:
        """The next batcher data item.

        Raises:
            EndOfDataError: the current block has no more data.
        """
        if self._items is None:
            block = self._traversal.next_l1_block()
            batcher: bytes = self._traversal.system_config.batcher_address
            self._items = deque(self._open(block, batcher))
        if not self._items:
            self._items = None
            raise EndOfDataError("L1 retrieval: no more data in this L1 block")
        return self._items.popleft()
