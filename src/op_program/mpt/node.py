"""Trie nodes: branch, extension and leaf, with embedded (< 32-byte) children.

Spec: Ethereum yellow paper appendix D. A node is an RLP list of 17 items (branch: 16 child
references and a value) or 2 items (a hex-prefix path and either a value — leaf — or a child
reference — extension). A child reference is empty, a 32-byte hash, or the node itself inline
when its encoding is shorter than 32 bytes.
"""

from dataclasses import dataclass
from typing import TypeAlias

from op_program.encoding.errors import RLPDecodeError
from op_program.encoding.rlp import RLPItem, rlp_decode
from op_program.mpt.errors import TrieDecodeError
from op_program.mpt.nibbles import hex_prefix_decode

ChildRef: TypeAlias = "bytes | list[RLPItem]"
"""A child reference: ``b""`` (none), a 32-byte node hash, or an embedded node's RLP list."""


@dataclass(frozen=True, slots=True)
class BranchNode:
    """A 16-way branch with an optional value for a key ending here."""

    children: tuple[ChildRef, ...]
    value: bytes


@dataclass(frozen=True, slots=True)
class ExtensionNode:
    """A shared path segment leading to one child."""

    path: bytes
    child: ChildRef


@dataclass(frozen=True, slots=True)
class LeafNode:
    """The rest of a key's path and its value."""

    path: bytes
    value: bytes


Node: TypeAlias = BranchNode | ExtensionNode | LeafNode


def decode_node_rlp(raw: bytes) -> list[RLPItem]:
    """Decode a node's RLP and check its shape (2 or 17 items), without building a Node.

    Raises:
        TrieDecodeError: not canonical RLP, or not a 2- or 17-item list.
    """
    try:
        item = rlp_decode(raw)
    except RLPDecodeError as exc:
        raise TrieDecodeError(f"invalid trie node: {exc}") from exc
    if not isinstance(item, list) or len(item) not in (2, 17):
        raise TrieDecodeError("trie node is not a 2- or 17-item list")
    return item


def check_child(child: RLPItem) -> ChildRef:
    """Validate a child reference: empty, a 32-byte hash, or an embedded 2/17-item node.

    Raises:
        TrieDecodeError: any other shape.
    """
    if isinstance(child, bytes):
        if len(child) not in (0, 32):
            raise TrieDecodeError(f"child reference of {len(child)} bytes")
    elif len(child) not in (2, 17):
        raise TrieDecodeError("embedded node is not a 2- or 17-item list")
    return child


def node_from_items(items: list[RLPItem]) -> Node:
    """Build a Node from a decoded 2- or 17-item node list.

    Raises:
        TrieDecodeError: a malformed path, value or child reference.
    """
    if len(items) == 17:
        value = items[16]
        if not isinstance(value, bytes):
            raise TrieDecodeError("branch value is a list")
        return BranchNode(tuple(check_child(c) for c in items[:16]), value)
    if len(items) != 2 or not isinstance(items[0], bytes):
        raise TrieDecodeError("trie node is not a 2- or 17-item list")
    path, is_leaf = hex_prefix_decode(items[0])
    if is_leaf:
        if not isinstance(items[1], bytes):
            raise TrieDecodeError("leaf value is a list")
        return LeafNode(path, items[1])
    if not path:
        raise TrieDecodeError("extension with an empty path")
    child = check_child(items[1])
    if child == b"":
        raise TrieDecodeError("extension without a child")
    return ExtensionNode(path, child)


def decode_node(raw: bytes) -> Node:
    """Decode an RLP-encoded trie node.

    Raises:
        TrieDecodeError: the bytes are not a well-formed trie node.
    """
    return node_from_items(decode_node_rlp(raw))
