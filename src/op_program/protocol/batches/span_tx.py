"""One span-batch transaction: its ``tx_datas`` entry and the full EIP-2718 transaction.

Spec: https://specs.optimism.io/protocol/delta/span-batches.html#span-batch-format (legacy,
EIP-2930, EIP-1559 ``tx_datas``) and
https://specs.optimism.io/protocol/isthmus/derivation.html#span-batch-updates (EIP-7702, type 4).
A ``tx_datas`` entry keeps the fields a span batch does not split into columns:
legacy ``rlp([value, gas_price, data])``, ``0x01 ++ rlp([value, gas_price, data, access_list])``,
``0x02 ++ rlp([value, max_priority_fee, max_fee, data, access_list])``,
``0x04 ++ rlp([value, max_priority_fee, max_fee, data, access_list, authorization_list])``.
Integer fields are unbounded like op-node's ``*big.Int``; whether a fork accepts type 4 is a
batch-validity question for the derivation stages.
"""

from dataclasses import dataclass
from typing import Final

from op_program.encoding.errors import RLPDecodeError
from op_program.encoding.rlp import (
    RLPItem,
    as_fixed,
    as_list,
    as_uint,
    encode_bytes_item,
    encode_list_payload,
    iter_rlp_items,
    rlp_decode,
    rlp_encode,
    rlp_fields,
    rlp_header,
)
from op_program.errors import DecodeError
from op_program.protocol.batches.errors import SpanBatchDeriveError

LEGACY_TX_TYPE: Final = 0
ACCESS_LIST_TX_TYPE: Final = 1
DYNAMIC_FEE_TX_TYPE: Final = 2
SET_CODE_TX_TYPE: Final = 4
SUPPORTED_TX_TYPES = (LEGACY_TX_TYPE, ACCESS_LIST_TX_TYPE, DYNAMIC_FEE_TX_TYPE, SET_CODE_TX_TYPE)

_BIG: Final = 1 << 16  # bits: op-node decodes these as unbounded big.Int
_FIELD_COUNT = {
    LEGACY_TX_TYPE: 3,
    ACCESS_LIST_TX_TYPE: 4,
    DYNAMIC_FEE_TX_TYPE: 5,
    SET_CODE_TX_TYPE: 6,
}
_FULL_FIELD_COUNT = {
    LEGACY_TX_TYPE: 9,
    ACCESS_LIST_TX_TYPE: 11,
    DYNAMIC_FEE_TX_TYPE: 12,
    SET_CODE_TX_TYPE: 13,
}


@dataclass(frozen=True, slots=True)
class SpanTxSignature:
    """The columnar parts of one span-batch transaction."""

    nonce: int
    gas: int
    to: bytes | None
    y_parity: int
    r: int
    s: int
    protected: bool


Header = tuple[bool, int, int]


def _items(body: bytes, header: Header, what: str, count: int | None = None) -> list[Header]:
    """The item headers of the list ``header``; with ``count``, exactly that many."""
    is_list, start, stop = header
    if not is_list:
        raise RLPDecodeError(f"{what}: expected an RLP list, got a byte string")
    out: list[Header] = []
    for item in iter_rlp_items(body, start, stop):
        if count is not None and len(out) == count:
            raise RLPDecodeError(f"{what}: expected {count} items, got more")
        out.append(item)
    if count is not None and len(out) != count:
        raise RLPDecodeError(f"{what}: expected {count} items, got {len(out)}")
    return out


def _string(body: bytes, header: Header, what: str) -> bytes:
    is_list, start, stop = header
    if is_list:
        raise RLPDecodeError(f"{what}: expected a byte string, got a list")
    return body[start:stop]


def _check_access_list(body: bytes, header: Header) -> None:
    # Streamed over headers, entry by entry, before anything is built (issue 11: a hostile
    # access list of millions of empty lists stops at its first entry).
    is_list, start, stop = header
    if not is_list:
        raise RLPDecodeError("access list: expected an RLP list, got a byte string")
    for entry in iter_rlp_items(body, start, stop):
        address, keys = _items(body, entry, "access list entry", 2)
        as_fixed(_string(body, address, "access list address"), 20, "access list address")
        is_keys_list, keys_start, keys_stop = keys
        if not is_keys_list:
            raise RLPDecodeError("storage keys: expected an RLP list, got a byte string")
        for key in iter_rlp_items(body, keys_start, keys_stop):
            as_fixed(_string(body, key, "storage key"), 32, "storage key")


