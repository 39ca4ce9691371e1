"""Receipts and logs: EIP-2718 receipt envelopes, OP deposit receipts, and the logs bloom.

Spec: Ethereum yellow paper §4.3.1 (receipt, bloom), EIP-658 (status), EIP-2718 (typed receipt
``type ‖ rlp([status, cumulativeGasUsed, logsBloom, logs])``); OP deposit receipts add
``depositNonce`` (Regolith) and ``depositReceiptVersion`` (Canyon), specs/protocol/deposits.md
(deposit receipt) and specs/protocol/canyon/overview.md. Before Canyon the receipts-root
encoding omits the deposit nonce (op-geth ``Receipts.EncodeIndex``): ``encode_for_trie``.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from op_program.encoding.errors import RLPDecodeError
from op_program.encoding.hashing import keccak256
from op_program.encoding.rlp import (
    RLPEncodable,
    RLPItem,
    as_bytes,
    as_fixed,
    as_list,
    as_uint,
    rlp_decode,
    rlp_decode_list,
    rlp_encode,
)
from op_program.protocol.errors import ReceiptDecodeError

DEPOSIT_TX_TYPE: Final = 0x7E
_KNOWN_TYPES = frozenset((0x00, 0x01, 0x02, 0x03, 0x04, DEPOSIT_TX_TYPE))
BLOOM_BYTES: Final = 256


@dataclass(frozen=True, slots=True)
class Log:
    """An EVM log: emitting address, up to four 32-byte topics, and data."""

    address: bytes
    topics: tuple[bytes, ...]
    data: bytes

    def rlp_fields(self) -> list[RLPEncodable]:
        """The RLP-encodable ``[address, topics, data]``."""
        return [self.address, list(self.topics), self.data]


def logs_bloom(logs: Iterable[Log]) -> bytes:
    """The 2048-bit bloom of the addresses and topics of ``logs`` (yellow paper §4.3.1)."""
    bits = 0
    for log in logs:
        for value in (log.address, *log.topics):
            h = keccak256(value)
            bits |= (
                (1 << (((h[0] << 8) | h[1]) & 2047))
                | (1 << (((h[2] << 8) | h[3]) & 2047))
                | (1 << (((h[4] << 8) | h[5]) & 2047))
            )
    return bits.to_bytes(BLOOM_BYTES, "big")


@dataclass(frozen=True, slots=True)
class Receipt:
    """A transaction receipt of any type.

    ``status`` is 1 for success and 0 for failure. Pre-Byzantium receipts carry a 32-byte
    ``post_state`` root instead (then ``status`` is 0 and meaningless). ``deposit_nonce`` and
    ``deposit_receipt_version`` exist only on deposit (0x7E) receipts.
    """

    tx_type: int
    status: int
    cumulative_gas_used: int
    logs_bloom: bytes
    logs: tuple[Log, ...]
    deposit_nonce: int | None = None
    deposit_receipt_version: int | None = None
    post_state: bytes | None = None
    _encoded: bytes | None = field(default=None, init=False, repr=False, compare=False)

    def _fields(self, with_deposit_nonce: bool) -> list[RLPEncodable]:
        first = self.post_state if self.post_state is not None else self.status
        values: list[RLPEncodable] = [
            first, self.cumulative_gas_used, self.logs_bloom,
            [log.rlp_fields() for log in self.logs],
        ]
        if self.deposit_nonce is not None and with_deposit_nonce:
            values.append(self.deposit_nonce)
            if self.deposit_receipt_version is not None:
                values.append(self.deposit_receipt_version)
        return values

    def _envelope(self, values: list[RLPEncodable]) -> bytes:
        body = rlp_encode(values)
        return body if self.tx_type == 0 else bytes((self.tx_type,)) + body

    def encode(self) -> bytes:
        """The EIP-2718 encoding (consensus/storage form, deposit nonce included when set)."""
        cached = self._encoded
        if cached is None:
            cached = self._envelope(self._fields(with_deposit_nonce=True))
            object.__setattr__(self, "_encoded", cached)
        return cached

    def encode_for_trie(self) -> bytes:
        """The encoding hashed into the receipts root.

        op-geth omits the deposit nonce from the root unless ``deposit_receipt_version`` is set
        (that is, before Canyon), even though the stored receipt carries it.
        """
        if self.deposit_nonce is not None and self.deposit_receipt_version is None:
            return self._envelope(self._fields(with_deposit_nonce=False))
        return self.encode()

    @classmethod
    def decode(cls, raw: bytes) -> "Receipt":
        """Decode a receipt from its EIP-2718 encoding, or from the RLP-string-wrapped form.

        Raises:
            ReceiptDecodeError: unknown type, non-canonical RLP or a malformed field.
        """
        try:
            return _decode(raw)
        except RLPDecodeError as exc:
            raise ReceiptDecodeError(f"invalid receipt: {exc}") from exc


def decode_receipt(raw: bytes) -> Receipt:
    """Decode a receipt (see ``Receipt.decode``)."""
    return Receipt.decode(raw)


def _decode_log(item: RLPItem) -> Log:
    address, topics, data = as_list(item, "log", 3)
    return Log(
        as_fixed(address, 20, "log address"),
        tuple(as_fixed(t, 32, "log topic") for t in as_list(topics, "log topics")),
        as_bytes(data, "log data"),
    )


def _decode(raw: bytes) -> Receipt:
    if not raw:
        raise ReceiptDecodeError("empty receipt")
    first = raw[0]
    if 0x80 <= first < 0xC0:
        # Network form (eth/66 receipts, alloy's Decodable): a typed receipt inside an RLP string.
        inner = as_bytes(rlp_decode(raw), "receipt")
        if not inner or inner[0] >= 0x80:
            raise ReceiptDecodeError("wrapped receipt is not a typed receipt")
        return _decode(inner)
    if first >= 0xC0:
        tx_type, items = 0, rlp_decode_list(raw, "receipt")
    elif first in _KNOWN_TYPES and first != 0:
        tx_type, items = first, rlp_decode_list(raw[1:], "receipt")
    else:
        raise ReceiptDecodeError(f"unknown receipt type 0x{first:02x}")
    max_items = 6 if tx_type == DEPOSIT_TX_TYPE else 4
    if not 4 <= len(items) <= max_items:
        raise ReceiptDecodeError(f"receipt has {len(items)} fields")
    status_item = as_bytes(items[0], "receipt status")
    post_state = None
    if len(status_item) == 32:
        post_state, status = status_item, 0
    elif status_item in (b"", b"\x01"):
        status = len(status_item)
    else:
        raise ReceiptDecodeError("receipt status is neither 0, 1 nor a 32-byte root")
    extra = [as_uint(item, "deposit receipt field", 64) for item in items[4:]]
    receipt = Receipt(
        tx_type=tx_type,
        status=status,
        cumulative_gas_used=as_uint(items[1], "cumulative gas used", 64),
        logs_bloom=as_fixed(items[2], BLOOM_BYTES, "logs bloom"),
        logs=tuple(_decode_log(log) for log in as_list(items[3], "logs")),
        deposit_nonce=extra[0] if extra else None,
        deposit_receipt_version=extra[1] if len(extra) > 1 else None,
        post_state=post_state,
    )
    object.__setattr__(receipt, "_encoded", raw)
    return receipt
