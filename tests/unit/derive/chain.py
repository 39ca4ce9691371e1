"""A small in-memory L1/L2 world for pipeline tests: signed batcher txs, receipts, headers."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import coincurve

from op_program.config.rollup import RollupConfig
from op_program.encoding.hashing import keccak256
from op_program.encoding.rlp import rlp_encode
from op_program.protocol.batches import SingularBatch
from op_program.protocol.compression import CompressionAlgo, compress_channel
from op_program.protocol.frames import Frame, encode_frames
from op_program.protocol.header import EMPTY_OMMERS_HASH, Header
from op_program.protocol.l1_info import (
    L1BlockRefInfo,
    build_l1_block_info,
    l1_info_deposit,
    l1_info_fork,
)
from op_program.protocol.receipts import Log, Receipt, logs_bloom
from op_program.protocol.system_config import SystemConfig
from op_program.protocol.transactions import BlobTransaction, LegacyTransaction
from op_program.protocol.transactions.signature import public_key_address

BATCHER_KEY = b"\x11" * 32
OTHER_KEY = b"\x22" * 32


def address_of(key: bytes) -> bytes:
    return public_key_address(coincurve.PrivateKey(key).public_key)


BATCHER = address_of(BATCHER_KEY)


def _sign(tx: Any, key: bytes) -> tuple[int, int, int]:
    sig = coincurve.PrivateKey(key).sign_recoverable(tx.signing_hash(), hasher=None)
    return int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:64], "big"), sig[64]


def legacy_tx(to: bytes, data: bytes, key: bytes = BATCHER_KEY, nonce: int = 0) -> bytes:
    tx = LegacyTransaction(nonce, 1, 100_000, to, 0, data, 27, 1, 1)
    r, s, recid = _sign(tx, key)
    return dataclasses.replace(tx, v=27 + recid, r=r, s=s).encode()


def blob_tx(
    to: bytes, hashes: Sequence[bytes], key: bytes = BATCHER_KEY, data: bytes = b""
) -> bytes:
    tx = BlobTransaction(1, 0, 1, 1, 100_000, to, 0, data, (), 1, tuple(hashes), 0, 1, 1)
    r, s, recid = _sign(tx, key)
    return dataclasses.replace(tx, y_parity=recid, r=r, s=s).encode()


def channel_tx_data(
    channel_id: int, batches: Sequence[SingularBatch], frames: int = 1
) -> list[bytes]:
    """Batcher tx data for one zlib channel of ``batches``, split into ``frames`` frames."""
    payload = b"".join(rlp_encode(b.encode()) for b in batches)
    data = compress_channel(payload, CompressionAlgo.ZLIB)
    size = -(-len(data) // frames)
    cid = bytes([channel_id]) * 16
    chunks = [data[i * size : (i + 1) * size] for i in range(frames)]
    return [
        encode_frames([Frame(cid, n, chunk, n == frames - 1)]) for n, chunk in enumerate(chunks)
    ]


def header(number: int, parent_hash: bytes, timestamp: int, **kw: Any) -> Header:
    fields: dict[str, Any] = dict(
        parent_hash=parent_hash,
        ommers_hash=EMPTY_OMMERS_HASH,
        coinbase=bytes(20),
        state_root=bytes(32),
        transactions_root=bytes(32),
        receipts_root=bytes(32),
        logs_bloom=bytes(256),
        difficulty=0,
        number=number,
        gas_limit=30_000_000,
        gas_used=0,
        timestamp=timestamp,
        extra_data=b"",
        mix_hash=keccak256(b"randao" + bytes([number % 256])),
        nonce=bytes(8),
        base_fee_per_gas=7,
        withdrawals_root=bytes(32),
        blob_gas_used=0,
        excess_blob_gas=0,
        parent_beacon_block_root=keccak256(b"beacon" + bytes([number % 256])),
    )
    fields.update(kw)
    return Header(**fields)


def receipt(logs: Sequence[Log] = (), status: int = 1) -> bytes:
    return Receipt(2, status, 21_000, logs_bloom(logs), tuple(logs)).encode()


class L1Chain:
    """L1 blocks 0..head with transactions and receipts; implements ``L1ChainProvider``."""

    def __init__(self, length: int, block_time: int = 12, genesis_time: int = 1_000_000) -> None:
        self.txs: dict[int, list[bytes]] = {n: [] for n in range(length)}
        self.receipts: dict[int, list[bytes]] = {n: [] for n in range(length)}
        self.block_time = block_time
        self.genesis_time = genesis_time
        self.length = length
        self.seal()

    def seal(self) -> None:
        self.headers: list[Header] = []
        parent = bytes(32)
        for n in range(self.length):
            h = header(n, parent, self.genesis_time + self.block_time * n,
                       transactions_root=keccak256(b"".join(self.txs[n])),
                       receipts_root=keccak256(b"".join(self.receipts[n])))  # fmt: skip
            self.headers.append(h)
            parent = h.hash
        self.by_hash = {h.hash: h for h in self.headers}

    @property
    def head(self) -> Header:
        return self.headers[-1]

    def header_by_hash(self, block_hash: bytes) -> Header:
        return self.by_hash[block_hash]

    def header_by_number(self, number: int) -> Header:
        return self.headers[number]

    def transactions_by_hash(self, block_hash: bytes) -> tuple[Header, Sequence[bytes]]:
        h = self.by_hash[block_hash]
        return h, self.txs[h.number]

    def receipts_by_hash(self, block_hash: bytes) -> tuple[Header, Sequence[bytes]]:
        h = self.by_hash[block_hash]
        return h, self.receipts[h.number]


class NoBlobs:
    def get_blobs(self, l1_timestamp: int, hashes: Sequence[tuple[int, bytes]]) -> list[bytes]:
        raise AssertionError("no blobs expected")


class L2Chain:
    """Safe L2 blocks by number and hash; implements ``L2ChainProvider``."""

    def __init__(self) -> None:
        self.headers: dict[int, Header] = {}
        self.txs: dict[bytes, tuple[bytes, ...]] = {}

    def add(self, h: Header, txs: Sequence[bytes]) -> None:
        self.headers[h.number] = h
        self.txs[h.hash] = tuple(txs)

    def header_by_number(self, number: int) -> Header:
        return self.headers[number]

    def transactions_by_hash(self, block_hash: bytes) -> Sequence[bytes]:
        return self.txs[block_hash]


def l2_block_on(
    rollup: RollupConfig,
    number: int,
    parent_hash: bytes,
    timestamp: int,
    origin: Header,
    seq: int,
    config: SystemConfig,
    user_txs: Sequence[bytes] = (),
    extra_data: bytes = b"",
) -> tuple[Header, list[bytes]]:
    """An L2 block whose first transaction is the L1-info deposit for ``origin``."""
    fork = l1_info_fork(
        rollup.is_ecotone(timestamp) and not rollup.is_ecotone_activation_block(timestamp),
        rollup.is_isthmus(timestamp) and not rollup.is_isthmus_activation_block(timestamp),
        rollup.is_jovian(timestamp) and not rollup.is_jovian_activation_block(timestamp),
    )
    ref = L1BlockRefInfo(origin.number, origin.timestamp, origin.base_fee_per_gas or 0,
                         origin.hash, 1)  # fmt: skip
    info = l1_info_deposit(
        build_l1_block_info(fork, ref, seq, config), rollup.is_regolith(timestamp)
    )
    txs = [info.encode(), *user_txs]
    h = header(number, parent_hash, timestamp, extra_data=extra_data,
               gas_limit=config.gas_limit, transactions_root=keccak256(b"".join(txs)))  # fmt: skip
    return h, txs
