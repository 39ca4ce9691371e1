import random

import pytest
import rlp
from hypothesis import given, settings
from hypothesis import strategies as st
from trie.hexary import HexaryTrie

from op_program.encoding.hashing import keccak256
from op_program.encoding.rlp import rlp_encode
from op_program.mpt.builder import trie_root
from op_program.mpt.errors import TrieDecodeError
from op_program.mpt.lookup import EMPTY_ROOT, trie_get, trie_items
from op_program.mpt.node import BranchNode, ExtensionNode, LeafNode, decode_node
from op_program.mpt.ordered import (
    ordered_trie_root,
    ordered_trie_root_and_nodes,
    ordered_trie_values,
)

NO_NODES: dict[bytes, bytes] = {}


def _reference(items: dict[bytes, bytes]) -> tuple[bytes, dict[bytes, bytes]]:
    """Root and node store from py-trie, an independent implementation."""
    db: dict[bytes, bytes] = {}
    t = HexaryTrie(db)
    for key, value in items.items():
        t[key] = value
    return t.root_hash, db


def test_empty_trie() -> None:
    assert EMPTY_ROOT.hex() == "56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421"
    assert trie_root([]) == EMPTY_ROOT
    assert ordered_trie_root([]) == EMPTY_ROOT
    assert ordered_trie_values(EMPTY_ROOT, NO_NODES.__getitem__) == []
    assert trie_get(EMPTY_ROOT, b"x", NO_NODES.__getitem__) is None


def test_known_root_dogs() -> None:
    # The classic ethereum/tests trietest "dogs" vector.
    items = {b"doe": b"reindeer", b"dog": b"puppy", b"dogglesworth": b"cat"}
    root = trie_root(items.items())
    assert root.hex() == "8aad789dff2f538bca5d8ea56e8abe10f4c7ba3a5dea95fea4cd6e7c3a1168d3"


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.binary(max_size=5), st.binary(min_size=1, max_size=40), max_size=40))
def test_root_lookup_and_walk_match_py_trie(items: dict[bytes, bytes]) -> None:
    root, db = _reference(items)
    assert trie_root(items.items()) == root
    for key, value in items.items():
        assert trie_get(root, key, db.__getitem__) == value
    assert trie_get(root, b"\xff" * 6, db.__getitem__) is None
    assert trie_items(root, db.__getitem__) == sorted(items.items())


@pytest.mark.parametrize("count", [1, 2, 16, 17, 127, 128, 129, 300])
def test_ordered_trie_round_trip(count: int) -> None:
    rng = random.Random(count)
    values = [rng.randbytes(rng.choice([1, 3, 20, 120])) for _ in range(count)]
    root, db = _reference({rlp.encode(i): v for i, v in enumerate(values)})
    assert ordered_trie_root(values) == root
    assert ordered_trie_values(root, db.__getitem__) == values


def test_ordered_trie_values_rejects_gaps() -> None:
    root, db = _reference({rlp.encode(0): b"a", rlp.encode(2): b"c"})
    with pytest.raises(TrieDecodeError):
        ordered_trie_values(root, db.__getitem__)


def test_ordered_trie_values_rejects_non_index_keys() -> None:
    root, db = _reference({b"\x00\x01": b"a"})
    with pytest.raises(TrieDecodeError):
        ordered_trie_values(root, db.__getitem__)


def test_trie_root_rejects_duplicates_and_empty_values() -> None:
    with pytest.raises(TrieDecodeError):
        trie_root([(b"a", b"1"), (b"a", b"2")])
    with pytest.raises(TrieDecodeError):
        trie_root([(b"a", b"")])


def test_decode_node_kinds_and_embedded_children() -> None:
    leaf = rlp_encode([b"\x20\x01", b"v"])
    assert decode_node(leaf) == LeafNode(b"\x00\x01", b"v")
    branch = decode_node(rlp_encode([b""] * 3 + [rlp.decode(leaf)] + [b""] * 12 + [b"x"]))
    assert isinstance(branch, BranchNode)
    assert branch.children[3] == [b"\x20\x01", b"v"]
    assert branch.value == b"x"
    ext = decode_node(rlp_encode([b"\x11\x23", keccak256(b"n")]))
    assert ext == ExtensionNode(b"\x01\x02\x03", keccak256(b"n"))


@pytest.mark.parametrize(
    "item",
    [
        [b"a", b"b", b"c"],  # wrong arity
        [b"\x00", keccak256(b"n")[:31]],  # bad child hash length
        [b"\x00", b""],  # extension without child
        [[b""], b"v"],  # path is a list
        [b"\x20", [b"v"]],  # leaf value is a list
        [b""] * 16 + [[b""]],  # branch value is a list
    ],
)
def test_decode_node_rejects_malformed(item: list[object]) -> None:
    with pytest.raises(TrieDecodeError):
        decode_node(rlp.encode(item))


def test_lookup_through_embedded_nodes() -> None:
    # Short keys and values make every node below the root embedded.
    items = {bytes([i]): bytes([i + 1]) for i in range(0, 40, 3)}
    root, db = _reference(items)
    only_root = {root: db[root]}  # py-trie's store also keeps stale nodes; drop them
    for key, value in items.items():
        assert trie_get(root, key, only_root.__getitem__) == value
    assert [v for _, v in trie_items(root, only_root.__getitem__)] == list(items.values())


def test_walks_stop_on_cyclic_node_stores() -> None:
    # A branch whose every child is itself: only a store that ignores hashes can serve it.
    cyclic = rlp_encode([b"\x01" * 32] * 16 + [b""])

    def node_by_hash(_: bytes) -> bytes:
        return cyclic

    with pytest.raises(TrieDecodeError):
        trie_items(b"\x01" * 32, node_by_hash, max_nodes=1000)
    with pytest.raises(TrieDecodeError):
        ordered_trie_values(b"\x01" * 32, node_by_hash)
    assert trie_get(b"\x01" * 32, b"\x00" * 4, node_by_hash) is None


@pytest.mark.parametrize("count", [0, 1, 2, 5, 40, 300])
def test_root_and_nodes_serve_every_read(count: int) -> None:
    values = [bytes([i % 7]) * (1 + i % 40) for i in range(count)]
    root, nodes = ordered_trie_root_and_nodes(values)
    assert root == ordered_trie_root(values)
    assert keccak256(nodes[-1]) == root
    store = {keccak256(node): node for node in nodes}
    assert all(len(node) >= 32 for node in nodes[:-1])
    assert ordered_trie_values(root, store.__getitem__) == values
