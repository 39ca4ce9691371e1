"""Transactions of every type OP Stack chains and their L1 carry (EIP-2718 envelopes).

Spec: EIP-2718, EIP-155, EIP-2930, EIP-1559, EIP-4844, EIP-7702 and OP deposits
(specs/protocol/deposits.md). ``decode_transaction(raw)`` returns one of the classes below;
each has ``encode()`` (byte-exact EIP-2718 bytes), ``hash``, ``tx_type`` and
``recover_sender()``.
"""

from op_program.protocol.transactions.base import TransactionBase, TxType
from op_program.protocol.transactions.deposit import DepositTransaction
from op_program.protocol.transactions.envelope import (
    Transaction,
    decode_transaction,
    peek_recipient,
)
from op_program.protocol.transactions.fields import AccessListEntry, Authorization
from op_program.protocol.transactions.legacy import LegacyTransaction
from op_program.protocol.transactions.set_code import (
    SetCodeTransaction,
    authorization_signing_hash,
    recover_authority,
)
from op_program.protocol.transactions.signature import recover_address
from op_program.protocol.transactions.typed import (
    AccessListTransaction,
    BlobTransaction,
    DynamicFeeTransaction,
)

__all__ = [
    "AccessListEntry",
    "AccessListTransaction",
    "Authorization",
    "BlobTransaction",
    "DepositTransaction",
    "DynamicFeeTransaction",
    "LegacyTransaction",
    "SetCodeTransaction",
    "Transaction",
    "TransactionBase",
    "TxType",
    "authorization_signing_hash",
    "decode_transaction",
    "peek_recipient",
    "recover_address",
    "recover_authority",
]
