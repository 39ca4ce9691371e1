"""The block's world state beneath py-evm's ``State``: decoded accounts, storage, code, journal.

Spec: Yellow Paper §4.1 (the world state: address -> (nonce, balance, storageRoot, codeHash),
storage under keccak256(slot)), Appendix D (the tries, read through ``trie_reader`` and
rewritten once per block through ``trie_update``), EIP-161 (an existing empty account, created
by a touch, is cleared by the executor), EIP-2929 (warm addresses and slots, per transaction),
EIP-2200/EIP-3529 (an SSTORE's gas depends on the slot's value at the start of the
transaction: ``get_storage(from_journal=False)``), EIP-1153 (transient storage, per
transaction), EIP-6780 (a contract destroyed in its creating transaction is deleted with its
storage: ``delete_account``), fault-proof/index.md (state is read by hash from the verified
state source; a missing node is a ``MissingStateError``).

py-evm's ``AccountDB`` kept accounts as RLP in a stack of journaled key-value layers and
decoded them on every access; here an account is a decoded tuple in a ``dict``, a storage slot
an ``int``, and every revertible change goes through one ``StateJournal``. The interface is
the one py-evm's ``State`` calls (``account_db_class``), with py-evm's results: the same
account existence rules (a write creates an account, ``delete_account`` removes it), the same
state root, the same trie nodes requested from the state source.
"""

from typing import Any, Final

from eth.db.atomic import AtomicDB
from eth_utils.exceptions import ValidationError

from op_program.encoding.hashing import keccak256
from op_program.encoding.rlp import rlp_encode
from op_program.executor.errors import MissingStateError
from op_program.executor.evm_backend.state_db import SourceDB, _storage_int
from op_program.executor.evm_backend.state_journal import StateJournal
from op_program.executor.evm_backend.trie_reader import BLANK_ROOT, NodeCache
from op_program.executor.evm_backend.trie_update import TrieBatch
from op_program.executor.evm_types import EMPTY_CODE_HASH
from op_program.mpt.account import Account

AccountTuple = tuple[int, int, bytes, bytes]
"""(nonce, balance, storage root, code hash), Yellow Paper §4.1."""
EMPTY_ACCOUNT: AccountTuple = (0, 0, BLANK_ROOT, EMPTY_CODE_HASH)
_UINT256: Final = 1 << 256
_UINT64_MAX: Final = (1 << 64) - 1
_TRANSIENT_ZERO: Final = b""  # py-evm's empty transient value (reads as 0)


def _storage_rlp(value: int) -> bytes:
    """A non-zero slot value as the storage trie holds it: RLP of its minimal bytes."""
    if value < 0x80:
        return bytes((value,))
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return bytes((0x80 + len(raw),)) + raw


class Storage:
    """One account's storage: slots read from the trie at ``root``, and slots written since.

    A wipe (``delete_storage``, ``delete_account``) replaces the whole object by an empty one
    over the blank root; reverting the wipe puts the old object back, untouched.
    """

    __slots__ = ("root", "read", "written")

    def __init__(self, root: bytes) -> None:
        self.root = root
        self.read: dict[int, int] = {}
        self.written: dict[int, int] = {}


