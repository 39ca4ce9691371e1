"""Legacy (pre-EIP-2718) transactions, with and without EIP-155 replay protection.

Spec: Ethereum yellow paper §4.2 and EIP-155: ``v`` is 27/28 for unprotected signatures and
``chain_id * 2 + 35 + y_parity`` for protected ones; the signing hash of a protected transaction
appends ``chain_id, 0, 0`` to the six payload fields.
"""

from dataclasses import dataclass
from typing import ClassVar

from op_program.encoding.hashing import keccak256
from op_program.encoding.rlp import rlp_encode
from op_program.protocol.errors import InvalidSignatureError
from op_program.protocol.transactions.base import TransactionBase, TxType
from op_program.protocol.transactions.fields import FieldSchema, Kind
from op_program.protocol.transactions.signature import recover_address


@dataclass(frozen=True, slots=True)
class LegacyTransaction(TransactionBase):
    """A type-0 transaction: ``rlp([nonce, gasPrice, gas, to, value, data, v, r, s])``."""

    TX_TYPE: ClassVar[TxType] = TxType.LEGACY
    FIELDS: ClassVar[FieldSchema] = (
        ("nonce", Kind.UINT64), ("gas_price", Kind.UINT256), ("gas", Kind.UINT64),
        ("to", Kind.TO), ("value", Kind.UINT256), ("data", Kind.BYTES),
        ("v", Kind.UINT256), ("r", Kind.UINT256), ("s", Kind.UINT256),
    )

    nonce: int
    gas_price: int
    gas: int
    to: bytes | None
    value: int
    data: bytes
    v: int
    r: int
    s: int

    @property
    def chain_id(self) -> int | None:
        """The EIP-155 chain id encoded in ``v``, or ``None`` for an unprotected signature."""
        if self.v in (27, 28):
            return None
        return (self.v - 35) // 2 if self.v >= 35 else None

    @property
    def access_list(self) -> tuple[()]:
        """Legacy transactions carry no access list."""
        return ()

    def signing_hash(self) -> bytes:
        """The hash that was signed (EIP-155 form when the signature is protected)."""
        fields = self.payload()[:6]
        chain_id = self.chain_id
        if chain_id is not None:
            fields += [chain_id, 0, 0]
        return keccak256(rlp_encode(fields))

    def recover_sender(self) -> bytes:
        """Recover the 20-byte sender address from the signature.

        Raises:
            InvalidSignatureError: an invalid ``v``, out-of-range values or an unrecoverable
                signature.
        """
        if self._sender is not None:
            return self._sender
        chain_id = self.chain_id
        if chain_id is None and self.v not in (27, 28):
            raise InvalidSignatureError(f"invalid legacy signature v={self.v}")
        y_parity = self.v - 27 if chain_id is None else self.v - (chain_id * 2 + 35)
        return self.remember_sender(recover_address(self.signing_hash(), y_parity, self.r, self.s))
