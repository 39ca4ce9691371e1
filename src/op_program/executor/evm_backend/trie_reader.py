"""Point reads of state and storage tries with a per-block cache of decoded nodes.

Spec: Yellow Paper Appendix D (the modified Merkle-Patricia trie: branch of 17 items,
extension and leaf of 2 with a hex-prefix path). A node is addressed by the keccak256 of its
encoding, so a decoded node can be kept for the whole block whatever trie version reads it:
the upper levels of the account trie and of a contract's storage trie are read on nearly
every SLOAD and account access, and py-trie decoded them again each time with the generic
``rlp`` decoder (a sixth of the executor's time on the real fixtures). Nodes in this cache
are never mutated.
"""

from collections.abc import Callable

from op_program.encoding.rlp import RLPItem
from op_program.mpt.errors import TrieDecodeError
from op_program.mpt.nibbles import hex_prefix_decode
from op_program.mpt.node import decode_node_rlp

BLANK_ROOT = bytes.fromhex("56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421")
_NIBBLES = [bytes((b >> 4, b & 15)) for b in range(256)]


Fetch = Callable[[bytes], bytes]
"""hash -> encoded node, from the store that holds the trie version read."""


class NodeCache:
    """Decoded trie nodes by hash."""

    __slots__ = ("nodes", "paths")

    def __init__(self) -> None:
        self.nodes: dict[bytes, list[RLPItem]] = {}
        # hex-prefix encoded path -> (nibbles, is_leaf): paths repeat across nodes.
        self.paths: dict[bytes, tuple[bytes, bool]] = {}

    def node(self, ref: RLPItem, fetch: Fetch) -> list[RLPItem]:
        """The node a child reference points to (a hash, or an embedded node)."""
        if isinstance(ref, list):
            return ref
        node = self.nodes.get(ref)
        if node is None:
            if len(ref) != 32:
                raise TrieDecodeError(f"child reference of {len(ref)} bytes")
            node = self.nodes[ref] = decode_node_rlp(fetch(ref))
        return node

    def path(self, encoded: RLPItem) -> tuple[bytes, bool]:
        """Decode a hex-prefix path (cached)."""
        if not isinstance(encoded, bytes):
            raise TrieDecodeError("node path is a list")
        decoded = self.paths.get(encoded)
        if decoded is None:
            decoded = self.paths[encoded] = hex_prefix_decode(encoded)
        return decoded

    def get(self, root: bytes, key: bytes, fetch: Fetch) -> bytes:
        """The value under ``key`` (already hashed) in the trie at ``root``; b"" if absent.

        b"" is what py-trie returns for an absent key, so the result drops into py-evm's
        caches unchanged.
        """
        if root == BLANK_ROOT:
            return b""
        path = b"".join([_NIBBLES[b] for b in key])
        node = self.node(root, fetch)
        pos = 0
        end = len(path)
        while True:
            if len(node) == 17:
                if pos == end:
                    value = node[16]
                    if not isinstance(value, bytes):
                        raise TrieDecodeError("branch value is a list")
                    return value
                child = node[path[pos]]
                if not child:
                    return b""
                node = self.node(child, fetch)
                pos += 1
                continue
            segment, is_leaf = self.path(node[0])
            child = node[1]
            if is_leaf:
                if not isinstance(child, bytes):
                    raise TrieDecodeError("leaf value is a list")
                return child if path[pos:] == segment else b""
            if not segment:
                raise TrieDecodeError("extension with an empty path")
            if path[pos:pos + len(segment)] != segment:
                return b""
            pos += len(segment)
            if not child:
                raise TrieDecodeError("extension without a child")
            node = self.node(child, fetch)