class JournaledState:
    """py-evm's ``AccountDatabaseAPI`` over plain dictionaries and one undo journal."""

    def __init__(self, db: Any, state_root: bytes = BLANK_ROOT) -> None:
        inner = db.wrapped_db if isinstance(db, AtomicDB) else db
        self.source_db = inner
        self._db = inner
        self._source = inner if isinstance(inner, SourceDB) else None
        self._root = state_root
        self._nodes = NodeCache()
        self.journal = StateJournal()
        self._accounts: dict[bytes, AccountTuple | None] = {}  # current; None: no account
        self._committed: dict[bytes, AccountTuple | None] = {}  # as the trie at _root holds
        self._dirty: dict[bytes, None] = {}  # accounts written since the last root
        self._storages: dict[bytes, Storage] = {}
        self._dirty_storage: dict[bytes, None] = {}
        self._codes: dict[bytes, bytes] = {}
        self._new_codes: dict[bytes, bytes] = {}
        self._warm: dict[Any, bool] = {}
        self._transient: dict[tuple[bytes, int], bytes] = {}
        self._tx_original: dict[bytes, dict[int, int]] = {}
        self._accessed_accounts: set[bytes] = set()

    # -- reads from the verified source ----------------------------------------------------

    def _node(self, node_hash: bytes) -> bytes:
        """A trie node: written this block, or from the verified state source."""
        try:
            node: bytes = self._db[node_hash]
        except KeyError as exc:
            if self._source is not None:
                raise  # SourceDB raises MissingStateError (and remembers the failure)
            raise MissingStateError("trie node", node_hash) from exc
        return node

    def _code(self, code_hash: bytes) -> bytes:
        source = self._source
        if source is None:
            try:
                code: bytes = self._db[code_hash]
            except KeyError as exc:
                raise MissingStateError("code", code_hash) from exc
            return code
        source.code_mode = True
        try:
            return bytes(source[code_hash])
        finally:
            source.code_mode = False

    # -- accounts --------------------------------------------------------------------------

    def _get(self, address: bytes) -> AccountTuple | None:
        self._accessed_accounts.add(address)
        try:
            return self._accounts[address]
        except KeyError:
            pass
        encoded = self._nodes.get(self._root, keccak256(address), self._node)
        if encoded:
            a = Account.decode(encoded)
            account: AccountTuple | None = (a.nonce, a.balance, a.storage_root, a.code_hash)
        else:
            account = None
        self._accounts[address] = self._committed[address] = account
        return account

    def _set(self, address: bytes, account: AccountTuple | None) -> None:
        self.journal.set(self._accounts, address, account)
        self._dirty[address] = None

    def get_balance(self, address: bytes) -> int:
        """Balance in wei (0 for no account)."""
        account = self._get(address)
        return account[1] if account is not None else 0

    def set_balance(self, address: bytes, balance: int) -> None:
        """Set the balance (creating the account), a uint256 as py-evm validates."""
        if not 0 <= balance < _UINT256:
            raise ValidationError(f"balance {balance} is not a uint256")
        nonce, _, root, code_hash = self._get(address) or EMPTY_ACCOUNT
        self._set(address, (nonce, balance, root, code_hash))

    def get_nonce(self, address: bytes) -> int:
        """The nonce (0 for no account)."""
        account = self._get(address)
        return account[0] if account is not None else 0

    def set_nonce(self, address: bytes, nonce: int) -> None:
        """Set the nonce (creating the account), at most 2**64 - 1 as py-evm allows."""
        if not 0 <= nonce <= _UINT64_MAX:
            raise ValidationError(f"nonce {nonce} is not a uint64")
        _, balance, root, code_hash = self._get(address) or EMPTY_ACCOUNT
        self._set(address, (nonce, balance, root, code_hash))

    def increment_nonce(self, address: bytes) -> None:
        """Nonce + 1."""
        self.set_nonce(address, self.get_nonce(address) + 1)

    def get_code_hash(self, address: bytes) -> bytes:
        """The code hash (keccak256 of empty code for no account)."""
        account = self._get(address)
        return account[3] if account is not None else EMPTY_CODE_HASH

    def get_code(self, address: bytes) -> bytes:
        """The code, fetched by hash through the source the first time (DESIGN §12)."""
        code_hash = self.get_code_hash(address)
        if code_hash == EMPTY_CODE_HASH:
            return b""
        code = self._codes.get(code_hash)
        if code is None:
            code = self._codes[code_hash] = self._code(code_hash)
        return code

    def set_code(self, address: bytes, code: bytes) -> None:
        """Install ``code`` (creating the account); the code is persisted with the block."""
        code_hash = keccak256(code)
        self._codes[code_hash] = code
        self.journal.set(self._new_codes, code_hash, code)
        nonce, balance, root, _ = self._get(address) or EMPTY_ACCOUNT
        self._set(address, (nonce, balance, root, code_hash))

    def delete_code(self, address: bytes) -> None:
        """Set the code hash to that of empty code."""
        nonce, balance, root, _ = self._get(address) or EMPTY_ACCOUNT
        self._set(address, (nonce, balance, root, EMPTY_CODE_HASH))

    def account_has_code_or_nonce(self, address: bytes) -> bool:
        """A non-zero nonce or code: a creation at this address collides (EIP-684)."""
        account = self._get(address)
        return account is not None and (account[0] != 0 or account[3] != EMPTY_CODE_HASH)

    def account_exists(self, address: bytes) -> bool:
        """Whether the account is in the state (possibly empty, EIP-161)."""
        return self._get(address) is not None

    def account_is_empty(self, address: bytes) -> bool:
        """EIP-161 empty: no code, nonce 0, balance 0 (or no account)."""
        account = self._get(address)
        return account is None or (
            account[0] == 0 and account[1] == 0 and account[3] == EMPTY_CODE_HASH
        )

    def touch_account(self, address: bytes) -> None:
        """EIP-161 touch: a missing account becomes an existing empty one; others stay."""
        if self._get(address) is None:
            self._set(address, EMPTY_ACCOUNT)

    def delete_account(self, address: bytes) -> None:
        """Remove the account and its storage (EIP-161 clearing, SELFDESTRUCT, EIP-6780)."""
        self._wipe_storage(address)
        self._get(address)
        self._set(address, None)

    def storage_root_of(self, address: bytes) -> bytes:
        """The account's storage root field (updated by ``make_state_root``)."""
        account = self._get(address)
        return account[2] if account is not None else BLANK_ROOT

    # -- storage ---------------------------------------------------------------------------

    def _storage(self, address: bytes) -> Storage:
        store = self._storages.get(address)
        if store is None:
            store = self._storages[address] = Storage(self.storage_root_of(address))
        return store

    def _slot(self, store: Storage, slot: int) -> int:
        value = store.written.get(slot)
        if value is None:
            value = store.read.get(slot)
            if value is None:
                value = 0
                if store.root != BLANK_ROOT:
                    encoded = self._nodes.get(
                        store.root, keccak256(slot.to_bytes(32, "big")), self._node
                    )
                    if encoded:
                        value = _storage_int(encoded)
                store.read[slot] = value
        return value

    def get_storage(self, address: bytes, slot: int, from_journal: bool = True) -> int:
        """The slot's value; ``from_journal=False``: its original value (EIP-2200).

        The original is the value when the transaction began, kept by the transaction's first
        write; after a storage wipe in this transaction (a creation) a slot not written before
        the wipe has the original 0, as op-geth's committed state of a destructed object.
        """
        store = self._storages.get(address) or self._storage(address)
        if not from_journal:
            original = self._tx_original.get(address)
            if original is not None:
                value = original.get(slot)
                if value is not None:
                    return value
        return self._slot(store, slot)

    def set_storage(self, address: bytes, slot: int, value: int) -> None:
        """Write a slot (0 clears it); the first write in a transaction keeps the original."""
        if not 0 <= value < _UINT256 or not 0 <= slot < _UINT256:
            raise ValidationError("storage slot and value must be uint256")
        store = self._storages.get(address) or self._storage(address)
        current = self._slot(store, slot)
        if not value and not current:
            return  # py-evm: clearing an empty slot changes nothing
        original = self._tx_original.get(address)
        if original is None:
            original = self._tx_original[address] = {}
        if slot not in original:
            original[slot] = current
        self._dirty_storage[address] = None
        self.journal.set(store.written, slot, value)

    def _wipe_storage(self, address: bytes) -> None:
        self._storage(address)  # read as py-evm does (the account's trie path)
        self._dirty_storage[address] = None
        self.journal.set(self._storages, address, Storage(BLANK_ROOT))

    def delete_storage(self, address: bytes) -> None:
        """Clear all storage (the account's storage root becomes the blank root)."""
        nonce, balance, _, code_hash = self._get(address) or EMPTY_ACCOUNT
        self._set(address, (nonce, balance, BLANK_ROOT, code_hash))
        self._wipe_storage(address)

    # -- EIP-2929 access lists and EIP-1153 transient storage ------------------------------

    def is_address_warm(self, address: bytes) -> bool:
        """Accessed in this transaction (EIP-2929)."""
        return address in self._warm

    def mark_address_warm(self, address: bytes) -> None:
        """Add to the accessed addresses (reverted with the frame)."""
        if address not in self._warm:
            self.journal.set(self._warm, address, True)

    def is_storage_warm(self, address: bytes, slot: int) -> bool:
        """Slot accessed in this transaction (EIP-2929)."""
        return (address, slot) in self._warm

    def mark_storage_warm(self, address: bytes, slot: int) -> None:
        """Add to the accessed slots (reverted with the frame)."""
        key = (address, slot)
        if key not in self._warm:
            self.journal.set(self._warm, key, True)

    def get_transient_storage(self, address: bytes, slot: int) -> bytes:
        """EIP-1153 TLOAD value as bytes (b"" when never set)."""
        return self._transient.get((address, slot), _TRANSIENT_ZERO)

    def set_transient_storage(self, address: bytes, slot: int, value: bytes) -> None:
        """EIP-1153 TSTORE (reverted with the frame)."""
        self.journal.set(self._transient, (address, slot), value)

    def clear_transient_storage(self) -> None:
        """End of transaction: transient storage is discarded (EIP-1153)."""
        self._transient = {}

    # -- snapshots -------------------------------------------------------------------------

    def record(self) -> int:
        """A snapshot token (a message call starts)."""
        return self.journal.snapshot()

    def discard(self, checkpoint: int) -> None:
        """Revert every change since ``checkpoint``."""
        self.journal.revert(checkpoint)

    def commit(self, checkpoint: int) -> None:
        """Keep the changes since ``checkpoint``."""
        self.journal.commit(checkpoint)

    def lock_changes(self) -> None:
        """A transaction boundary: originals and access lists start again (EIP-2929/2200)."""
        self._warm = {}
        self._tx_original = {}
        self.journal.forget()

    # -- the end of the block --------------------------------------------------------------

    def _write(self, nodes: dict[bytes, bytes]) -> None:
        db = self._db
        for key, value in nodes.items():
            db[key] = value

    def make_state_root(self) -> bytes:
        """Apply the block's changes to the storage tries and the account trie; the new root.

        Storage roots are computed in address order, then accounts are deleted and updated
        in the order first written, as py-evm did: the same trie nodes are requested.
        """
        self._tx_original = {}
        for address in sorted(self._dirty_storage):
            store = self._storages[address]
            if not store.written:
                continue
            batch = TrieBatch(store.root, self._nodes, self._node)
            batch.apply(
                (keccak256(slot.to_bytes(32, "big")), _storage_rlp(value) if value else b"")
                for slot, value in store.written.items()
            )
            root, nodes = batch.commit()
            self._write(nodes)
            store.read.update(store.written)
            store.written = {}
            store.root = root
            account = self._get(address)
            if account is not None or root != BLANK_ROOT:
                nonce, balance, _, code_hash = account or EMPTY_ACCOUNT
                self._set(address, (nonce, balance, root, code_hash))
        self._dirty_storage = {}
        self._write(self._new_codes)
        self._new_codes = {}
        accounts = self._accounts
        committed = self._committed
        changed = [a for a in self._dirty if accounts[a] != committed[a]]
        if changed:
            batch = TrieBatch(self._root, self._nodes, self._node)
            batch.apply((keccak256(a), b"") for a in changed if accounts[a] is None)
            batch.apply(
                (keccak256(a), rlp_encode(list(account)))
                for a in changed if (account := accounts[a]) is not None
            )
            self._root, nodes = batch.commit()
            self._write(nodes)
            for address in changed:
                committed[address] = accounts[address]
        self._dirty = {}
        self.journal.forget()
        return self._root

    def persist(self) -> None:
        """``make_state_root``; every new node and code is already in the store."""
        self.make_state_root()

    @property
    def state_root(self) -> bytes:
        """The account trie's root as of the last ``make_state_root``."""
        return self._root
