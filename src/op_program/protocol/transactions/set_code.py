"""EIP-7702 set-code transactions (type 4) and the recovery of each authorization's authority.

Spec: EIP-7702. An authorization ``[chain_id, address, nonce, y_parity, r, s]`` is signed over
``keccak256(0x05 ‖ rlp([chain_id, address, nonce]))``. An invalid authorization does not make the
transaction invalid — the executor skips it — so recovery returns ``None`` instead of raising.
"""

from dataclasses import dataclass
from typing import ClassVar

from op_program.encoding.hashing import keccak256
from op_program.encoding.rlp import rlp_encode
from op_program.protocol.errors import InvalidSignatureError
from op_program.protocol.transactions.base import SignedTypedTransaction, TxType
from op_program.protocol.transactions.fields import (
    CALL,
    CHAIN_AND_NONCE,
    DYNAMIC_FEES,
    SIGNATURE,
    AccessListEntry,
    Authorization,
    FieldSchema,
    Kind,
)
from op_program.protocol.transactions.signature import recover_address

AUTHORIZATION_MAGIC = b"\x05"
"""The domain byte prefixed to the RLP of an authorization before hashing (EIP-7702)."""


def authorization_signing_hash(auth: Authorization) -> bytes:
    """keccak256(0x05 ‖ rlp([chain_id, address, nonce])): the hash the authority signed."""
    return keccak256(AUTHORIZATION_MAGIC + rlp_encode([auth.chain_id, auth.address, auth.nonce]))


def recover_authority(auth: Authorization) -> bytes | None:
    """Recover the authority address of an authorization, or ``None`` if its signature is invalid.

    Uses the EIP-2 low-s rule and requires ``y_parity`` in {0, 1}, as EIP-7702 mandates.
    """
    try:
        return recover_address(authorization_signing_hash(auth), auth.y_parity, auth.r, auth.s)
    except InvalidSignatureError:
        return None


@dataclass(frozen=True, slots=True)
class SetCodeTransaction(SignedTypedTransaction):
    """A type-4 (EIP-7702) transaction; ``to`` is never a creation."""

    TX_TYPE: ClassVar[TxType] = TxType.SET_CODE
    FIELDS: ClassVar[FieldSchema] = (
        *CHAIN_AND_NONCE, *DYNAMIC_FEES, ("gas", Kind.UINT64), ("to", Kind.ADDRESS), *CALL,
        ("authorization_list", Kind.AUTH_LIST), *SIGNATURE,
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
    authorization_list: tuple[Authorization, ...]
    y_parity: int
    r: int
    s: int
