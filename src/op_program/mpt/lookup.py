"""Reading a Merkle-Patricia trie through a ``node_by_hash`` callback: point lookups and walks.

Spec: Ethereum yellow paper appendix D. Nodes are fetched by their keccak256 hash from the
callback (an oracle, a proof's node set, a dict); embedded children are read in place. The
callback is trusted to return the preimage of the hash it is given (the oracle verifies it).
"""

from collections.abc import Callable
from typing import Final

from op_program.encoding.hashing import keccak256
from op_program.encoding.rlp import RLPItem
from op_program.mpt.errors import TrieDecodeError
from op_program.mpt.nibbles import bytes_to_nibbles, hex_prefix_decode, nibbles_to_bytes
from op_program.mpt.node import check_child, decode_node_rlp

NodeByHash = Callable[[bytes], bytes]
"""Returns the RLP-encoded trie node whose keccak256 hash is the argument."""

EMPTY_ROOT = keccak256(b"\x80")
"""The root hash of the empty trie: keccak256(rlp(b""))."""

MAX_KEY_BYTES: Final = 64
"""Default bound on key length for walks (state and storage keys are 32 bytes)."""


def _resolve(child: RLPItem, node_by_hash: NodeByHash) -> list[RLPItem] | None:
    """Turn a child reference into its node list; ``None`` for an empty reference."""
    child = check_child(child)
    if isinstance(child, list):
        return child
    if not child:
        return None
    return decode_node_rlp(node_by_hash(child))


def root_node(root: bytes, node_by_hash: NodeByHash) -> list[RLPItem] | None:
    """Fetch and decode the root node; ``None`` for the empty trie.

    Raises:
        TrieDecodeError: the root is not 32 bytes or its node is malformed.
    """
    if len(root) != 32:
        raise TrieDecodeError("trie root is not 32 bytes")
    if root == EMPTY_ROOT:
        return None
    return decode_node_rlp(node_by_hash(root))


def trie_get(root: bytes, key: bytes, node_by_hash: NodeByHash) -> bytes | None:
    """Return the value stored under ``key`` in the trie at ``root``, or ``None`` if absent.

    Raises:
        TrieDecodeError: a node on the path is malformed.
    """
    node = root_node(root, node_by_hash)
    path = bytes_to_nibbles(key)
    pos = 0
    while node is not None:
        if len(node) == 17:
            if pos == len(path):
                value = node[16]
                if not isinstance(value, bytes):
                    raise TrieDecodeError("branch value is a list")
                return value or None
            node = _resolve(node[path[pos]], node_by_hash)
            pos += 1
            continue
        encoded_path, child = node
        if not isinstance(encoded_path, bytes):
            raise TrieDecodeError("node path is a list")
        segment, is_leaf = hex_prefix_decode(encoded_path)
        if is_leaf:
            if not isinstance(child, bytes):
                raise TrieDecodeError("leaf value is a list")
            return child if path[pos:] == segment else None
        if not segment or path[pos : pos + len(segment)] != segment:
            if not segment:
                raise TrieDecodeError("extension with an empty path")
            return None
        pos += len(segment)
        node = _resolve(child, node_by_hash)
    return None


def trie_items(
    root: bytes,
    node_by_hash: NodeByHash,
    max_nodes: int | None = None,
    max_key_bytes: int = MAX_KEY_BYTES,
) -> list[tuple[bytes, bytes]]:
    """Return every (key, value) pair of the trie at ``root``, in key order.

    ``max_nodes`` and ``max_key_bytes`` bound the walk: hash-verified tries cannot be cyclic, but
    a callback that does not verify hashes could loop forever, and a shared subtree can fan out
    exponentially.

    Raises:
        TrieDecodeError: a malformed node, a key with an odd number of nibbles, a path longer
            than ``max_key_bytes``, or more than ``max_nodes`` nodes.
    """
    max_nibbles = 2 * max_key_bytes
    out: list[tuple[bytes, bytes]] = []
    first = root_node(root, node_by_hash)
    stack: list[tuple[list[RLPItem], bytes]] = [] if first is None else [(first, b"")]
    visited = 0
    while stack:
        visited += 1
        if max_nodes is not None and visited > max_nodes:
            raise TrieDecodeError(f"trie has more than {max_nodes} nodes")
        node, prefix = stack.pop()
        if len(prefix) > max_nibbles:
            raise TrieDecodeError(f"trie path longer than {max_key_bytes} bytes")
        if len(node) == 17:
            value = node[16]
            if not isinstance(value, bytes):
                raise TrieDecodeError("branch value is a list")
            # Push children in reverse so they pop in ascending nibble order.
            for nibble in range(15, -1, -1):
                child = _resolve(node[nibble], node_by_hash)
                if child is not None:
                    stack.append((child, prefix + bytes((nibble,))))
            if value:
                out.append((nibbles_to_bytes(prefix), value))
            continue
        encoded_path, child_item = node
        if not isinstance(encoded_path, bytes):
            raise TrieDecodeError("node path is a list")
        segment, is_leaf = hex_prefix_decode(encoded_path)
        if is_leaf:
            if not isinstance(child_item, bytes):
                raise TrieDecodeError("leaf value is a list")
            out.append((nibbles_to_bytes(prefix + segment), child_item))
            continue
        child = _resolve(child_item, node_by_hash)
        if not segment or child is None:
            raise TrieDecodeError("extension with an empty path or no child")
        stack.append((child, prefix + segment))
    return out
