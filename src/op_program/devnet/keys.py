"""Dev accounts: secp256k1 keys that sign L1 and L2 transactions (EIP-1559, EIP-4844).

Spec: Ethereum yellow paper appendix F (ECDSA over keccak256 of the signing payload), EIP-155,
EIP-2930, EIP-1559 and EIP-4844 signing hashes. Keys are derived from a label so every devnet
run is reproducible.
"""

from dataclasses import dataclass, replace
from typing import TypeVar

from coincurve import PrivateKey

from op_program.encoding.hashing import keccak256
from op_program.protocol.transactions import (
    AccessListTransaction,
    BlobTransaction,
    DynamicFeeTransaction,
    LegacyTransaction,
    SetCodeTransaction,
)
from op_program.protocol.transactions.signature import public_key_address

SignableTx = TypeVar("SignableTx", AccessListTransaction, DynamicFeeTransaction,
                     BlobTransaction, SetCodeTransaction)  # fmt: skip


@dataclass(frozen=True, slots=True)
class DevAccount:
    """A private key and its address."""

    secret: bytes
    address: bytes

    @classmethod
    def from_label(cls, label: str) -> "DevAccount":
        """The account whose private key is keccak256 of ``label`` (deterministic)."""
        secret = keccak256(b"op-program devnet key: " + label.encode())
        return cls(secret, public_key_address(PrivateKey(secret).public_key))

    def sign(self, tx: SignableTx) -> SignableTx:
        """Return ``tx`` with its signature fields set (low-s, as libsecp256k1 produces)."""
        signature = PrivateKey(self.secret).sign_recoverable(tx.signing_hash(), hasher=None)
        return replace(
            tx,
            r=int.from_bytes(signature[0:32], "big"),
            s=int.from_bytes(signature[32:64], "big"),
            y_parity=signature[64],
        )

    def sign_legacy(self, tx: LegacyTransaction, chain_id: int) -> LegacyTransaction:
        """Return ``tx`` signed with EIP-155 replay protection for ``chain_id``."""
        base_v = chain_id * 2 + 35
        unsigned = replace(tx, v=base_v, r=0, s=0)
        signature = PrivateKey(self.secret).sign_recoverable(unsigned.signing_hash(), hasher=None)
        return replace(
            tx,
            v=base_v + signature[64],
            r=int.from_bytes(signature[0:32], "big"),
            s=int.from_bytes(signature[32:64], "big"),
        )
