"""RLP field kinds of transactions: table-driven decoding and encoding of transaction payloads.

Spec: EIP-2718 (typed envelopes), EIP-2930 (access lists), EIP-4844 (blob hashes), EIP-7702
(authorization lists). Integer widths follow go-ethereum's types (uint64 nonce and gas, uint256
values, uint8 authorization ``y_parity``), so what it rejects we reject.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from op_program.encoding.errors import RLPDecodeError
from op_program.encoding.rlp import (
    ListOf,
    RLPEncodable,
    RLPItem,
    RLPShape,
    as_address_or_none,
    as_bool,
    as_bytes,
    as_fixed,
    as_list,
    as_uint,
)


@dataclass(frozen=True, slots=True)
class AccessListEntry:
    """One EIP-2930 access-list entry: an address and the storage keys it warms."""

    address: bytes
    storage_keys: tuple[bytes, ...]


@dataclass(frozen=True, slots=True)
class Authorization:
    """One EIP-7702 authorization tuple (the authority is recovered from its signature)."""

    chain_id: int
    address: bytes
    nonce: int
    y_parity: int
    r: int
    s: int


class Kind(Enum):
    """How a transaction field is stored in RLP."""

    UINT64 = "uint64"
    UINT256 = "uint256"
    UINT8 = "uint8"
    TO = "to"
    ADDRESS = "address"
    HASH = "hash"
    BYTES = "bytes"
    BOOL = "bool"
    ACCESS_LIST = "access_list"
    HASH_LIST = "hash_list"
    AUTH_LIST = "auth_list"


FieldSchema = tuple[tuple[str, Kind], ...]
"""An RLP payload layout: (dataclass field name, kind) in wire order."""

CHAIN_AND_NONCE: FieldSchema = (("chain_id", Kind.UINT256), ("nonce", Kind.UINT64))
"""The head shared by every signed typed transaction (EIP-2930, 1559, 4844, 7702)."""
DYNAMIC_FEES: FieldSchema = (
    ("max_priority_fee_per_gas", Kind.UINT256), ("max_fee_per_gas", Kind.UINT256),
)  # fmt: skip
"""The EIP-1559 fee pair (types 2, 3 and 4)."""
CALL: FieldSchema = (
    ("value", Kind.UINT256), ("data", Kind.BYTES), ("access_list", Kind.ACCESS_LIST),
)  # fmt: skip
"""Value, calldata and access list (every signed typed transaction)."""
SIGNATURE: FieldSchema = (("y_parity", Kind.UINT256), ("r", Kind.UINT256), ("s", Kind.UINT256))
"""The trailing signature of every signed typed transaction."""

_AUTH_KINDS = (Kind.UINT256, Kind.ADDRESS, Kind.UINT64, Kind.UINT8, Kind.UINT256, Kind.UINT256)


def _access_list(item: RLPItem) -> tuple[AccessListEntry, ...]:
    entries = []
    for entry in as_list(item, "access list"):
        address, keys = as_list(entry, "access list entry", 2)
        entries.append(
            AccessListEntry(
                as_fixed(address, 20, "access list address"),
                tuple(as_fixed(key, 32, "storage key") for key in as_list(keys, "storage keys")),
            )
        )
    return tuple(entries)


def _auth_list(item: RLPItem) -> tuple[Authorization, ...]:
    return tuple(
        Authorization(*decode_fields(as_list(auth, "authorization"), _AUTH_KINDS, "authorization"))
        for auth in as_list(item, "authorization list")
    )


def _hash_list(item: RLPItem, what: str) -> tuple[bytes, ...]:
    return tuple(as_fixed(h, 32, what) for h in as_list(item, what))


_DECODERS: dict[Kind, Callable[[RLPItem, str], Any]] = {
    Kind.UINT256: as_uint,
    Kind.UINT64: lambda item, what: as_uint(item, what, 64),
    Kind.UINT8: lambda item, what: as_uint(item, what, 8),
    Kind.TO: as_address_or_none,
    Kind.ADDRESS: lambda item, what: as_fixed(item, 20, what),
    Kind.HASH: lambda item, what: as_fixed(item, 32, what),
    Kind.BYTES: as_bytes,
    Kind.BOOL: as_bool,
    Kind.ACCESS_LIST: lambda item, _: _access_list(item),
    Kind.HASH_LIST: _hash_list,
    Kind.AUTH_LIST: lambda item, _: _auth_list(item),
}


_ACCESS_LIST_SHAPE = ListOf((None, ListOf(None)))
_SHAPES: dict[Kind, RLPShape] = {
    Kind.ACCESS_LIST: _ACCESS_LIST_SHAPE,
    Kind.HASH_LIST: ListOf(None),
    Kind.AUTH_LIST: ListOf((None,) * len(_AUTH_KINDS)),
}


def payload_shape(kinds: Sequence[Kind]) -> RLPShape:
    """The RLP shape of a payload of ``kinds`` (scalars are byte strings)."""
    return tuple(_SHAPES.get(kind) for kind in kinds)


FieldDecoders = tuple[Callable[[RLPItem, str], Any], ...]


def field_decoders(kinds: Sequence[Kind]) -> FieldDecoders:
    """The decoder of each kind, in order.

    A caller that decodes many payloads of one schema keeps these: looking each kind up costs
    an ``Enum.__hash__`` call (Python-level) per field.
    """
    return tuple(_DECODERS[kind] for kind in kinds)


def decode_fields(items: list[RLPItem], kinds: Sequence[Kind], what: str) -> list[Any]:
    """Decode the items of an RLP list by their kinds.

    Raises:
        RLPDecodeError: wrong item count or a malformed field.
    """
    return decode_with(items, field_decoders(kinds), what)


def decode_with(items: list[RLPItem], decoders: FieldDecoders, what: str) -> list[Any]:
    """Decode the items of an RLP list with ``field_decoders`` of their kinds.

    Raises:
        RLPDecodeError: wrong item count or a malformed field.
    """
    if len(items) != len(decoders):
        raise RLPDecodeError(f"{what}: expected {len(decoders)} fields, got {len(items)}")
    return [decode(item, what) for item, decode in zip(items, decoders, strict=True)]


def encode_value(value: Any, kind: Kind) -> RLPEncodable:
    """Turn one decoded field value back into its RLP-encodable form."""
    if kind is Kind.TO:
        return b"" if value is None else value
    if kind is Kind.BOOL:
        return 1 if value else 0
    if kind is Kind.ACCESS_LIST:
        return [[entry.address, list(entry.storage_keys)] for entry in value]
    if kind is Kind.HASH_LIST:
        return list(value)
    if kind is Kind.AUTH_LIST:
        return [
            [auth.chain_id, auth.address, auth.nonce, auth.y_parity, auth.r, auth.s]
            for auth in value
        ]
    return value  # type: ignore[no-any-return]
