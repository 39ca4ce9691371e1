"""Apply a batch of key changes to a Merkle-Patricia trie, hashing each new node once.

Spec: Yellow Paper Appendix D (node shapes, hex-prefix paths, a node shorter than 32 bytes is
embedded in its parent, the root is always referenced by its hash), and the canonical shape
after a deletion: a branch left with one child and no value merges with that child; an
extension merges with a child extension or leaf. py-trie re-encoded and re-hashed every node
on a key's path at each single insertion (a storage root of ``k`` changed slots cost ``k``
times the path); here the changes are applied to decoded nodes in memory and only the
final new nodes are encoded and hashed. Changes are applied in the order given, as py-trie
would apply them one by one, so the same trie nodes are resolved (the same state requests).

Nodes are the decoded RLP lists of ``trie_reader`` (never mutated: a change copies the
node); a child is b"" (none), a 32-byte hash, or a node list (embedded or new).
"""

from collections.abc import Iterable

from op_program.encoding.hashing import keccak256
from op_program.encoding.rlp import RLPItem
from op_program.executor.evm_backend.trie_reader import BLANK_ROOT, Fetch, NodeCache
from op_program.mpt.nibbles import hex_prefix_encode

Node = list[RLPItem]
_NIBBLES = [bytes((b >> 4, b & 15)) for b in range(256)]


class TrieBatch:
    """One trie's pending update: ``apply`` the changes, then ``commit`` to get the root."""

    __slots__ = ("_cache", "_fetch", "_root")

    def __init__(self, root: bytes, cache: NodeCache, fetch: Fetch) -> None:
        self._cache = cache
        self._fetch = fetch
        self._root: Node | None = None if root == BLANK_ROOT else cache.node(root, fetch)

    def _resolve(self, ref: RLPItem) -> Node | None:
        if isinstance(ref, list):
            return ref
        if not ref:
            return None
        return self._cache.node(ref, self._fetch)

    def apply(self, changes: Iterable[tuple[bytes, bytes]]) -> None:
        """Set each key (already hashed) to its value; an empty value deletes the key."""
        for key, value in changes:
            path = b"".join([_NIBBLES[b] for b in key])
            if value:
                self._root = self._insert(self._root, path, value)
            elif self._root is not None:
                self._root = self._delete(self._root, path)

    # -- insertion -------------------------------------------------------------------------

    def _insert(self, node: Node | None, path: bytes, value: bytes) -> Node:
        if node is None:
            return [hex_prefix_encode(path, True), value]
        if len(node) == 17:
            new = list(node)
            if not path:
                new[16] = value
            else:
                new[path[0]] = self._insert(self._resolve(node[path[0]]), path[1:], value)
            return new
        segment, is_leaf = self._cache.path(node[0])
        if is_leaf and segment == path:
            return [node[0], value]
        common = _common_prefix(segment, path)
        if not is_leaf and common == len(segment):
            return [node[0], self._insert(self._resolve(node[1]), path[common:], value)]
        branch: Node = [b""] * 17
        rest = segment[common:]
        if is_leaf:
            if rest:
                branch[rest[0]] = [hex_prefix_encode(rest[1:], True), node[1]]
            else:
                branch[16] = node[1]
        elif len(rest) == 1:
            branch[rest[0]] = node[1]
        else:
            branch[rest[0]] = [hex_prefix_encode(rest[1:], False), node[1]]
        tail = path[common:]
        if tail:
            branch[tail[0]] = [hex_prefix_encode(tail[1:], True), value]
        else:
            branch[16] = value
        if common:
            return [hex_prefix_encode(path[:common], False), branch]
        return branch

    # -- deletion --------------------------------------------------------------------------

    def _delete(self, node: Node, path: bytes) -> Node | None:
        """``node`` without ``path`` (the same object when the key is absent)."""
        if len(node) == 17:
            if not path:
                if not node[16]:
                    return node
                new = list(node)
                new[16] = b""
                return self._normalise_branch(new)
            child = self._resolve(node[path[0]])
            if child is None:
                return node
            sub = self._delete(child, path[1:])
            if sub is child:
                return node
            new = list(node)
            new[path[0]] = b"" if sub is None else sub
            return self._normalise_branch(new)
        segment, is_leaf = self._cache.path(node[0])
        if is_leaf:
            return None if segment == path else node
        if path[:len(segment)] != segment:
            return node
        child = self._resolve(node[1])
        if child is None:
            return node
        sub = self._delete(child, path[len(segment):])
        if sub is child:
            return node
        if sub is None:
            return None
        return self._prefixed(segment, sub)

    def _prefixed(self, prefix: bytes, child: Node) -> Node:
        """``child`` reached through ``prefix``: an extension, or one merged path."""
        if len(child) == 17:
            return [hex_prefix_encode(prefix, False), child]
        segment, is_leaf = self._cache.path(child[0])
        return [hex_prefix_encode(prefix + segment, is_leaf), child[1]]

    def _normalise_branch(self, branch: Node) -> Node | None:
        """A branch with fewer than two entries becomes a leaf or merges with its child."""
        used = [i for i in range(16) if branch[i]]
        if branch[16]:
            if used:
                return branch
            return [hex_prefix_encode(b"", True), branch[16]]
        if len(used) >= 2:
            return branch
        if not used:
            return None
        only = self._resolve(branch[used[0]])
        assert only is not None
        return self._prefixed(bytes((used[0],)), only)

    # -- encoding --------------------------------------------------------------------------

    def commit(self) -> tuple[bytes, dict[bytes, bytes]]:
        """The new root hash and the new nodes referenced by hash (hash -> encoding)."""
        if self._root is None:
            return BLANK_ROOT, {}
        nodes: dict[bytes, bytes] = {}
        encoded = _encode(self._root, nodes)
        root = keccak256(encoded)
        nodes[root] = encoded
        return root, nodes


def _common_prefix(a: bytes, b: bytes) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def _string(value: bytes) -> bytes:
    size = len(value)
    if size == 1 and value[0] < 0x80:
        return value
    if size < 56:
        return bytes((0x80 + size,)) + value
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes((0xB7 + len(length),)) + length + value


def _encode(node: Node, nodes: dict[bytes, bytes]) -> bytes:
    """RLP of ``node``; children of 32 bytes or more are hashed and recorded in ``nodes``."""
    parts = []
    for item in node:
        if isinstance(item, list):
            child = _encode(item, nodes)
            if len(child) < 32:
                parts.append(child)  # embedded as is
                continue
            digest = keccak256(child)
            nodes[digest] = child
            parts.append(b"\xa0" + digest)
        else:
            parts.append(_string(item))
    payload = b"".join(parts)
    size = len(payload)
    if size < 56:
        return bytes((0xC0 + size,)) + payload
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes((0xF7 + len(length),)) + length + payload
