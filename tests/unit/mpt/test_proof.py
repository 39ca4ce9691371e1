import pytest
from trie.hexary import HexaryTrie

from op_program.encoding.hashing import keccak256
from op_program.encoding.rlp import rlp_encode
from op_program.mpt.account import Account, decode_storage_value, encode_storage_value
from op_program.mpt.errors import InvalidProofError, TrieDecodeError
from op_program.mpt.lookup import EMPTY_ROOT
from op_program.mpt.proof import verify_account_proof, verify_proof, verify_storage_proof

ADDRESSES = [bytes([i]) * 20 for i in range(1, 30)]


def _state() -> tuple[HexaryTrie, HexaryTrie, dict[bytes, Account]]:
    storage = HexaryTrie({})
    for slot in range(50):
        storage[keccak256(slot.to_bytes(32, "big"))] = encode_storage_value(slot * 1000 + 1)
    state = HexaryTrie({})
    accounts = {}
    for i, address in enumerate(ADDRESSES):
        account = Account(nonce=i, balance=10**18 * i, storage_root=storage.root_hash)
        accounts[address] = account
        state[keccak256(address)] = account.encode()
    return state, storage, accounts


def _proof(t: HexaryTrie, key: bytes) -> list[bytes]:
    return [rlp_encode(node) for node in t.get_proof(key)]  # type: ignore[no-untyped-call]


def test_account_and_storage_proofs() -> None:
    state, storage, accounts = _state()
    address = ADDRESSES[7]
    got = verify_account_proof(state.root_hash, address, _proof(state, keccak256(address)))
    assert got == accounts[address]
    slot = (17).to_bytes(32, "big")
    value = verify_storage_proof(got.storage_root, slot, _proof(storage, keccak256(slot)))
    assert value == 17001


def test_absence_proofs() -> None:
    state, storage, _ = _state()
    missing = b"\xee" * 20
    proof = _proof(state, keccak256(missing))
    assert verify_account_proof(state.root_hash, missing, proof) is None
    slot = (999).to_bytes(32, "big")
    assert verify_storage_proof(storage.root_hash, slot, _proof(storage, keccak256(slot))) == 0
    assert verify_storage_proof(EMPTY_ROOT, slot, []) == 0


def test_tampered_or_incomplete_proofs_fail() -> None:
    state, _, _ = _state()
    address = ADDRESSES[3]
    proof = _proof(state, keccak256(address))
    with pytest.raises(InvalidProofError):
        verify_account_proof(state.root_hash, address, proof[:-1])
    with pytest.raises(InvalidProofError):
        verify_account_proof(keccak256(b"other root"), address, proof)
    with pytest.raises(InvalidProofError):
        verify_proof(state.root_hash, keccak256(address), [b"\xc0"] + proof[1:])


def test_account_codec() -> None:
    account = Account(nonce=5, balance=7)
    assert Account.decode(account.encode()) == account
    with pytest.raises(TrieDecodeError):
        Account.decode(rlp_encode([5, 7, b"\x00" * 32]))
    with pytest.raises(TrieDecodeError):
        decode_storage_value(rlp_encode(b"\x00\x01"))
    assert decode_storage_value(encode_storage_value(2**255)) == 2**255
