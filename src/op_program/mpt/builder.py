"""Computing a Merkle-Patricia trie root from a complete set of key/value pairs.

Spec: Ethereum yellow paper appendix D. The trie is built bottom-up in one pass over the sorted
keys (no incremental inserts), which makes transaction and receipt roots of hundreds of entries
cheap. Nodes shorter than 32 bytes are embedded in their parent; the root is always hashed.
"""

from collections.abc import Iterable

from op_program.encoding.hashing import keccak256
from op_program.encoding.rlp import encode_bytes_item, encode_list_payload
from op_program.mpt.errors import TrieDecodeError
from op_program.mpt.lookup import EMPTY_ROOT
from op_program.mpt.nibbles import bytes_to_nibbles, hex_prefix_encode

_EMPTY_ITEM = b"\x80"


def _reference(encoded_node: bytes) -> bytes:
    """The RLP item that refers to a child: the node inline if short, else its hash."""
    if len(encoded_node) < 32:
        return encoded_node
    return b"\xa0" + keccak256(encoded_node)


def _common_prefix(a: bytes, b: bytes, start: int) -> int:
    limit = min(len(a), len(b))
    end = start
    while end < limit and a[end] == b[end]:
        end += 1
    return end - start


def _build(entries: list[tuple[bytes, bytes]], lo: int, hi: int, depth: int) -> bytes:
    """Encode the node holding entries[lo:hi], which all share their first ``depth`` nibbles."""
    first = entries[lo][0]
    if hi - lo == 1:
        return encode_list_payload(
            encode_bytes_item(hex_prefix_encode(first[depth:], True))
            + encode_bytes_item(entries[lo][1])
        )
    shared = _common_prefix(first, entries[hi - 1][0], depth)
    if shared:
        child = _build(entries, lo, hi, depth + shared)
        return encode_list_payload(
            encode_bytes_item(hex_prefix_encode(first[depth : depth + shared], False))
            + _reference(child)
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
        parts.append(_EMPTY_ITEM if end == lo else _reference(_build(entries, lo, end, depth + 1)))
        lo = end
    parts.append(value)
    return encode_list_payload(b"".join(parts))


def trie_root(items: Iterable[tuple[bytes, bytes]]) -> bytes:
    """Return the root hash of the trie holding ``items`` (unique keys, non-empty values).

    Raises:
        TrieDecodeError: a duplicate key or an empty value (neither can be stored in a trie).
    """
    entries = sorted((bytes_to_nibbles(key), value) for key, value in items)
    if not entries:
        return EMPTY_ROOT
    for index, (path, value) in enumerate(entries):
        if not value:
            raise TrieDecodeError("empty values cannot be stored in a trie")
        if index and entries[index - 1][0] == path:
            raise TrieDecodeError("duplicate trie key")
    return keccak256(_build(entries, 0, len(entries), 0))
