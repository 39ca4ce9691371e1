"""Hash functions of the protocol: keccak256 (C-backed) and sha256.

Keccak is on the hot path of every trie lookup and preimage check, so it must be a C
implementation (DESIGN §12: pure-Python keccak is ~70x slower). safe-pysha3 is used because it
measured ~6x faster per call than pycryptodome's keccak on 100-byte inputs (call overhead).
"""

import hashlib

import sha3  # safe-pysha3


def keccak256(data: bytes) -> bytes:
    """Return the 32-byte Keccak-256 digest (Ethereum's "sha3") of ``data``."""
    digest: bytes = sha3.keccak_256(data).digest()
    return digest


def sha256(data: bytes) -> bytes:
    """Return the 32-byte SHA-256 digest of ``data``."""
    return hashlib.sha256(data).digest()
