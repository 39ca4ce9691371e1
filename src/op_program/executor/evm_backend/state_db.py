"""py-evm state storage over the verified state source (DESIGN §6: state db over the oracle).

Spec: fault-proof/index.md (L2 state is fetched by hash: ``l2-state-node``, ``l2-code``).
py-evm's key-value store misses go to ``VerifiedSource``; code lookups ask ``code_by_hash``.
"""

from collections.abc import Iterator
from typing import Any

from eth.constants import BLANK_ROOT_HASH
from eth.db.accesslog import KeyAccessLoggerDB
from eth.db.account import AccountDB
from eth.db.backends.base import BaseDB
from eth.db.cache import CacheDB
from eth.db.journal import JournalDB
from eth.db.storage import AccountStorageDB, StorageLookup
from eth.vm.interrupt import MissingAccountTrieNode, MissingStorageTrieNode
from eth_typing import Address
from eth_utils.exceptions import ValidationError

from op_program.encoding.hashing import keccak256
from op_program.executor.errors import MissingStateError
from op_program.executor.evm_backend.trie_reader import NodeCache
from op_program.executor.evm_backend.trie_update import TrieBatch
from op_program.executor.evm_types import EMPTY_CODE_HASH
from op_program.executor.source import VerifiedSource
from op_program.mpt.account import decode_storage_value


class SourceDB(BaseDB):
    """py-evm's backing key-value store: local nodes plus the verified state source."""

    def __init__(self, source: VerifiedSource) -> None:
        self.store: dict[bytes, bytes] = {}
        self.written: dict[bytes, bytes] = {}
        self.source = source
        self.code_mode = False
        self.pruning = False
        self.failure: Exception | None = None

    def __getitem__(self, key: bytes) -> bytes:
        value = self.store.get(key)
        if value is None:
            try:
                value = self.source.code(key) if self.code_mode else self.source.node(key)
            except MissingStateError as exc:
                if self.pruning:
                    # Trie pruning probes old nodes nobody needs; a KeyError there is harmless,
                    # and a node really needed surfaces as py-evm's missing-node error.
                    raise KeyError(key) from exc
                self.failure = exc  # py-evm swallows some exceptions (EIP-7702 auths)
                raise
            except Exception as exc:
                # Any source failure (an oracle error, even a KeyError) is remembered: py-evm
                # swallows some exceptions, and reads a KeyError as "no such account".
                self.failure = exc
                raise
            self.store[key] = value
        return value

    def __setitem__(self, key: bytes, value: bytes) -> None:
        self.store[key] = value
        self.written[key] = value

    def __delitem__(self, key: bytes) -> None:
        # Pruning never removes what the witness or earlier blocks may still need.
        pass

    def _exists(self, key: bytes) -> bool:
        return key in self.store


def _storage_int(encoded: bytes) -> int:
    """A storage value as the trie holds it: a canonical RLP integer of at most 32 bytes.

    The common shapes are decoded inline (py-rlp's generic decoder dominated SLOAD);
    anything else goes through the strict decoder, which rejects non-canonical encodings.
    """
    first = encoded[0]
    size = len(encoded)
    if size == 1 and 0 < first < 0x80:
        return first
    if 0x81 <= first <= 0xA0 and size == first - 0x7F and encoded[1] and (
        first != 0x81 or encoded[1] >= 0x80
    ):
        return int.from_bytes(encoded[1:], "big")
    return decode_storage_value(encoded)


