"""In-process L1 chain: blocks with real headers, transaction and receipt tries, and blobs.

Spec: Ethereum yellow paper §4.3 (header, transactions and receipts roots), EIP-1559, EIP-4844
(blob gas fields), EIP-4788 (parent beacon root), EIP-7685 (requests hash, Prague). The devnet
L1 does not execute transactions: each one comes with its receipt (status, gas, logs), which is
all derivation reads. Its state root is a stand-in, since nothing reads L1 state.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from op_program.devnet.errors import DevnetError
from op_program.devnet.preimages import PreimageStore
from op_program.encoding.hashing import keccak256, sha256
from op_program.mpt.lookup import EMPTY_ROOT
from op_program.mpt.ordered import ordered_trie_root_and_nodes
from op_program.protocol.header import EMPTY_OMMERS_HASH, Header
from op_program.protocol.receipts import Log, Receipt, logs_bloom

L1_GAS_LIMIT = 36_000_000
L1_BASE_FEE = 1_000_000_000
GAS_PER_BLOB = 1 << 17
EMPTY_REQUESTS_HASH = sha256(b"")


@dataclass(frozen=True, slots=True)
class L1Tx:
    """An L1 transaction with the outcome the devnet decides for it (no execution)."""

    raw: bytes
    logs: tuple[Log, ...] = ()
    status: int = 1
    gas_used: int = 21_000
    blobs: tuple[tuple[bytes, bytes], ...] = ()
    """(KZG commitment, blob) pairs of a type-3 transaction, in versioned-hash order."""

    @property
    def tx_type(self) -> int:
        """The EIP-2718 type byte (0 for legacy)."""
        return self.raw[0] if self.raw[0] < 0x7F else 0


@dataclass(frozen=True, slots=True)
class L1Block:
    """An L1 block: header, transactions and their receipts."""

    header: Header
    txs: tuple[L1Tx, ...]
    receipts: tuple[Receipt, ...]
    tx_nodes: tuple[bytes, ...] = field(repr=False, default=())
    receipt_nodes: tuple[bytes, ...] = field(repr=False, default=())

    @property
    def hash(self) -> bytes:
        """The block hash."""
        return self.header.hash

    @property
    def number(self) -> int:
        """The block number."""
        return self.header.number


def _receipts(txs: Sequence[L1Tx]) -> list[Receipt]:
    receipts, cumulative = [], 0
    for tx in txs:
        cumulative += tx.gas_used
        receipts.append(
            Receipt(tx.tx_type, tx.status, cumulative, logs_bloom(tx.logs), tx.logs)
        )
    return receipts


class L1Chain:
    """A growing L1 chain; also the ``L1ChainProvider`` the sequencer's attributes need."""

    __slots__ = ("_by_hash", "blocks", "block_time", "chain_id", "nonces", "pending", "prague")

    def __init__(self, chain_id: int, genesis_time: int, block_time: int = 12,
                 prague: bool = True) -> None:  # fmt: skip
        """``prague``: Prague's rules (EIP-7685 requests hash in headers) or Cancun's."""
        self.chain_id = chain_id
        self.prague = prague
        self.block_time = block_time
        self.blocks: list[L1Block] = []
        self._by_hash: dict[bytes, L1Block] = {}
        self.pending: list[L1Tx] = []
        self.nonces: dict[bytes, int] = {}
        self._seal([], genesis_time)

    # -- building --------------------------------------------------------------------------

    def next_nonce(self, address: bytes) -> int:
        """Allocate the next nonce of ``address``."""
        nonce = self.nonces.get(address, 0)
        self.nonces[address] = nonce + 1
        return nonce

    def include(self, tx: L1Tx) -> None:
        """Queue a transaction for the next block."""
        self.pending.append(tx)

    def mine(self) -> L1Block:
        """Seal the pending transactions into the next block (one block time later)."""
        txs, self.pending = self.pending, []
        return self._seal(txs, self.head.timestamp + self.block_time)

    def _seal(self, txs: list[L1Tx], timestamp: int) -> L1Block:
        number = len(self.blocks)
        parent_hash = self.blocks[-1].hash if self.blocks else bytes(32)
        receipts = _receipts(txs)
        tx_root, tx_nodes = ordered_trie_root_and_nodes([tx.raw for tx in txs])
        receipt_root, receipt_nodes = ordered_trie_root_and_nodes([r.encode() for r in receipts])
        blob_count = sum(len(tx.blobs) for tx in txs)
        header = Header(
            parent_hash=parent_hash, ommers_hash=EMPTY_OMMERS_HASH, coinbase=bytes(20),
            state_root=keccak256(b"devnet L1 state %d" % number),
            transactions_root=tx_root, receipts_root=receipt_root,
            logs_bloom=logs_bloom(log for r in receipts for log in r.logs), difficulty=0,
            number=number, gas_limit=L1_GAS_LIMIT,
            gas_used=receipts[-1].cumulative_gas_used if receipts else 0,
            timestamp=timestamp, extra_data=b"op-program devnet",
            mix_hash=keccak256(b"devnet randao %d" % number), nonce=bytes(8),
            base_fee_per_gas=L1_BASE_FEE, withdrawals_root=EMPTY_ROOT,
            blob_gas_used=blob_count * GAS_PER_BLOB, excess_blob_gas=0,
            parent_beacon_block_root=keccak256(b"devnet beacon %d" % number),
            requests_hash=EMPTY_REQUESTS_HASH if self.prague else None,
        )  # fmt: skip
        block = L1Block(header, tuple(txs), tuple(receipts), tuple(tx_nodes),
                        tuple(receipt_nodes))  # fmt: skip
        self.blocks.append(block)
        self._by_hash[block.hash] = block
        return block

    # -- reading (L1ChainProvider) ----------------------------------------------------------

    @property
    def head(self) -> Header:
        """The latest block's header."""
        return self.blocks[-1].header

    def block_by_hash(self, block_hash: bytes) -> L1Block:
        """The block with ``block_hash``.

        Raises:
            DevnetError: no such block.
        """
        block = self._by_hash.get(block_hash)
        if block is None:
            raise DevnetError(f"no L1 block 0x{block_hash.hex()}")
        return block

    def header_by_hash(self, block_hash: bytes) -> Header:
        """The header with ``block_hash``."""
        return self.block_by_hash(block_hash).header

    def header_by_number(self, number: int) -> Header:
        """The header at ``number``."""
        if not 0 <= number < len(self.blocks):
            raise DevnetError(f"no L1 block number {number}")
        return self.blocks[number].header

    def transactions_by_hash(self, block_hash: bytes) -> tuple[Header, list[bytes]]:
        """The header and raw transactions of a block."""
        block = self.block_by_hash(block_hash)
        return block.header, [tx.raw for tx in block.txs]

    def receipts_by_hash(self, block_hash: bytes) -> tuple[Header, list[bytes]]:
        """The header and raw receipts of a block."""
        block = self.block_by_hash(block_hash)
        return block.header, [r.encode() for r in block.receipts]

    # -- preimages ---------------------------------------------------------------------------

    def add_preimages(self, store: PreimageStore, up_to: int | None = None) -> None:
        """Store headers, tx/receipt trie nodes and blobs of blocks ``0..up_to`` (inclusive)."""
        last = len(self.blocks) - 1 if up_to is None else up_to
        for block in self.blocks[: last + 1]:
            store.add_keccak(block.header.encode())
            store.add_keccak_all(block.tx_nodes)
            store.add_keccak_all(block.receipt_nodes)
            for tx in block.txs:
                for commitment, blob in tx.blobs:
                    store.add_blob(commitment, blob)
