"""Merkle-Patricia tries: nodes, lookups through a ``node_by_hash`` callback, builders, proofs.

Spec: Ethereum yellow paper appendix D (modified Merkle-Patricia trie), EIP-1186 (account and
storage proofs). Import from the submodules (``mpt.lookup``, ``mpt.ordered``, ``mpt.proof``).
"""
