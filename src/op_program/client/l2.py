"""Oracle-backed L2 chain: agreed output, headers, transactions, state nodes, code, built blocks.

Spec: fault-proof/index.md, hints ``l2-output``, ``l2-block-header``, ``l2-transactions``,
``l2-state-node``, ``l2-code``; protocol/proposals.md (output root v0 preimage layout). The
agreed output root authenticates the agreed L2 head and, through parent hashes, all earlier L2
blocks. Blocks built during the run are kept in memory and take precedence; blocks by number are
found by walking parent hashes back from the current head.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from op_program.client.errors import L2BlockError, PreimageFormatError
from op_program.client.oracle import ClientOracle
from op_program.errors import DecodeError
from op_program.hints import HintType
from op_program.mpt.ordered import ordered_trie_values
from op_program.protocol.header import Header
from op_program.protocol.output_root import OutputV0


@dataclass(frozen=True, slots=True)
class L2Block:
    """An L2 block: its header and raw (EIP-2718) transactions."""

    header: Header
    transactions: tuple[bytes, ...]

    @property
    def hash(self) -> bytes:
        """The block hash."""
        return self.header.hash


def fetch_output(oracle: ClientOracle, output_root: bytes) -> OutputV0:
    """Return the preimage of ``output_root`` (hint ``l2-output``)."""
    raw = oracle.keccak(output_root, HintType.L2_OUTPUT, output_root)
    try:
        return OutputV0.decode(raw)
    except DecodeError as exc:
        raise PreimageFormatError(f"invalid output root preimage: {exc}") from exc


CACHE_LIMIT = 1 << 12
"""Bound on the oracle-read L2 headers and transaction lists kept in memory."""


def _bounded_put(cache: dict[bytes, Any], key: bytes, value: Any) -> None:
    if len(cache) >= CACHE_LIMIT:
        cache.pop(next(iter(cache)))
    cache[key] = value


class OracleL2Source:
    """The L2 chain from the agreed head back, plus the blocks built during this run."""

    __slots__ = ("_built", "_hash_by_number", "_headers", "_new_nodes", "_oracle", "_txs", "head")

    def __init__(self, oracle: ClientOracle, head_hash: bytes) -> None:
        self._oracle = oracle
        self._headers: dict[bytes, Header] = {}
        self._txs: dict[bytes, tuple[bytes, ...]] = {}
        self._built: dict[bytes, L2Block] = {}
        self._new_nodes: dict[bytes, bytes] = {}
        self.head = self.header_by_hash(head_hash)
        self._hash_by_number: dict[int, bytes] = {self.head.number: head_hash}

    def output_by_root(self, output_root: bytes) -> OutputV0:
        """Return the preimage of ``output_root`` (hint ``l2-output``)."""
        return fetch_output(self._oracle, output_root)

    def header_by_hash(self, block_hash: bytes) -> Header:
        """Return the L2 header with ``block_hash`` (built blocks first, then the oracle)."""
        built = self._built.get(block_hash)
        if built is not None:
            return built.header
        header = self._headers.get(block_hash)
        if header is None:
            raw = self._oracle.keccak(block_hash, HintType.L2_BLOCK_HEADER, block_hash)
            try:
                header = Header.decode(raw)
            except DecodeError as exc:
                raise PreimageFormatError(f"invalid L2 header 0x{block_hash.hex()}: {exc}") from exc
            _bounded_put(self._headers, block_hash, header)
        return header

    def transactions_by_hash(self, block_hash: bytes) -> tuple[bytes, ...]:
        """Return the raw transactions of the L2 block ``block_hash`` (``l2-transactions``)."""
        built = self._built.get(block_hash)
        if built is not None:
            return built.transactions
        txs = self._txs.get(block_hash)
        if txs is None:
            header = self.header_by_hash(block_hash)
            self._oracle.hint(HintType.L2_TRANSACTIONS, block_hash)
            try:
                txs = tuple(ordered_trie_values(header.transactions_root, self._keccak()))
            except DecodeError as exc:
                raise PreimageFormatError(f"invalid L2 transactions trie: {exc}") from exc
            _bounded_put(self._txs, block_hash, txs)
        return txs

    def block_by_hash(self, block_hash: bytes) -> L2Block:
        """Return the L2 block (header and transactions) with ``block_hash``."""
        built = self._built.get(block_hash)
        if built is not None:
            return built
        return L2Block(self.header_by_hash(block_hash), self.transactions_by_hash(block_hash))

    def header_by_number(self, number: int) -> Header:
        """Return the canonical header at ``number`` (at most the current head).

        Raises:
            L2BlockError: ``number`` is above the current head.
        """
        if number > self.head.number or number < 0:
            raise L2BlockError(f"L2 block {number} is above the L2 head {self.head.number}")
        known = self._hash_by_number.get(number)
        if known is not None:
            return self.header_by_hash(known)
        block = self.header_by_hash(self._hash_by_number[min(self._hash_by_number)])
        while block.number > number:
            block = self.header_by_hash(block.parent_hash)
            self._hash_by_number[block.number] = block.hash
        return block

    def add_block(self, header: Header, transactions: tuple[bytes, ...]) -> None:
        """Make a block built during this run the new head of the chain."""
        if header.parent_hash != self.head.hash:
            raise L2BlockError("built block does not extend the current L2 head")
        block_hash = header.hash
        self._built[block_hash] = L2Block(header, transactions)
        self._hash_by_number[header.number] = block_hash
        self.head = header

    def remember_nodes(self, nodes: Mapping[bytes, bytes]) -> None:
        """Keep trie nodes written by the executor (hash → node) for later blocks."""
        self._new_nodes.update(nodes)

    def node_by_hash(self, node_hash: bytes) -> bytes:
        """Return a state or storage trie node (hint ``l2-state-node`` when not local)."""
        node = self._new_nodes.get(node_hash)
        if node is not None:
            return node
        return self._oracle.keccak(node_hash, HintType.L2_STATE_NODE, node_hash)

    def code_by_hash(self, code_hash: bytes) -> bytes:
        """Return contract code by its keccak256 hash (hint ``l2-code``)."""
        return self._oracle.keccak(code_hash, HintType.L2_CODE, code_hash)

    def _keccak(self) -> Callable[[bytes], bytes]:
        oracle = self._oracle
        return lambda digest: oracle.keccak(digest)
