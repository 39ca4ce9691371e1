"""The ``txs`` section of a span batch: transactions split into columns (delta/span-batches.md).

``txs = contract_creation_bits ++ y_parity_bits ++ tx_sigs ++ tx_tos ++ tx_datas ++ tx_nonces
++ tx_gases ++ protected_bits``. Spec:
https://specs.optimism.io/protocol/delta/span-batches.html#span-batch-format
Decoding follows op-node's ``spanBatchTxs.decode``: ``tx_datas`` entries are read as a type byte
(0x00-0x7f) and/or one RLP list; their fields are only checked when the batch is derived.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from op_program.protocol.batches.bits import ByteCursor, bit_flags, bits_from_flags, encode_bits
from op_program.protocol.batches.bits import encode_uvarint as uvarint
from op_program.protocol.batches.errors import BatchDecodeError, SpanBatchTooBigError
from op_program.protocol.batches.rlp_stream import RLPItemTooLargeError, item_bounds
from op_program.protocol.batches.span_tx import (
    LEGACY_TX_TYPE,
    SpanTxSignature,
    full_transaction,
    split_transaction,
)

MAX_SPAN_BATCH_ELEMENT_COUNT: Final = 10_000_000


def read_tx_data(cursor: ByteCursor) -> tuple[bytes, int]:
    """Read one ``tx_datas`` entry (op-node ``ReadTxData``); return it and its type byte."""
    start = cursor.pos
    if start >= len(cursor.data):
        raise BatchDecodeError("failed to read tx initial byte")
    tx_type = cursor.data[start] if cursor.data[start] <= 0x7F else LEGACY_TX_TYPE
    body = start + 1 if cursor.data[start] <= 0x7F else start
    try:
        bounds = item_bounds(cursor.data, body, MAX_SPAN_BATCH_ELEMENT_COUNT)
    except RLPItemTooLargeError as exc:
        raise SpanBatchTooBigError(str(exc)) from exc
    if not bounds.is_list:
        raise BatchDecodeError("tx RLP prefix type must be list")
    cursor.pos = bounds.end
    return cursor.data[start : bounds.end], tx_type


@dataclass(frozen=True, slots=True)
class SpanBatchTxs:
    """The transactions of a span batch in their columnar form."""

    contract_creation_bits: int
    y_parity_bits: int
    tx_sigs: tuple[tuple[int, int], ...]
    tx_tos: tuple[bytes, ...]
    tx_datas: tuple[bytes, ...]
    tx_nonces: tuple[int, ...]
    tx_gases: tuple[int, ...]
    protected_bits: int
    tx_types: tuple[int, ...]

    @property
    def total(self) -> int:
        """Number of transactions."""
        return len(self.tx_datas)

    @classmethod
    def decode(cls, cursor: ByteCursor, total: int) -> "SpanBatchTxs":
        """Decode ``total`` transactions' columns from ``cursor``."""
        if total > MAX_SPAN_BATCH_ELEMENT_COUNT:
            raise SpanBatchTooBigError("too many transactions in span batch")
        creation_bits = cursor.read_bits(total, "contract creation bits")
        y_parity_bits = cursor.read_bits(total, "y parity bits")
        sigs = []
        for _ in range(total):
            raw = cursor.read(64, "tx sig")
            sigs.append((int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")))
        to_count = total - creation_bits.bit_count()
        tos = tuple(cursor.read(20, "tx to address") for _ in range(to_count))
        datas: list[bytes] = []
        types: list[int] = []
        for _ in range(total):
            data, tx_type = read_tx_data(cursor)
            datas.append(data)
            types.append(tx_type)
        nonces = tuple(cursor.read_uvarint("tx nonce") for _ in range(total))
        gases = tuple(cursor.read_uvarint("tx gas") for _ in range(total))
        legacy = types.count(LEGACY_TX_TYPE)
        protected_bits = cursor.read_bits(legacy, "protected bits")
        return cls(
            creation_bits, y_parity_bits, tuple(sigs), tos, tuple(datas), nonces, gases,
            protected_bits, tuple(types),
        )

    def encode(self) -> bytes:
        """Return the encoded ``txs`` section."""
        total = self.total
        legacy = self.tx_types.count(LEGACY_TX_TYPE)
        parts = [
            encode_bits(self.contract_creation_bits, total),
            encode_bits(self.y_parity_bits, total),
            b"".join(r.to_bytes(32, "big") + s.to_bytes(32, "big") for r, s in self.tx_sigs),
            b"".join(self.tx_tos),
            b"".join(self.tx_datas),
            b"".join(uvarint(n) for n in self.tx_nonces),
            b"".join(uvarint(g) for g in self.tx_gases),
            encode_bits(self.protected_bits, legacy),
        ]
        return b"".join(parts)

    def signatures(self) -> list[SpanTxSignature]:
        """Return each transaction's columnar fields (``to`` resolved from creation bits).

        The bit fields are unpacked once (``bit_flags``), not shifted per transaction, which was
        quadratic: 47-77 s for a 1M-transaction span batch (issue 11).
        """
        out = []
        to_index = 0
        legacy_index = 0
        creations = bit_flags(self.contract_creation_bits, self.total)
        parities = bit_flags(self.y_parity_bits, self.total)
        protections = bit_flags(self.protected_bits, self.tx_types.count(LEGACY_TX_TYPE))
        for index in range(self.total):
            to = None
            if not creations[index]:
                to = self.tx_tos[to_index]
                to_index += 1
            protected = False
            if self.tx_types[index] == LEGACY_TX_TYPE:
                protected = bool(protections[legacy_index])
                legacy_index += 1
            r, s = self.tx_sigs[index]
            out.append(
                SpanTxSignature(
                    self.tx_nonces[index], self.tx_gases[index], to, parities[index], r, s,
                    protected,
                )
            )
        return out

    def full_transactions(self, chain_id: int) -> list[bytes]:
        """Rebuild every transaction as EIP-2718 bytes for chain ``chain_id``.

        Raises:
            SpanBatchDeriveError: an unsupported type or malformed ``tx_datas`` entry.
        """
        return [
            full_transaction(data, sig, chain_id)
            for data, sig in zip(self.tx_datas, self.signatures(), strict=True)
        ]

    @classmethod
    def from_transactions(cls, txs: Sequence[bytes], chain_id: int) -> "SpanBatchTxs":
        """Split EIP-2718 transactions into columns (the batcher's direction)."""
        split = [split_transaction(tx, chain_id) for tx in txs]
        types = tuple(
            LEGACY_TX_TYPE if data[0] > 0x7F else data[0] for data, _ in split
        )
        legacy_flags = [sig.protected for (_, sig), t in zip(split, types, strict=True) if t == 0]
        return cls(
            contract_creation_bits=bits_from_flags([sig.to is None for _, sig in split]),
            y_parity_bits=bits_from_flags([sig.y_parity == 1 for _, sig in split]),
            tx_sigs=tuple((sig.r, sig.s) for _, sig in split),
            tx_tos=tuple(sig.to for _, sig in split if sig.to is not None),
            tx_datas=tuple(data for data, _ in split),
            tx_nonces=tuple(sig.nonce for _, sig in split),
            tx_gases=tuple(sig.gas for _, sig in split),
            protected_bits=bits_from_flags(legacy_flags),
            tx_types=types,
        )
