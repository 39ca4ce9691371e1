"""EIP-2718 envelope dispatch: decode any transaction an OP Stack block or its L1 carries.

Spec: EIP-2718 — a first byte of 0xC0 or more is a legacy RLP list; otherwise it is the type
byte. Known types: 0 (legacy), 1, 2, 3, 4 and 0x7E (OP deposit, specs/protocol/deposits.md).
"""

from op_program.encoding.errors import RLPDecodeError
from op_program.encoding.rlp import check_rlp_shape, iter_rlp_items, rlp_decode_list, rlp_header
from op_program.protocol.errors import TransactionDecodeError
from op_program.protocol.transactions.deposit import DepositTransaction
from op_program.protocol.transactions.legacy import LegacyTransaction
from op_program.protocol.transactions.set_code import SetCodeTransaction
from op_program.protocol.transactions.typed import (
    AccessListTransaction,
    BlobTransaction,
    DynamicFeeTransaction,
)

Transaction = (
    LegacyTransaction
    | AccessListTransaction
    | DynamicFeeTransaction
    | BlobTransaction
    | SetCodeTransaction
    | DepositTransaction
)
"""Any decoded transaction; all have ``encode()``, ``hash``, ``tx_type``, ``recover_sender()``."""

_TYPED: dict[
    int,
    type[AccessListTransaction]
    | type[DynamicFeeTransaction]
    | type[BlobTransaction]
    | type[SetCodeTransaction]
    | type[DepositTransaction],
] = {
    0x01: AccessListTransaction,
    0x02: DynamicFeeTransaction,
    0x03: BlobTransaction,
    0x04: SetCodeTransaction,
    0x7E: DepositTransaction,
}


def decode_transaction(raw: bytes) -> Transaction:
    """Decode an EIP-2718 transaction encoding (as found in tx tries and payloads).

    Raises:
        TransactionDecodeError: empty input, unknown type, non-canonical RLP or a bad field.
    """
    if not raw:
        raise TransactionDecodeError("empty transaction")
    first = raw[0]
    try:
        if first >= 0xC0:
            check_rlp_shape(raw, LegacyTransaction.shape(), "legacy tx")
            return LegacyTransaction.from_payload(rlp_decode_list(raw, "legacy tx"), raw)
        cls = _TYPED.get(first)
        if cls is None:
            raise TransactionDecodeError(f"unknown transaction type 0x{first:02x}")
        # Shape first, on headers only: user transactions come from batcher data (issue 11).
        payload = raw[1:]
        check_rlp_shape(payload, cls.shape(), cls.__name__)
        return cls.from_payload(rlp_decode_list(payload, cls.__name__), raw)
    except RLPDecodeError as exc:
        raise TransactionDecodeError(f"invalid transaction: {exc}") from exc


def _to_index(cls: type[LegacyTransaction | AccessListTransaction | DynamicFeeTransaction
                         | DepositTransaction]) -> int:
    return [name for name, _ in cls.FIELDS].index("to")


_RECIPIENT_INDEX = {
    0x01: _to_index(AccessListTransaction),
    0x02: _to_index(DynamicFeeTransaction),
    0x7E: _to_index(DepositTransaction),
}
_LEGACY_RECIPIENT_INDEX = _to_index(LegacyTransaction)


def peek_recipient(raw: bytes) -> bytes | None:
    """Return the raw ``to`` field of a type 0, 1, 2 or 0x7E encoding, read from RLP headers.

    Nothing else is decoded or checked, so this is for skipping transactions that are not sent
    to an address (derivation scans every L1 transaction for the batch inbox; decoding them all
    measured ~0.09 s of a ~1 s proof). None when the field cannot be read this way (another
    type, or a malformed encoding): decode the transaction to find out.
    """
    if not raw:
        return None
    first = raw[0]
    if first >= 0xC0:
        index, start = _LEGACY_RECIPIENT_INDEX, 0
    else:
        found = _RECIPIENT_INDEX.get(first)
        if found is None:
            return None
        index, start = found, 1
    try:
        is_list, pos, stop = rlp_header(raw, start, len(raw))
        if not is_list:
            return None
        for count, (item_is_list, item_start, item_stop) in enumerate(
            iter_rlp_items(raw, pos, stop)
        ):
            if count == index:
                return None if item_is_list else raw[item_start:item_stop]
    except RLPDecodeError:
        return None
    return None
