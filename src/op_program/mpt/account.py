"""State-trie accounts: ``rlp([nonce, balance, storageRoot, codeHash])`` under keccak(address).

Spec: Ethereum yellow paper §4.1 (account state). Storage slots live in the account's storage
trie under keccak256(slot) with value ``rlp(value without leading zero bytes)``.
"""

from dataclasses import dataclass

from op_program.encoding.errors import RLPDecodeError
from op_program.encoding.hashing import keccak256
from op_program.encoding.rlp import as_fixed, as_list, as_uint, rlp_decode, rlp_encode
from op_program.mpt.errors import TrieDecodeError
from op_program.mpt.lookup import EMPTY_ROOT

EMPTY_CODE_HASH = keccak256(b"")
"""keccak256 of empty code: the code hash of every account without code."""


@dataclass(frozen=True, slots=True)
class Account:
    """An account as stored in the state trie."""

    nonce: int
    balance: int
    storage_root: bytes = EMPTY_ROOT
    code_hash: bytes = EMPTY_CODE_HASH

    def encode(self) -> bytes:
        """The RLP encoding stored as the account's state-trie value."""
        return rlp_encode([self.nonce, self.balance, self.storage_root, self.code_hash])

    @classmethod
    def decode(cls, raw: bytes) -> "Account":
        """Decode a state-trie account value.

        Raises:
            TrieDecodeError: not a canonical 4-item account list.
        """
        try:
            nonce, balance, storage_root, code_hash = as_list(rlp_decode(raw), "account", 4)
            return cls(
                as_uint(nonce, "account nonce", 64),
                as_uint(balance, "account balance"),
                as_fixed(storage_root, 32, "account storage root"),
                as_fixed(code_hash, 32, "account code hash"),
            )
        except RLPDecodeError as exc:
            raise TrieDecodeError(f"invalid account: {exc}") from exc


def encode_storage_value(value: int) -> bytes:
    """The storage-trie value of a (non-zero) slot value: rlp of its minimal big-endian bytes."""
    return rlp_encode(value)


def decode_storage_value(raw: bytes) -> int:
    """Decode a storage-trie value into the 256-bit slot value.

    Raises:
        TrieDecodeError: not a canonical RLP integer of at most 32 bytes.
    """
    try:
        return as_uint(rlp_decode(raw), "storage value")
    except RLPDecodeError as exc:
        raise TrieDecodeError(f"invalid storage value: {exc}") from exc
