"""Transaction envelope basics: EIP-2718 type bytes, encoding cache, hashing and signing hashes.

Spec: EIP-2718 (typed transaction envelope: ``type ‖ payload``; legacy transactions are a bare
RLP list), EIP-155 / EIP-2930 / EIP-1559 signing hashes; OP deposits (type 0x7E) are in
specs/protocol/deposits.md.
"""

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, ClassVar, Self

from op_program.encoding.hashing import keccak256
from op_program.encoding.rlp import RLPEncodable, RLPItem, RLPShape, rlp_encode
from op_program.protocol.transactions.fields import (
    FieldDecoders,
    FieldSchema,
    Kind,
    decode_with,
    encode_value,
    field_decoders,
    payload_shape,
)
from op_program.protocol.transactions.signature import recover_address


class TxType(IntEnum):
    """EIP-2718 transaction type bytes carried by OP Stack chains and their L1."""

    LEGACY = 0x00
    ACCESS_LIST = 0x01
    DYNAMIC_FEE = 0x02
    BLOB = 0x03
    SET_CODE = 0x04
    DEPOSIT = 0x7E


@dataclass(frozen=True, slots=True)
class TransactionBase:
    """Behaviour shared by every transaction type: ``encode``, ``hash``, ``tx_type``."""

    TX_TYPE: ClassVar[TxType]
    FIELDS: ClassVar[FieldSchema]

    _encoded: bytes | None = field(default=None, init=False, repr=False, compare=False)
    _sender: bytes | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def tx_type(self) -> int:
        """The EIP-2718 type byte (0 for legacy)."""
        return int(self.TX_TYPE)

    def payload(self) -> list[RLPEncodable]:
        """The RLP-encodable list of payload fields, in wire order."""
        return [encode_value(getattr(self, name), kind) for name, kind in self.FIELDS]

    def encode(self) -> bytes:
        """The EIP-2718 encoding: ``type ‖ rlp(payload)``, or ``rlp(payload)`` for legacy."""
        cached = self._encoded
        if cached is None:
            body = rlp_encode(self.payload())
            cached = body if self.TX_TYPE is TxType.LEGACY else bytes((self.TX_TYPE,)) + body
            object.__setattr__(self, "_encoded", cached)
        return cached

    @property
    def hash(self) -> bytes:
        """The transaction hash: keccak256 of the EIP-2718 encoding."""
        return keccak256(self.encode())

    @classmethod
    def shape(cls) -> RLPShape:
        """The RLP shape of this type's payload (checked before it is decoded)."""
        return _shape_of(cls)

    @classmethod
    def from_payload(cls, items: list[RLPItem], raw: bytes) -> Self:
        """Build the transaction from its decoded RLP payload; ``raw`` is its exact encoding.

        Raises:
            RLPDecodeError: wrong field count or a malformed field.
        """
        values: list[Any] = decode_with(items, _decoders_of(cls), cls.__name__)
        tx = cls(*values)
        object.__setattr__(tx, "_encoded", raw)
        return tx

    def remember_sender(self, sender: bytes) -> bytes:
        """Cache a recovered sender on this (immutable) transaction and return it."""
        object.__setattr__(self, "_sender", sender)
        return sender


@dataclass(frozen=True, slots=True)
class SignedTypedTransaction(TransactionBase):
    """A typed transaction (types 1-4) whose last three payload fields are ``y_parity, r, s``."""

    def signing_hash(self) -> bytes:
        """keccak256(type ‖ rlp(payload without the signature)): the hash that was signed."""
        return keccak256(bytes((self.TX_TYPE,)) + rlp_encode(self.payload()[:-3]))

    def recover_sender(self) -> bytes:
        """Recover the 20-byte sender address from the signature.

        Raises:
            InvalidSignatureError: out-of-range values or an unrecoverable signature.
        """
        if self._sender is not None:
            return self._sender
        y_parity, r, s = self.payload()[-3:]
        assert isinstance(y_parity, int) and isinstance(r, int) and isinstance(s, int)
        return self.remember_sender(recover_address(self.signing_hash(), y_parity, r, s))


_SHAPES: dict[type, RLPShape] = {}
_DECODERS: dict[type, FieldDecoders] = {}


def _kinds_of(cls: type[TransactionBase]) -> tuple[Kind, ...]:
    return tuple(kind for _, kind in cls.FIELDS)


def _decoders_of(cls: type[TransactionBase]) -> FieldDecoders:
    """The field decoders of a transaction type, built once per type.

    Every L1 transaction a proof scans used to look its field kinds up again (~4,300 for the
    real witness).
    """
    found = _DECODERS.get(cls)
    if found is None:
        found = _DECODERS[cls] = field_decoders(_kinds_of(cls))
    return found


def _shape_of(cls: type[TransactionBase]) -> RLPShape:
    found = _SHAPES.get(cls)
    if found is None:
        found = _SHAPES[cls] = payload_shape(_kinds_of(cls))
    return found
