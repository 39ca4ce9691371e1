"""Deposit transactions (type 0x7E): L1-originated transactions of the OP Stack.

Spec: specs/protocol/deposits.md (the deposited transaction type). Payload:
``rlp([sourceHash, from, to, mint, value, gas, isSystemTx, data])``; there is no signature, the
sender is ``from``, and the hash is keccak256 of the EIP-2718 encoding.
"""

from dataclasses import dataclass
from typing import ClassVar

from op_program.protocol.transactions.base import TransactionBase, TxType
from op_program.protocol.transactions.fields import FieldSchema, Kind


@dataclass(frozen=True, slots=True)
class DepositTransaction(TransactionBase):
    """A type-0x7E deposit transaction; ``to`` is ``None`` for a contract creation."""

    TX_TYPE: ClassVar[TxType] = TxType.DEPOSIT
    FIELDS: ClassVar[FieldSchema] = (
        ("source_hash", Kind.HASH), ("from_address", Kind.ADDRESS), ("to", Kind.TO),
        ("mint", Kind.UINT256), ("value", Kind.UINT256), ("gas", Kind.UINT64),
        ("is_system_tx", Kind.BOOL), ("data", Kind.BYTES),
    )

    source_hash: bytes
    from_address: bytes
    to: bytes | None
    mint: int
    value: int
    gas: int
    is_system_tx: bool
    data: bytes

    @property
    def access_list(self) -> tuple[()]:
        """Deposits carry no access list."""
        return ()

    def recover_sender(self) -> bytes:
        """The sender of a deposit is its ``from`` field (there is no signature)."""
        return self.from_address