class OpStorageLookup(StorageLookup):
    """py-evm's slot -> trie lookup over the block's node cache, with batched root updates.

    Reads go through ``NodeCache``; writes are kept as pending changes and applied at once by
    ``TrieBatch`` when py-evm asks for the storage root (once per block), instead of through
    a py-trie write trie that re-hashed the path on every write. The history of wiped tries
    (``new_trie``/``rollback_trie``, for a revert across a storage deletion) is py-evm's.
    """

    def __init__(self, db: Any, storage_root: Any, address: Address, nodes: NodeCache) -> None:
        self._nodes = nodes
        super().__init__(db, storage_root, address)

    def _initialize_to_root_hash(self, root_hash: Any) -> None:
        self._starting_root_hash = root_hash
        self._pending: dict[bytes, bytes] | None = None
        self._result: tuple[bytes, dict[bytes, bytes]] | None = None
        self._history: list[tuple[bytes, dict[bytes, bytes]]] = []
        self._write_trie = None  # type: ignore[assignment]
        self._trie_nodes_batch = None  # type: ignore[assignment]
        self._historical_write_tries = []

    def _fetch(self, node_hash: bytes) -> bytes:
        """A trie node from the store; missing is py-evm's missing-storage-node error."""
        try:
            node: bytes = self._db[node_hash]
        except KeyError as exc:
            raise MissingStorageTrieNode(
                node_hash, self._starting_root_hash, node_hash, None, self._address  # type: ignore[arg-type]
            ) from exc
        return node

    def __getitem__(self, key: bytes) -> bytes:
        """The encoded value of slot ``key`` (b"" if absent), pending writes included."""
        hashed = keccak256(key.rjust(32, b"\0"))
        pending = self._pending
        if pending is not None:
            value = pending.get(hashed)
            if value is not None:
                return value
        return self._nodes.get(self._starting_root_hash, hashed, self._fetch)

    def _write(self, key: bytes, value: bytes) -> None:
        if self._pending is None:
            self._pending = {}
        self._pending[keccak256(key.rjust(32, b"\0"))] = value
        self._result = None

    def __setitem__(self, key: bytes, value: bytes) -> None:
        self._write(key, value)

    def __delitem__(self, key: bytes) -> None:
        self._write(key, b"")

    def _exists(self, key: bytes) -> bool:
        return self[key] != b""

    @property
    def has_changed_root(self) -> bool:
        """Whether there are writes (or a wipe undone) since the last commit."""
        return self._pending is not None

    def _updated(self) -> tuple[bytes, dict[bytes, bytes]]:
        if self._pending is None:
            raise ValidationError("asked for a changed storage root without writes")
        if self._result is None:
            batch = TrieBatch(self._starting_root_hash, self._nodes, self._fetch)
            batch.apply(self._pending.items())
            self._result = batch.commit()
        return self._result

    def get_changed_root(self) -> Any:
        """The storage root after the pending writes."""
        return self._updated()[0]

    def commit_to(self, db: Any) -> None:
        """Write the new trie nodes to ``db``; the new root becomes the starting one."""
        root, nodes = self._updated()
        for node_hash, encoded in nodes.items():
            db[node_hash] = encoded
        self._initialize_to_root_hash(root)

    def new_trie(self) -> int:
        """Switch to the empty trie (a storage wipe); return the index to roll back to."""
        self._history.append((self._starting_root_hash, self._pending or {}))
        self._starting_root_hash = BLANK_ROOT_HASH
        self._pending = None
        self._result = None
        return len(self._history)

    def rollback_trie(self, trie_index: int) -> None:
        """Back to the trie (and its pending writes) before the ``new_trie`` call."""
        if trie_index >= len(self._history):
            raise ValidationError(f"no storage trie {trie_index} to roll back to")
        self._starting_root_hash, self._pending = self._history[trie_index]  # type: ignore[assignment]
        self._result = None
        del self._history[trie_index:]


