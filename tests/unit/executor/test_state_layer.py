"""The executor's trie layer (trie_reader, trie_update) against the mpt reader and py-trie.

``NodeCache.get`` must answer as ``mpt.lookup.trie_get`` on any trie (present keys, absent
keys sharing prefixes, embedded nodes); ``TrieBatch`` must give py-trie's roots. The world
state above them is tested against py-evm's ``AccountDB`` in ``test_world_state``.
"""


from hypothesis import given, settings
from hypothesis import strategies as st

from op_program.encoding.hashing import keccak256
from op_program.executor.evm_backend.trie_reader import NodeCache
from op_program.mpt.builder import trie_root_and_nodes
from op_program.mpt.lookup import trie_get

_KEYS = st.binary(min_size=32, max_size=32) | st.sampled_from(
    [bytes(31) + bytes([i]) for i in range(4)] + [b"\x01" * 31 + bytes([i]) for i in range(3)]
)
_VALUES = st.binary(min_size=1, max_size=40)


@given(st.dictionaries(_KEYS, _VALUES, max_size=24), st.lists(_KEYS, max_size=12))
def test_node_cache_reads_as_trie_get(items: dict[bytes, bytes], probes: list[bytes]) -> None:
    root, nodes = trie_root_and_nodes(items.items())
    store = {keccak256(node): node for node in nodes}
    cache = NodeCache()
    for key in [*items, *probes, *items]:  # the second pass reads from the cache
        expected = trie_get(root, key, store.__getitem__)
        assert cache.get(root, key, store.__getitem__) == (expected or b"")
        assert expected is None or expected == items[key]


class _Msg:
    def __init__(self, to: bytes) -> None:
        self.to = to


class _State:
    coinbase = b"\xcb" * 20


class _Comp:
    """The attributes both walks read from a py-evm computation."""

    def __init__(self, to: bytes, error: bool, beneficiaries: list[bytes],
                 children: list["_Comp"]) -> None:
        self.msg = _Msg(to)
        self.is_error = error
        self.beneficiaries = beneficiaries
        self.children = children
        self.state = _State()

    def get_self_destruct_beneficiaries(self) -> list[bytes]:
        if self.is_error:
            return []
        out = set(self.beneficiaries)
        for child in self.children:
            out.update(child.get_self_destruct_beneficiaries())
        return list(out)


_ACCOUNTS = st.sampled_from([b"", b"\x00" * 19 + b"\x03", b"\x01" * 20, b"\x02" * 20, b"\xcb" * 20])
_TREES = st.recursive(
    st.builds(_Comp, _ACCOUNTS, st.booleans(), st.lists(_ACCOUNTS, max_size=2), st.just([])),
    lambda kids: st.builds(_Comp, _ACCOUNTS, st.booleans(), st.lists(_ACCOUNTS, max_size=2),
                           st.lists(kids, max_size=3)),
    max_leaves=12,
)


@given(_TREES)
def test_touched_accounts_as_pyevm(tree: _Comp) -> None:
    from eth.vm.forks.spurious_dragon._utils import collect_touched_accounts

    from op_program.executor.evm_backend.backend import touched_accounts

    assert touched_accounts(tree) == collect_touched_accounts(tree)


_SHORT_KEYS = st.sampled_from(
    [bytes([a, b]) + bytes(30) for a in (0, 1, 0x10) for b in (0, 1, 2)]
) | st.binary(min_size=32, max_size=32)
_SHORT_VALUES = st.binary(min_size=0, max_size=40)  # b"" deletes; short values embed nodes


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_SHORT_KEYS, st.binary(min_size=1, max_size=40), max_size=12),
       st.lists(st.tuples(_SHORT_KEYS, _SHORT_VALUES), max_size=20))
def test_trie_batch_matches_py_trie(
    initial: dict[bytes, bytes], changes: list[tuple[bytes, bytes]]
) -> None:
    """TrieBatch: the root and every readable key as py-trie's one-by-one updates."""
    from trie.hexary import HexaryTrie

    from op_program.executor.evm_backend.trie_update import TrieBatch

    root, nodes = trie_root_and_nodes(initial.items())
    store = {keccak256(node): node for node in nodes}
    reference = HexaryTrie(dict(store), root_hash=root)
    for key, value in changes:
        if value:
            reference[key] = value
        else:
            del reference[key]  # type: ignore[no-untyped-call]
    batch = TrieBatch(root, NodeCache(), store.__getitem__)
    batch.apply(changes)
    new_root, new_nodes = batch.commit()
    assert new_root == reference.root_hash
    merged = {**store, **new_nodes}
    for key in {*initial, *(k for k, _ in changes)}:
        assert NodeCache().get(new_root, key, merged.__getitem__) == reference.get(key)
