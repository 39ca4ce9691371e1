"""Computing a Merkle-Patricia trie root from a complete set of key/value pairs.

Spec: Ethereum yellow paper appendix D. The trie is built bottom-up in one pass over the sorted
keys (no incremental inserts), which makes transaction and receipt roots of hundreds of entries
cheap. Nodes shorter than 32 bytes are embedded in their parent; the root is always hashed.
"""

from collections.abc import Iterable
from typing import Final

from op_program.encoding.hashing import keccak256
from op_program.encoding.rlp import encode_bytes_item, encode_list_payload
from op_program.mpt.errors import TrieDecodeError
from op_program.mpt.lookup import EMPTY_ROOT
from op_program.mpt.nibbles import bytes_to_nibbles, hex_prefix_encode

_EMPTY_ITEM: Final = b"\x80"


def _reference(encoded_node: bytes, hashed: list[bytes] | None) -> bytes:
    """The RLP item that refers to a child: the node inline if short, else its hash.

    Nodes referred to by hash are appended to ``hashed`` when it is given.
    """
    if len(encoded_node) < 32:
        return encoded_node
    if hashed is not None:
        hashed.append(encoded_node)
    return b"\xa0" + keccak256(encoded_node)


def _common_prefix(a: bytes, b: bytes, start: int) -> int:
    limit = min(len(a), len(b))
    end = start
    while end < limit and a[end] == b[end]:
        end += 1
    return end - start


def _build(
    entries: list[tuple[bytes, bytes]], lo: int, hi: int, depth: int, hashed: list[bytes] | None
) -> bytes:
    """Encode the node holding entries[lo:hi], which all share their first ``depth`` nibbles."""
    first = entries[lo][0]
    if hi - lo == 1:
        return encode_list_payload(
            encode_bytes_item(hex_prefix_encode(first[depth:], True))
            + encode_bytes_item(entries[lo][1])
        )
    shared = _common_prefix(first, entries[hi - 1][0], depth)
    if shared:
        child = _build(entries, lo, hi, depth + shared, hashed)
        return encode_list_payload(
            encode_bytes_item(hex_prefix_encode(first[depth : depth + shared], False))
            + _reference(child, hashed)
        )
    value = _EMPTY_ITEM
    if len(first) == depth:
        value = encode_bytes_item(entries[lo][1])
        lo += 1
    parts = []
    for nibble in range(16):
        end = lo
        while end < hi and entries[end][0][depth] == nibble:
            end += 1
        if end == lo:
            parts.append(_EMPTY_ITEM)
        else:
            parts.append(_reference(_build(entries, lo, end, depth + 1, hashed), hashed))
        lo = end
    parts.append(value)
    return encode_list_payload(b"".join(parts))


def _root_node(items: Iterable[tuple[bytes, bytes]], hashed: list[bytes] | None) -> bytes:
    entries = sorted((bytes_to_nibbles(key), value) for key, value in items)
    if not entries:
        return _EMPTY_ITEM
    for index, (path, value) in enumerate(entries):
        if not value:
            raise TrieDecodeError("empty values cannot be stored in a trie")
        if index and entries[index - 1][0] == path:
            raise TrieDecodeError("duplicate trie key")
    return _build(entries, 0, len(entries), 0, hashed)


def trie_root(items: Iterable[tuple[bytes, bytes]]) -> bytes:
    """Return the root hash of the trie holding ``items`` (unique keys, non-empty values).

    Raises:
        TrieDecodeError: a duplicate key or an empty value (neither can be stored in a trie).
    """
    root = _root_node(items, None)
    return EMPTY_ROOT if root == _EMPTY_ITEM else keccak256(root)


def trie_root_and_nodes(items: Iterable[tuple[bytes, bytes]]) -> tuple[bytes, list[bytes]]:
    """Return the root hash and every node a reader fetches by hash (the root node last).

    These are the preimages a host stores so that ``trie_get``/``trie_items`` can walk the trie
    through the oracle; nodes shorter than 32 bytes are embedded in their parent and not listed
    (except the root, which is always fetched by hash). The empty trie yields ``[rlp(b"")]``.

    Raises:
        TrieDecodeError: a duplicate key or an empty value.
    """
    hashed: list[bytes] = []
    root = _root_node(items, hashed)
    hashed.append(root)
    return keccak256(root), hashed
