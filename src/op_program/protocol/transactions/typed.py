"""EIP-2930 (access list), EIP-1559 (dynamic fee) and EIP-4844 (blob) transactions.

Spec: EIP-2930, EIP-1559, EIP-4844. Each is ``type ‖ rlp(payload)`` and signs
``keccak256(type ‖ rlp(payload without y_parity, r, s))``. Blob transactions are only ever
decoded (L1 data): the network form with blobs, commitments and proofs is rejected because
blocks never carry it.
"""

from dataclasses import dataclass
from typing import ClassVar

from op_program.protocol.transactions.base import SignedTypedTransaction, TxType
from op_program.protocol.transactions.fields import (
    CALL,
    CHAIN_AND_NONCE,
    DYNAMIC_FEES,
    SIGNATURE,
    AccessListEntry,
    FieldSchema,
    Kind,
)


@dataclass(frozen=True, slots=True)
class AccessListTransaction(SignedTypedTransaction):
    """A type-1 (EIP-2930) transaction."""

    TX_TYPE: ClassVar[TxType] = TxType.ACCESS_LIST
    FIELDS: ClassVar[FieldSchema] = (
        *CHAIN_AND_NONCE, ("gas_price", Kind.UINT256), ("gas", Kind.UINT64), ("to", Kind.TO),
        *CALL, *SIGNATURE,
    )

    chain_id: int
    nonce: int
    gas_price: int
    gas: int
    to: bytes | None
    value: int
    data: bytes
    access_list: tuple[AccessListEntry, ...]
    y_parity: int
    r: int
    s: int


@dataclass(frozen=True, slots=True)
class DynamicFeeTransaction(SignedTypedTransaction):
    """A type-2 (EIP-1559) transaction."""

    TX_TYPE: ClassVar[TxType] = TxType.DYNAMIC_FEE
    FIELDS: ClassVar[FieldSchema] = (
        *CHAIN_AND_NONCE, *DYNAMIC_FEES, ("gas", Kind.UINT64), ("to", Kind.TO), *CALL, *SIGNATURE,
    )

    chain_id: int
    nonce: int
    max_priority_fee_per_gas: int
    max_fee_per_gas: int
    gas: int
    to: bytes | None
    value: int
    data: bytes
    access_list: tuple[AccessListEntry, ...]
    y_parity: int
    r: int
    s: int


@dataclass(frozen=True, slots=True)
class BlobTransaction(SignedTypedTransaction):
    """A type-3 (EIP-4844) transaction, canonical (block) form; ``to`` is never a creation."""

    TX_TYPE: ClassVar[TxType] = TxType.BLOB
    FIELDS: ClassVar[FieldSchema] = (
        *CHAIN_AND_NONCE, *DYNAMIC_FEES, ("gas", Kind.UINT64), ("to", Kind.ADDRESS), *CALL,
        ("max_fee_per_blob_gas", Kind.UINT256), ("blob_versioned_hashes", Kind.HASH_LIST),
        *SIGNATURE,
    )

    chain_id: int
    nonce: int
    max_priority_fee_per_gas: int
    max_fee_per_gas: int
    gas: int
    to: bytes
    value: int
    data: bytes
    access_list: tuple[AccessListEntry, ...]
    max_fee_per_blob_gas: int
    blob_versioned_hashes: tuple[bytes, ...]
    y_parity: int
    r: int
    s: int