class OpStorageDB(AccountStorageDB):
    """py-evm's account storage with cached trie reads and a fast decoder of stored values.

    The journal layers are py-evm's, rebuilt over ``OpStorageLookup`` (same results).
    """

    def __init__(self, db: Any, storage_root: Any, address: Address, nodes: NodeCache) -> None:
        super().__init__(db, storage_root, address)
        self._storage_lookup = OpStorageLookup(db, storage_root, address, nodes)
        self._storage_cache = CacheDB(self._storage_lookup)
        self._locked_changes = JournalDB(self._storage_cache)
        self._journal_storage = JournalDB(self._locked_changes)

    def get(self, slot: int, from_journal: bool = True) -> int:
        """The value of ``slot`` (0 when absent), as ``AccountStorageDB.get``."""
        self._accessed_slots.add(slot)
        key = slot.to_bytes(max(1, (slot.bit_length() + 7) // 8), "big")
        lookup_db = self._journal_storage if from_journal else self._locked_changes
        try:
            encoded: bytes = lookup_db[key]
        except MissingStorageTrieNode:
            raise
        except KeyError:
            return 0
        return _storage_int(encoded) if encoded else 0


class AccountTrieReader(BaseDB):
    """The account trie as py-evm's lookup chain sees it, read through the node cache.

    Reads follow the trie's current root (``trie`` is the HexaryTrie under py-evm's HashTrie,
    whose attribute reads go through a ``__getattr__`` forwarder); writes never come this way
    (py-evm applies the account diff to the trie itself when it computes the state root).
    """

    def __init__(self, trie: Any, batch: Any, nodes: NodeCache) -> None:
        self._trie = trie
        self._batch = batch
        self._nodes = nodes

    def __getitem__(self, address: bytes) -> bytes:
        return self._nodes.get(self._trie.root_hash, keccak256(address), self._batch.__getitem__)

    def __setitem__(self, key: bytes, value: bytes) -> None:
        raise NotImplementedError("account trie writes go through py-evm's HashTrie")

    def __delitem__(self, key: bytes) -> None:
        raise NotImplementedError("account trie writes go through py-evm's HashTrie")

    def _exists(self, key: bytes) -> bool:
        return self[key] != b""


class OpAccountDB(AccountDB):
    """AccountDB that asks the source for code (``code_by_hash``) rather than for a node."""

    source_db: SourceDB

    def __init__(self, db: Any, state_root: Any = BLANK_ROOT_HASH) -> None:
        super().__init__(db, state_root)
        # Squashing the account trie with pruning deletes replaced nodes from the backing
        # batch through ``pop``, which reads each node first: the oracle would be asked for
        # nodes no execution needs (op-geth never asks). Keep replaced nodes instead.
        self._trie._db.is_pruning = False  # type: ignore[attr-defined]
        self._codes: dict[bytes, bytes] = {}
        self._nodes = NodeCache()
        # py-evm's lookup chain (logger -> cache -> journal) over the cached reader.
        self._trie_logger = KeyAccessLoggerDB(
            AccountTrieReader(self._trie._db, self._batchtrie, self._nodes), log_missing_keys=False
        )
        self._trie_cache = CacheDB(self._trie_logger)
        self._journaltrie = JournalDB(self._trie_cache)
        self._reset_checkpoints()

    def _apply_account_diff_without_proof(self, diff: Any, trie: Any) -> None:
        """Apply the block's account changes to the account trie in one ``TrieBatch``.

        py-evm's order (deletions, then updates) and error (``MissingAccountTrieNode``) are
        kept; py-trie re-hashed the path on every account written.
        """
        scratch = trie.db

        def fetch(node_hash: bytes) -> bytes:
            try:
                node: bytes = scratch[node_hash]
            except KeyError as exc:
                raise MissingAccountTrieNode(
                    node_hash, self._root_hash_at_last_persist, node_hash  # type: ignore[arg-type]
                ) from exc
            return node

        batch = TrieBatch(trie.root_hash, self._nodes, fetch)
        batch.apply((keccak256(key), b"") for key in diff.deleted_keys())
        batch.apply((keccak256(key), value) for key, value in diff.pending_items())
        root, nodes = batch.commit()
        for node_hash, encoded in nodes.items():
            scratch[node_hash] = encoded
        trie.root_hash = root

    def _dirty_account_stores(self) -> Iterator[tuple[Address, Any]]:
        # Address order, not set order: storage roots are then computed, and their nodes
        # requested, in the same order on every run (DESIGN §5).
        for address in sorted(self._dirty_accounts):
            yield address, self._account_stores[address]

    # -- lazy storage checkpoints --------------------------------------------------------
    # py-evm records every checkpoint (one per message call) in the journal of every storage
    # changed so far in the block, and commits or discards it there again: the cost of a
    # call grew with the number of contracts written earlier in the block (a quarter of the
    # frame overhead on busy blocks). Here a storage records the open checkpoints only when
    # it is about to change (``_sync``). Its recorded checkpoints are then always a prefix
    # of the open ones, so it holds checkpoint ``k`` exactly when it holds any later one, and
    # committing or discarding ``k`` concerns only the storages in ``_recorders[k]``.
    # A storage that changed before ``k`` and not since has nothing to commit or roll back
    # at ``k``: the result is py-evm's, with the work proportional to the writes.

    def _reset_checkpoints(self) -> None:
        self._open: list[Any] = []
        self._recorders: list[set[Address]] = []
        self._depth: dict[Address, int] = {}

    def _sync(self, address: Address) -> None:
        """Record in ``address``'s storage the open checkpoints it has not seen."""
        depth = self._depth.get(address, 0)
        open_ = self._open
        if depth == len(open_):
            return
        store = self._get_address_store(address)
        for index in range(depth, len(open_)):
            store.record(open_[index])
            self._recorders[index].add(address)
        self._depth[address] = len(open_)

    def _close(self, checkpoint: Any, keep: bool) -> None:
        """Commit (``keep``) or discard ``checkpoint`` in the storages that recorded it."""
        index = self._open.index(checkpoint)
        for address in self._recorders[index]:
            store = self._account_stores[address]
            if keep:
                store.commit(checkpoint)
            else:
                store.discard(checkpoint)
            self._depth[address] = index
        del self._open[index:]
        del self._recorders[index:]

    def _locked(self) -> None:
        """Count the storages py-evm just locked as having recorded every open checkpoint.

        Their journals no longer hold the open checkpoints, as in py-evm, where a later
        commit or discard of one of them flattens or resets the storage's journal.
        """
        depth = len(self._open)
        for address in self._dirty_accounts:
            self._depth[address] = depth
            for recorders in self._recorders:
                recorders.add(address)

    def record(self) -> Any:
        """A checkpoint of the account journals; storages record it when they change."""
        checkpoint = self._journaldb.record()
        self._journaltrie.record(checkpoint)
        self._journal_accessed_state.record(checkpoint)
        self._open.append(checkpoint)
        self._recorders.append(set())
        return checkpoint

    def commit(self, checkpoint: Any) -> None:
        """py-evm's ``commit``, in the storages that recorded ``checkpoint`` only."""
        self._journaldb.commit(checkpoint)
        self._journaltrie.commit(checkpoint)
        self._journal_accessed_state.commit(checkpoint)
        self._close(checkpoint, keep=True)

    def discard(self, checkpoint: Any) -> None:
        """py-evm's ``discard``, in the storages that recorded ``checkpoint`` only."""
        self._journaldb.discard(checkpoint)
        self._journaltrie.discard(checkpoint)
        self._journal_accessed_state.discard(checkpoint)
        self._account_cache.clear()
        self._close(checkpoint, keep=False)

    def set_storage(self, address: Address, slot: int, value: int) -> None:
        """py-evm's ``set_storage`` after the storage recorded the open checkpoints."""
        self._sync(address)
        super().set_storage(address, slot, value)

    def _wipe_storage(self, address: Address) -> None:
        self._sync(address)
        super()._wipe_storage(address)

    def lock_changes(self) -> None:
        """py-evm's ``lock_changes``; the locked storages count as synced."""
        super().lock_changes()
        self._locked()

    def make_state_root(self) -> Any:
        """py-evm's ``make_state_root``; the locked storages count as synced."""
        root = super().make_state_root()
        self._locked()
        return root

    def persist(self) -> Any:
        """py-evm's ``persist``, which forgets every storage: so does the bookkeeping."""
        witness = super().persist()
        self._depth = {}
        for recorders in self._recorders:
            recorders.clear()
        return witness

    def get_code(self, address: Address) -> bytes:
        """The code of ``address``, fetched by hash through the source when not local."""
        # Same as AccountDB.get_code minus its witness bookkeeping, which copies the set of
        # every key read on each call (quadratic over a block).
        code_hash = self.get_code_hash(address)
        if code_hash == EMPTY_CODE_HASH:
            return b""
        # Code is addressed by its hash, so a cached copy can never be stale; every call to a
        # contract reads its code (DESIGN §12).
        code = self._codes.get(code_hash)
        if code is not None:
            return code
        self.source_db.code_mode = True
        try:
            code = bytes(self._journaldb[code_hash])
        finally:
            self.source_db.code_mode = False
        self._codes[code_hash] = code
        return code

    def touch_account(self, address: Address) -> None:
        """EIP-161 touch; an account already in the trie is left as it is.

        py-evm re-encodes and rewrites the unchanged account on every message call; the
        result is the same bytes, so only a missing account needs the write (which makes it
        an existing empty account, cleared at the end of the transaction if still empty).
        """
        if self._get_encoded_account(address, from_journal=True):
            return
        super().touch_account(address)

    def _get_address_store(self, address: Address) -> Any:
        store = self._account_stores.get(address)
        if store is None:
            storage_root = self._get_storage_root(address)
            store = OpStorageDB(self._raw_store_db, storage_root, address, self._nodes)
            self._account_stores[address] = store
        return store

    def storage_root_of(self, address: bytes) -> bytes:
        """The storage root of ``address`` as the account trie holds it."""
        root: bytes = self._get_storage_root(Address(address))
        return root
