"""Ordered-list tries: the transactions and receipts tries of a block.

Spec: Ethereum yellow paper §4.3 (transactionsRoot, receiptsRoot): the i-th value is stored
under the key ``rlp(i)``. ``ordered_trie_values`` reads such a list back from a root through a
``node_by_hash`` callback (L1 and L2 transactions and receipts fetched through the oracle).
"""

from collections.abc import Sequence
from typing import Final

from op_program.encoding.errors import RLPDecodeError
from op_program.encoding.rlp import as_uint, rlp_decode, rlp_encode
from op_program.mpt.builder import trie_root, trie_root_and_nodes
from op_program.mpt.errors import TrieDecodeError
from op_program.mpt.lookup import NodeByHash, trie_items

MAX_ORDERED_NODES: Final = 1 << 17
"""Walk bound for ordered tries: far above the node count of any block's tx or receipt trie."""

MAX_INDEX_KEY_BYTES: Final = 9
"""rlp(i) of a u64 index is at most 9 bytes long."""


def ordered_trie_root(values: Sequence[bytes]) -> bytes:
    """Return the root of the trie mapping ``rlp(i)`` to ``values[i]``."""
    return trie_root((rlp_encode(index), value) for index, value in enumerate(values))


def ordered_trie_root_and_nodes(values: Sequence[bytes]) -> tuple[bytes, list[bytes]]:
    """Return the root and the hashed nodes (root last) of the ordered trie of ``values``."""
    return trie_root_and_nodes((rlp_encode(index), value) for index, value in enumerate(values))


def _index_of(key: bytes) -> int:
    try:
        return as_uint(rlp_decode(key), "ordered trie key", 64)
    except RLPDecodeError as exc:
        raise TrieDecodeError(f"ordered trie key is not an RLP integer: {exc}") from exc


def ordered_trie_values(root: bytes, node_by_hash: NodeByHash) -> list[bytes]:
    """Read back every value of an ordered-list trie, in index order.

    Raises:
        TrieDecodeError: a malformed node, a key that is not ``rlp(i)``, missing indices, or
            more than ``MAX_ORDERED_NODES`` nodes.
    """
    items = trie_items(root, node_by_hash, MAX_ORDERED_NODES, MAX_INDEX_KEY_BYTES)
    indexed = sorted((_index_of(key), value) for key, value in items)
    for position, (index, _) in enumerate(indexed):
        if index != position:
            raise TrieDecodeError(f"ordered trie lacks index {position}")
    return [value for _, value in indexed]
