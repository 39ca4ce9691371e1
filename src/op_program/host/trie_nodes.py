"""The hashed nodes of an ordered-list trie (transactions, receipts), for the preimage store.

Spec: Ethereum yellow paper appendix D and §4.3 (value ``i`` under key ``rlp(i)``). The client
walks these tries through the oracle by node hash, so the host stores every node of 32 bytes or
more under its keccak256 key (shorter nodes are embedded in their parent). The root node is
always stored.
"""

from collections.abc import Sequence

from op_program.encoding.hashing import keccak256
from op_program.encoding.rlp import encode_bytes_item, encode_list_payload, rlp_encode
from op_program.mpt.nibbles import bytes_to_nibbles, hex_prefix_encode

_EMPTY = b"\x80"


class _Collector:
    __slots__ = ("nodes",)

    def __init__(self) -> None:
        self.nodes: list[bytes] = []

    def ref(self, node: bytes) -> bytes:
        if len(node) < 32:
            return node
        self.nodes.append(node)
        return b"\xa0" + keccak256(node)

    def build(self, entries: list[tuple[bytes, bytes]], lo: int, hi: int, depth: int) -> bytes:
        first = entries[lo][0]
        if hi - lo == 1:
            return encode_list_payload(
                encode_bytes_item(hex_prefix_encode(first[depth:], True))
                + encode_bytes_item(entries[lo][1])
            )
        last = entries[hi - 1][0]
        shared = 0
        while (depth + shared < min(len(first), len(last))
               and first[depth + shared] == last[depth + shared]):
            shared += 1
        if shared:
            child = self.build(entries, lo, hi, depth + shared)
            return encode_list_payload(
                encode_bytes_item(hex_prefix_encode(first[depth:depth + shared], False))
                + self.ref(child)
            )
        value = _EMPTY
        if len(first) == depth:
            value = encode_bytes_item(entries[lo][1])
            lo += 1
        parts = []
        for nibble in range(16):
            end = lo
            while end < hi and entries[end][0][depth] == nibble:
                end += 1
            parts.append(_EMPTY if end == lo else self.ref(self.build(entries, lo, end, depth + 1)))
            lo = end
        parts.append(value)
        return encode_list_payload(b"".join(parts))


def ordered_trie_nodes(values: Sequence[bytes]) -> tuple[bytes, list[bytes]]:
    """Return the root hash and every hashed node of the trie of ``values`` (root included)."""
    if not values:
        empty = rlp_encode(b"")
        return keccak256(empty), [empty]
    entries = sorted((bytes_to_nibbles(rlp_encode(i)), v) for i, v in enumerate(values))
    collector = _Collector()
    root = collector.build(entries, 0, len(entries), 0)
    collector.nodes.append(root)
    return keccak256(root), collector.nodes
