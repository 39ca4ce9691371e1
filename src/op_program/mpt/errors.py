"""Errors of the Merkle-Patricia trie: malformed nodes and proofs that do not verify.

Spec: Ethereum yellow paper appendix D (node shapes), EIP-1186 (proofs); DESIGN §7 (errors
subclass the project root ``OpProgramError`` through ``DecodeError``).
"""

from op_program.errors import DecodeError


class TrieDecodeError(DecodeError):
    """A trie node or key that is not well formed, or a trie of the wrong shape."""


class InvalidProofError(DecodeError):
    """A Merkle proof that lacks a node on the path or does not lead to the claimed root."""
