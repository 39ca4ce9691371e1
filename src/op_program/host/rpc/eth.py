"""Blocks from an execution node: headers, transactions and receipts, each checked by hash.

Spec: fault-proof/index.md, "Hinting" (``l1-block-header``, ``l1-transactions``,
``l1-receipts`` and their L2 twins). Headers must hash to the requested block hash;
transactions must hash to the block's transaction hashes and rebuild its transactions root;
receipts must rebuild its receipts root. Receipt methods follow ``--l1.rpckind`` like the
reference's receipts fetcher: block-wide methods first, per-transaction receipts last.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from op_program.encoding.errors import HexDecodeError
from op_program.encoding.hashing import keccak256
from op_program.encoding.hex import bytes_to_hex, hex_to_bytes
from op_program.errors import DecodeError
from op_program.host.config import RPCKind
from op_program.host.errors import FetchedDataError, RPCError, RPCResponseError
from op_program.host.rpc.jsonrpc import JsonRpcClient
from op_program.host.rpc.receipt_json import receipt_from_json
from op_program.host.rpc.retry import RetryPolicy, is_retryable
from op_program.mpt.errors import TrieDecodeError
from op_program.mpt.ordered import ordered_trie_root_and_nodes
from op_program.protocol.header import Header
from op_program.protocol.receipts import Receipt

ETH_GET_BLOCK_RECEIPTS = "eth_getBlockReceipts"
DEBUG_GET_RAW_RECEIPTS = "debug_getRawReceipts"
PARITY_GET_BLOCK_RECEIPTS = "parity_getBlockReceipts"
ERIGON_GET_BLOCK_RECEIPTS = "erigon_getBlockReceiptsByBlockHash"
ALCHEMY_GET_TRANSACTION_RECEIPTS = "alchemy_getTransactionReceipts"
PER_TRANSACTION = "eth_getTransactionReceipt"

RECEIPT_METHODS: dict[RPCKind, tuple[str, ...]] = {
    RPCKind.ALCHEMY: (ALCHEMY_GET_TRANSACTION_RECEIPTS, ETH_GET_BLOCK_RECEIPTS),
    RPCKind.QUICKNODE: (DEBUG_GET_RAW_RECEIPTS, ETH_GET_BLOCK_RECEIPTS),
    RPCKind.INFURA: (),
    RPCKind.PARITY: (PARITY_GET_BLOCK_RECEIPTS,),
    RPCKind.NETHERMIND: (PARITY_GET_BLOCK_RECEIPTS,),
    RPCKind.DEBUG_GETH: (DEBUG_GET_RAW_RECEIPTS,),
    RPCKind.ERIGON: (ERIGON_GET_BLOCK_RECEIPTS,),
    RPCKind.BASIC: (),
    RPCKind.ANY: (ALCHEMY_GET_TRANSACTION_RECEIPTS, DEBUG_GET_RAW_RECEIPTS,
                  ERIGON_GET_BLOCK_RECEIPTS, ETH_GET_BLOCK_RECEIPTS, PARITY_GET_BLOCK_RECEIPTS),
    RPCKind.STANDARD: (ETH_GET_BLOCK_RECEIPTS,),
}
"""Block-wide receipt methods to try per provider kind, in order; per-tx fetching ends each."""


@dataclass(frozen=True, slots=True)
class BlockData:
    """A verified header with the raw list a trie of the block commits to, and its nodes."""

    header: Header
    values: tuple[bytes, ...]
    trie_nodes: tuple[bytes, ...]


class EthSource:
    """Fetches and verifies blocks from one execution node (L1 or L2)."""

    __slots__ = ("_retry", "kind", "rpc")

    def __init__(self, rpc: JsonRpcClient, retry: RetryPolicy,
                 kind: RPCKind = RPCKind.STANDARD) -> None:
        self.rpc = rpc
        self._retry = retry
        self.kind = kind

    def _block(self, block_hash: bytes) -> tuple[Header, Mapping[str, Any]]:
        block = self.rpc.call("eth_getBlockByHash", bytes_to_hex(block_hash), False)
        if not isinstance(block, Mapping):
            raise RPCError(f"block 0x{block_hash.hex()} not found")
        try:
            header = Header.from_rpc(block)
        except DecodeError as exc:
            raise RPCResponseError(f"malformed block 0x{block_hash.hex()}: {exc}") from exc
        if header.hash != block_hash:
            raise FetchedDataError(
                f"node returned block 0x{header.hash.hex()} for 0x{block_hash.hex()}")
        return header, block

    def header(self, block_hash: bytes) -> Header:
        """Return the verified header of ``block_hash``."""
        return self._retry.run(f"header 0x{block_hash.hex()}",
                               lambda: self._block(block_hash)[0])

    def transactions(self, block_hash: bytes) -> BlockData:
        """Return the header and raw transactions of ``block_hash``, checked against it."""
        return self._retry.run(f"transactions 0x{block_hash.hex()}",
                               lambda: self._transactions(block_hash))

    def _transactions(self, block_hash: bytes) -> BlockData:
        header, block = self._block(block_hash)
        raws = []
        tx_hashes = _tx_hashes(block)
        replies = self.rpc.batch("eth_getRawTransactionByHash",
                                 [[bytes_to_hex(h)] for h in tx_hashes])
        for tx_hash, reply in zip(tx_hashes, replies, strict=True):
            raw = _hex_result(reply, "raw transaction")
            if keccak256(raw) != tx_hash:
                raise FetchedDataError(f"raw transaction does not hash to 0x{tx_hash.hex()}")
            raws.append(raw)
        nodes = _trie_nodes(raws, header.transactions_root, f"transactions of 0x{block_hash.hex()}")
        return BlockData(header, tuple(raws), nodes)

    def receipts(self, block_hash: bytes) -> BlockData:
        """Return the header and trie-encoded receipts of ``block_hash``, checked against it."""
        return self._retry.run(f"receipts 0x{block_hash.hex()}",
                               lambda: self._receipts(block_hash))

    def _receipts(self, block_hash: bytes) -> BlockData:
        header, block = self._block(block_hash)
        tx_hashes = _tx_hashes(block)
        encoded = self._fetch_receipts(block_hash, tx_hashes)
        nodes = _trie_nodes(encoded, header.receipts_root, f"receipts of 0x{block_hash.hex()}")
        return BlockData(header, tuple(encoded), nodes)

    def _fetch_receipts(self, block_hash: bytes, tx_hashes: list[bytes]) -> list[bytes]:
        if not tx_hashes:
            return []
        hash_hex = bytes_to_hex(block_hash)
        fetchers: dict[str, Callable[[], list[bytes]]] = {
            ETH_GET_BLOCK_RECEIPTS: lambda: _json_list(self.rpc.call(
                ETH_GET_BLOCK_RECEIPTS, hash_hex)),
            PARITY_GET_BLOCK_RECEIPTS: lambda: _json_list(self.rpc.call(
                PARITY_GET_BLOCK_RECEIPTS, hash_hex)),
            ERIGON_GET_BLOCK_RECEIPTS: lambda: _json_list(self.rpc.call(
                ERIGON_GET_BLOCK_RECEIPTS, hash_hex)),
            ALCHEMY_GET_TRANSACTION_RECEIPTS: lambda: _json_list(_unwrap(self.rpc.call(
                ALCHEMY_GET_TRANSACTION_RECEIPTS, {"blockHash": hash_hex}))),
            DEBUG_GET_RAW_RECEIPTS: lambda: _raw_list(self.rpc.call(
                DEBUG_GET_RAW_RECEIPTS, hash_hex)),
        }
        for method in RECEIPT_METHODS[self.kind]:
            try:
                receipts = fetchers[method]()
            except RPCResponseError as exc:
                if is_retryable(exc):
                    raise
                continue  # method not offered by this node: try the next one
            if len(receipts) != len(tx_hashes):
                raise FetchedDataError(f"{method} returned {len(receipts)} receipts for "
                                       f"{len(tx_hashes)} transactions")
            return receipts
        replies = self.rpc.batch(PER_TRANSACTION, [[bytes_to_hex(h)] for h in tx_hashes])
        return [_trie_form(receipt_from_json(r)) for r in replies]


def _trie_nodes(values: list[bytes], root: bytes, what: str) -> tuple[bytes, ...]:
    """The hashed nodes of the ordered trie of ``values``, which must have root ``root``."""
    try:
        built, nodes = ordered_trie_root_and_nodes(values)
    except TrieDecodeError as exc:  # an empty value: no block's trie can hold it
        raise FetchedDataError(f"{what}: {exc}") from exc
    if built != root:
        raise FetchedDataError(f"{what} do not match its root")
    return tuple(nodes)


def _tx_hashes(block: Mapping[str, Any]) -> list[bytes]:
    try:
        return [hex_to_bytes(h, 32) for h in block["transactions"]]
    except (KeyError, TypeError, HexDecodeError) as exc:
        raise RPCResponseError(f"malformed transaction list: {exc!r}") from exc


def _hex_result(value: Any, what: str) -> bytes:
    if value is None:
        raise RPCError(f"{what} not found")
    try:
        return hex_to_bytes(value)
    except HexDecodeError as exc:
        raise RPCResponseError(f"malformed {what}: {exc}") from exc


def _unwrap(value: Any) -> Any:
    return value.get("receipts") if isinstance(value, Mapping) else value


def _trie_form(receipt: Receipt) -> bytes:
    return receipt.encode_for_trie()


def _json_list(value: Any) -> list[bytes]:
    if not isinstance(value, list):
        raise RPCError("receipts not found")
    return [_trie_form(receipt_from_json(item)) for item in value]


def _raw_list(value: Any) -> list[bytes]:
    if not isinstance(value, list):
        raise RPCError("raw receipts not found")
    try:
        return [Receipt.decode(_hex_result(item, "raw receipt")).encode_for_trie()
                for item in value]
    except DecodeError as exc:
        raise RPCResponseError(f"malformed raw receipt: {exc}") from exc
