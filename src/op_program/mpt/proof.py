"""Merkle proof verification, including account and storage proofs as ``eth_getProof`` returns.

Spec: Ethereum yellow paper appendix D; EIP-1186 (``eth_getProof``: accountProof is the list of
state-trie nodes from the root to the account, storageProof the same for each slot). A proof
proves presence (the value) or absence (``None``) of a key.
"""

from collections.abc import Sequence

from op_program.encoding.hashing import keccak256
from op_program.mpt.account import Account, decode_storage_value
from op_program.mpt.errors import InvalidProofError, TrieDecodeError
from op_program.mpt.lookup import trie_get


def verify_proof(root: bytes, key: bytes, proof: Sequence[bytes]) -> bytes | None:
    """Verify a Merkle proof and return the value of ``key`` (``None`` = proven absent).

    Raises:
        InvalidProofError: the proof lacks a node on the path or has a malformed node.
    """
    nodes = {keccak256(node): node for node in proof}

    def node_by_hash(node_hash: bytes) -> bytes:
        try:
            return nodes[node_hash]
        except KeyError:
            raise InvalidProofError(f"proof lacks node 0x{node_hash.hex()}") from None

    try:
        return trie_get(root, key, node_by_hash)
    except TrieDecodeError as exc:
        raise InvalidProofError(f"malformed proof: {exc}") from exc


def verify_account_proof(
    state_root: bytes, address: bytes, proof: Sequence[bytes]
) -> Account | None:
    """Verify an account proof; return the account, or ``None`` if proven absent.

    Raises:
        InvalidProofError: the proof does not verify or the account value is malformed.
    """
    value = verify_proof(state_root, keccak256(address), proof)
    if value is None:
        return None
    try:
        return Account.decode(value)
    except TrieDecodeError as exc:
        raise InvalidProofError(str(exc)) from exc


def verify_storage_proof(storage_root: bytes, slot: bytes, proof: Sequence[bytes]) -> int:
    """Verify a storage proof for a 32-byte slot key; return its value (0 when absent).

    Raises:
        InvalidProofError: the proof does not verify or the value is malformed.
    """
    value = verify_proof(storage_root, keccak256(slot), proof)
    if value is None:
        return 0
    try:
        return decode_storage_value(value)
    except TrieDecodeError as exc:
        raise InvalidProofError(str(exc)) from exc