def _check_authorizations(body: bytes, header: Header) -> None:
    is_list, start, stop = header
    if not is_list:
        raise RLPDecodeError("authorization list: expected an RLP list, got a byte string")
    for auth in iter_rlp_items(body, start, stop):
        fields = [_string(body, f, "authorization field")
                  for f in _items(body, auth, "authorization", 6)]
        as_uint(fields[0], "authorization chain id")
        as_fixed(fields[1], 20, "authorization address")
        as_uint(fields[2], "authorization nonce", 64)
        as_uint(fields[3], "authorization y parity", 8)
        as_uint(fields[4], "authorization r")
        as_uint(fields[5], "authorization s")


def tx_data_fields(tx_data: bytes) -> tuple[int, list[bytes]]:
    """Check a ``tx_datas`` entry; return its type and each field's exact RLP encoding.

    Checked on item headers only, so hostile nesting costs no more than reading it, and the
    fields stay encoded: canonical RLP re-encodes to the same bytes, so the full transaction is
    spliced from them without decoding and re-encoding (issue 11: ~1M txs per channel).

    Raises:
        SpanBatchDeriveError: unknown type or malformed fields.
    """
    if not tx_data:
        raise SpanBatchDeriveError("empty span batch tx data")
    tx_type = LEGACY_TX_TYPE if tx_data[0] > 0x7F else tx_data[0]
    body = tx_data if tx_type == LEGACY_TX_TYPE else tx_data[1:]
    if tx_type not in _FIELD_COUNT:
        raise SpanBatchDeriveError(f"transaction type not supported: {tx_type}")
    if not body:
        raise SpanBatchDeriveError("typed transaction too short")
    try:
        headers = rlp_fields(body, _FIELD_COUNT[tx_type], "span batch tx data")
        data_index = 2 if tx_type in (LEGACY_TX_TYPE, ACCESS_LIST_TX_TYPE) else 3
        for index in range(data_index + 1):
            _string(body, headers[index], "span batch tx field")
        as_uint(_string(body, headers[0], "value"), "value", _BIG)
        as_uint(_string(body, headers[1], "gas price"), "gas price", _BIG)
        if tx_type in (DYNAMIC_FEE_TX_TYPE, SET_CODE_TX_TYPE):
            as_uint(_string(body, headers[2], "max fee"), "max fee", _BIG)
        if tx_type != LEGACY_TX_TYPE:
            _check_access_list(body, headers[data_index + 1])
        if tx_type == SET_CODE_TX_TYPE:
            _check_authorizations(body, headers[5])
        starts = [rlp_header(body, 0, len(body))[1]] + [h[2] for h in headers[:-1]]
        fields = [body[start : h[2]] for start, h in zip(starts, headers, strict=True)]
    except DecodeError as exc:
        if isinstance(exc, SpanBatchDeriveError):
            raise
        raise SpanBatchDeriveError(f"span batch tx data: {exc}") from exc
    return tx_type, fields


def recover_v(tx_type: int, sig: SpanTxSignature, chain_id: int) -> int:
    """Return the signature ``v`` (EIP-155 for protected legacy txs, the y parity otherwise)."""
    if tx_type == LEGACY_TX_TYPE:
        if sig.protected:
            return (chain_id * 2 + 35 + sig.y_parity) & ((1 << 64) - 1)
        return 27 + sig.y_parity
    return sig.y_parity


