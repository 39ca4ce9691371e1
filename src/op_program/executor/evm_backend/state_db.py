"""py-evm state storage over the verified state source (DESIGN §6: state db over the oracle).

Spec: fault-proof/index.md (L2 state is fetched by hash: ``l2-state-node``, ``l2-code``).
py-evm's key-value store misses go to ``VerifiedSource``; code lookups ask ``code_by_hash``.
"""

from collections.abc import Iterator
from typing import Any

from eth.constants import BLANK_ROOT_HASH
from eth.db.account import AccountDB
from eth.db.backends.base import BaseDB
from eth.db.storage import AccountStorageDB
from eth.vm.interrupt import MissingStorageTrieNode
from eth_typing import Address

from op_program.executor.errors import MissingStateError
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


class OpStorageDB(AccountStorageDB):
    """py-evm's account storage with a fast decoder of stored values (same results)."""

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

    def _dirty_account_stores(self) -> Iterator[tuple[Address, Any]]:
        # Address order, not set order: storage roots are then computed, and their nodes
        # requested, in the same order on every run (DESIGN §5).
        for address in sorted(self._dirty_accounts):
            yield address, self._account_stores[address]

    def record(self) -> Any:
        """py-evm's ``record`` over the dirty stores in set order (order is unobservable here)."""
        checkpoint = self._journaldb.record()
        self._journaltrie.record(checkpoint)
        self._journal_accessed_state.record(checkpoint)
        for address in self._dirty_accounts:
            self._account_stores[address].record(checkpoint)
        return checkpoint

    def commit(self, checkpoint: Any) -> None:
        """py-evm's ``commit`` over the dirty stores in set order (order is unobservable here)."""
        self._journaldb.commit(checkpoint)
        self._journaltrie.commit(checkpoint)
        self._journal_accessed_state.commit(checkpoint)
        for address in self._dirty_accounts:
            self._account_stores[address].commit(checkpoint)

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
            store = OpStorageDB(self._raw_store_db, storage_root, address)
            self._account_stores[address] = store
        return store

    def storage_root_of(self, address: bytes) -> bytes:
        """The storage root of ``address`` as the account trie holds it."""
        root: bytes = self._get_storage_root(Address(address))
        return root
