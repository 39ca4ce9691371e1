"""Oracle-backed L1 chain: headers by hash, transactions and receipts via tries, blocks by number.

Spec: fault-proof/index.md, hints ``l1-block-header``, ``l1-transactions``, ``l1-receipts``.
The L1 head (boot input 1) authenticates all prior L1 history: blocks by number are found by
walking parent hashes back from the head, and nothing above the head is ever visible.
"""

from collections.abc import Callable

from op_program.client.errors import L1RangeError, PreimageFormatError
from op_program.client.oracle import ClientOracle
from op_program.errors import DecodeError
from op_program.hints import HintType
from op_program.mpt.ordered import ordered_trie_values
from op_program.protocol.header import Header

HASH_CACHE_LIMIT = 1 << 16
"""Bound on the headers kept by hash (walking back from the head fills it)."""

BODY_CACHE_LIMIT = 64
"""Bound on the decoded transaction and receipt lists kept per block."""


class OracleL1Source:
    """The L1 chain as the client sees it: everything up to and including the L1 head."""

    __slots__ = (
        "_bodies",
        "_earliest",
        "_hash_by_number",
        "_headers",
        "_oracle",
        "bodies_read",
        "head",
        "headers_read",
    )

    def __init__(self, oracle: ClientOracle, l1_head: bytes) -> None:
        self._oracle = oracle
        self._headers: dict[bytes, Header] = {}
        self._bodies: dict[tuple[str, bytes], list[bytes]] = {}
        self.headers_read = 0
        self.bodies_read = 0
        self.head = self.header_by_hash(l1_head)
        self._hash_by_number: dict[int, bytes] = {self.head.number: l1_head}
        self._earliest = self.head

    def header_by_hash(self, block_hash: bytes) -> Header:
        """Return the header with ``block_hash`` (hint ``l1-block-header``)."""
        header = self._headers.get(block_hash)
        if header is not None:
            return header
        raw = self._oracle.keccak(block_hash, HintType.L1_BLOCK_HEADER, block_hash)
        header = _decode_header(raw, block_hash)
        self.headers_read += 1
        if len(self._headers) >= HASH_CACHE_LIMIT:
            self._headers.pop(next(iter(self._headers)))
        self._headers[block_hash] = header
        return header

    def header_by_number(self, number: int) -> Header:
        """Return the canonical header at ``number`` (at most the L1 head).

        Raises:
            L1RangeError: ``number`` is above the L1 head or negative.
        """
        if number > self.head.number or number < 0:
            raise L1RangeError(
                f"L1 block {number} is not at or below the L1 head {self.head.number}"
            )
        known = self._hash_by_number.get(number)
        if known is not None:
            return self.header_by_hash(known)
        block = self._earliest
        while block.number > number:
            block = self.header_by_hash(block.parent_hash)
            self._hash_by_number[block.number] = block.hash
            self._earliest = block
        return block

    def transactions_by_hash(self, block_hash: bytes) -> tuple[Header, list[bytes]]:
        """Return the header and raw (EIP-2718) transactions of a block (``l1-transactions``)."""
        header = self.header_by_hash(block_hash)
        return header, self._body(HintType.L1_TRANSACTIONS, header, header.transactions_root)

    def receipts_by_hash(self, block_hash: bytes) -> tuple[Header, list[bytes]]:
        """Return the header and raw (EIP-2718) receipts of a block (``l1-receipts``)."""
        header = self.header_by_hash(block_hash)
        return header, self._body(HintType.L1_RECEIPTS, header, header.receipts_root)

    def _body(self, hint: HintType, header: Header, root: bytes) -> list[bytes]:
        # Like the reference caching oracle: a cached list costs neither a hint nor a request.
        cache_key = (hint.value, header.hash)
        values = self._bodies.get(cache_key)
        if values is not None:
            return values
        self._oracle.hint(hint, header.hash)
        self.bodies_read += 1
        try:
            values = ordered_trie_values(root, self._node_getter())
        except DecodeError as exc:
            raise PreimageFormatError(f"invalid {hint.value} trie 0x{root.hex()}: {exc}") from exc
        if len(self._bodies) >= BODY_CACHE_LIMIT:
            self._bodies.pop(next(iter(self._bodies)))
        self._bodies[cache_key] = values
        return values

    def _node_getter(self) -> Callable[[bytes], bytes]:
        oracle = self._oracle
        return lambda node_hash: oracle.keccak(node_hash)


def _decode_header(raw: bytes, block_hash: bytes) -> Header:
    try:
        return Header.decode(raw)
    except DecodeError as exc:
        raise PreimageFormatError(f"invalid header 0x{block_hash.hex()}: {exc}") from exc