def full_transaction(tx_data: bytes, sig: SpanTxSignature, chain_id: int) -> bytes:
    """Rebuild the EIP-2718 transaction from its ``tx_datas`` entry and columnar fields.

    Raises:
        SpanBatchDeriveError: malformed tx data, or a contract creation by a type-4 tx.
    """
    tx_type, fields = tx_data_fields(tx_data)
    to = encode_bytes_item(b"" if sig.to is None else sig.to)
    v = recover_v(tx_type, sig, chain_id)
    nonce, gas = rlp_encode(sig.nonce), rlp_encode(sig.gas)
    tail = rlp_encode(v) + rlp_encode(sig.r) + rlp_encode(sig.s)
    if tx_type == LEGACY_TX_TYPE:
        value, gas_price, data = fields
        return encode_list_payload(b"".join((nonce, gas_price, gas, to, value, data, tail)))
    head = rlp_encode(chain_id) + nonce
    if tx_type == ACCESS_LIST_TX_TYPE:
        value, gas_price, data, access_list = fields
        parts = [head, gas_price, gas, to, value, data, access_list]
    else:
        value, tip, fee_cap, data, access_list = fields[:5]
        parts = [head, tip, fee_cap, gas, to, value, data, access_list]
        if tx_type == SET_CODE_TX_TYPE:
            if sig.to is None:
                raise SpanBatchDeriveError("set code transaction cannot create a contract")
            parts.append(fields[5])
    return bytes([tx_type]) + encode_list_payload(b"".join([*parts, tail]))


def _typed_fields(raw_tx: bytes) -> tuple[int, list[RLPItem]]:
    tx_type = LEGACY_TX_TYPE if raw_tx[0] > 0x7F else raw_tx[0]
    counts = _FULL_FIELD_COUNT
    if tx_type not in counts:
        raise SpanBatchDeriveError(f"transaction type not supported in span batches: {tx_type}")
    body = raw_tx if tx_type == LEGACY_TX_TYPE else raw_tx[1:]
    return tx_type, as_list(rlp_decode(body), "transaction", counts[tx_type])


def split_transaction(raw_tx: bytes, chain_id: int) -> tuple[bytes, SpanTxSignature]:
    """Split an EIP-2718 transaction into its ``tx_datas`` entry and columnar fields.

    Raises:
        SpanBatchDeriveError: a type span batches cannot carry, malformed RLP, or a chain id
            other than ``chain_id``.
    """
    if not raw_tx:
        raise SpanBatchDeriveError("empty transaction")
    try:
        tx_type, f = _typed_fields(raw_tx)
        if tx_type == LEGACY_TX_TYPE:
            nonce, gas_price, gas, to, value, data, v_item, r, s = f
            v = as_uint(v_item, "v", _BIG)
            protected = v not in (27, 28)
            y_parity = (v - 35) % 2 if protected else v - 27
            if protected and (v < 35 or (v - 35) // 2 != chain_id):
                raise SpanBatchDeriveError("protected tx has chain ID mismatch")
            tx_data = rlp_encode([value, gas_price, data])
        else:
            if as_uint(f[0], "chain id", _BIG) != chain_id:
                raise SpanBatchDeriveError("typed tx has chain ID mismatch")
            protected = True
            y_parity = as_uint(f[-3], "y parity", 8)
            r, s = f[-2], f[-1]
            if tx_type == ACCESS_LIST_TX_TYPE:
                _, nonce, gas_price, gas, to, value, data, access_list = f[:8]
                tx_data = bytes([tx_type]) + rlp_encode([value, gas_price, data, access_list])
            else:
                _, nonce, tip, fee_cap, gas, to, value, data, access_list = f[:9]
                rest = [value, tip, fee_cap, data, access_list] + f[9:10] * (tx_type == 4)
                tx_data = bytes([tx_type]) + rlp_encode(rest)
        sig = SpanTxSignature(
            nonce=as_uint(nonce, "nonce", 64),
            gas=as_uint(gas, "gas", 64),
            to=None if to == b"" else as_fixed(to, 20, "to"),
            y_parity=y_parity,
            r=as_uint(r, "r"),
            s=as_uint(s, "s"),
            protected=protected,
        )
    except DecodeError as exc:
        if isinstance(exc, SpanBatchDeriveError):
            raise
        raise SpanBatchDeriveError(f"transaction: {exc}") from exc
    if y_parity > 1:
        raise SpanBatchDeriveError("invalid y parity")
    return tx_data, sig
