"""JSON-RPC and beacon API answers over the devnet's data, as the host's sources expect them.

Spec: Ethereum execution APIs (``eth_getBlockByHash``, ``eth_getRawTransactionByHash``,
``eth_getBlockReceipts``, ``eth_getProof`` per EIP-1186), geth's ``debug_dbGet`` and
``debug_getRawReceipts``, op-geth's ``debug_executePayload`` (execution witness),
op-node's ``optimism_outputAtBlock``, the beacon API
(``/eth/v1/beacon/genesis``, ``/eth/v1/config/spec``, ``/eth/v1/beacon/blob_sidecars/{slot}``).
Plain functions from devnet objects to JSON values; the HTTP plumbing is ``rpc_server.py``.
"""

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from op_program.devnet.l1 import L1Chain
from op_program.devnet.sequencer import Sequencer
from op_program.encoding.hashing import keccak256
from op_program.encoding.hex import bytes_to_hex, hex_to_bytes, int_to_hex
from op_program.errors import OpProgramError
from op_program.mpt.account import Account, decode_storage_value
from op_program.mpt.lookup import trie_get
from op_program.protocol.attributes import PayloadAttributes
from op_program.protocol.header import Header
from op_program.protocol.receipts import Receipt

JsonHandler = Callable[[list[Any]], Any]
SECONDS_PER_SLOT = 12
CODE_PREFIX = b"c"


class RpcMethodError(Exception):
    """A request the devnet node answers with a JSON-RPC error."""


def block_json(header: Header, transactions: Sequence[bytes]) -> dict[str, Any]:
    """``eth_getBlockByHash(hash, false)``: header fields and transaction hashes."""
    out: dict[str, Any] = dict(header.to_rpc())
    out["transactions"] = [bytes_to_hex(keccak256(tx)) for tx in transactions]
    return out


def receipt_json(receipt: Receipt, index: int, tx: bytes, block: Header) -> dict[str, Any]:
    """One receipt object as ``eth_getBlockReceipts`` returns it."""
    out: dict[str, Any] = {
        "type": int_to_hex(receipt.tx_type), "status": int_to_hex(receipt.status),
        "cumulativeGasUsed": int_to_hex(receipt.cumulative_gas_used),
        "logsBloom": bytes_to_hex(receipt.logs_bloom), "transactionIndex": int_to_hex(index),
        "transactionHash": bytes_to_hex(keccak256(tx)), "blockHash": bytes_to_hex(block.hash),
        "blockNumber": int_to_hex(block.number),
        "logs": [{"address": bytes_to_hex(log.address),
                  "topics": [bytes_to_hex(t) for t in log.topics],
                  "data": bytes_to_hex(log.data)} for log in receipt.logs],
    }  # fmt: skip
    if receipt.deposit_nonce is not None:
        out["depositNonce"] = int_to_hex(receipt.deposit_nonce)
    if receipt.deposit_receipt_version is not None:
        out["depositReceiptVersion"] = int_to_hex(receipt.deposit_receipt_version)
    return out


class ChainView:
    """Blocks by hash or number, raw transactions and receipts of one chain (L1 or L2)."""

    __slots__ = ("_blocks", "_by_number", "_txs")

    def __init__(self) -> None:
        self._blocks: dict[bytes, tuple[Header, tuple[bytes, ...], tuple[Receipt, ...]]] = {}
        self._by_number: dict[int, bytes] = {}
        self._txs: dict[bytes, bytes] = {}

    def add(self, header: Header, txs: Sequence[bytes], receipts: Sequence[Receipt]) -> None:
        """Make a block visible."""
        self._blocks[header.hash] = (header, tuple(txs), tuple(receipts))
        self._by_number[header.number] = header.hash
        for tx in txs:
            self._txs[keccak256(tx)] = tx

    def _block(self, ref: Any) -> tuple[Header, tuple[bytes, ...], tuple[Receipt, ...]] | None:
        if isinstance(ref, str) and len(ref) == 66:
            return self._blocks.get(hex_to_bytes(ref, 32))
        number = max(self._by_number) if ref in ("latest", "safe", "finalized") else int(ref, 16)
        block_hash = self._by_number.get(number)
        return None if block_hash is None else self._blocks[block_hash]

    def header(self, ref: Any) -> Header | None:
        """The header of a block by hash or number (hex), or None."""
        block = self._block(ref)
        return None if block is None else block[0]

    def handlers(self) -> dict[str, JsonHandler]:
        """The eth-namespace methods over this chain."""
        def by_ref(params: list[Any]) -> Any:
            block = self._block(params[0])
            return None if block is None else block_json(block[0], block[1])

        def raw_tx(params: list[Any]) -> Any:
            tx = self._txs.get(hex_to_bytes(params[0], 32))
            return None if tx is None else bytes_to_hex(tx)

        def receipts(params: list[Any]) -> Any:
            block = self._block(params[0])
            if block is None:
                return None
            header, txs, rs = block
            pairs = enumerate(zip(rs, txs, strict=True))
            return [receipt_json(r, i, tx, header) for i, (r, tx) in pairs]

        def raw_receipts(params: list[Any]) -> Any:
            block = self._block(params[0])
            return None if block is None else [bytes_to_hex(r.encode()) for r in block[2]]

        return {
            "eth_getBlockByHash": by_ref, "eth_getBlockByNumber": by_ref,
            "eth_getRawTransactionByHash": raw_tx, "eth_getBlockReceipts": receipts,
            "debug_getRawReceipts": raw_receipts,
        }  # fmt: skip


def l1_view(l1: L1Chain) -> ChainView:
    """The L1 chain's blocks."""
    view = ChainView()
    for block in l1.blocks:
        view.add(block.header, [tx.raw for tx in block.txs], block.receipts)
    return view


def l2_view(sequencer: Sequencer) -> ChainView:
    """The L2 chain's blocks."""
    view = ChainView()
    for block in sequencer.blocks:
        view.add(block.header, block.transactions, block.receipts)
    return view


def _proof_of(root: bytes, key: bytes, lookup: Callable[[bytes], bytes]) -> tuple[
        bytes | None, list[bytes]]:  # fmt: skip
    nodes: list[bytes] = []

    def recording(node_hash: bytes) -> bytes:
        node = lookup(node_hash)
        nodes.append(node)
        return node

    return trie_get(root, keccak256(key), recording), nodes


def l2_handlers(sequencer: Sequencer, chain_id: int) -> dict[str, JsonHandler]:
    """eth, debug and optimism methods of the devnet's L2 node."""
    view = l2_view(sequencer)

    def lookup(digest: bytes) -> bytes:
        value = sequencer.preimage(digest)
        if value is None:
            raise RpcMethodError(f"missing trie node 0x{digest.hex()}")
        return value

    def db_get(params: list[Any]) -> Any:
        key = hex_to_bytes(params[0])
        digest = key[1:] if len(key) == 33 and key[:1] == CODE_PREFIX else key
        value = sequencer.preimage(digest) if len(digest) == 32 else None
        if value is None:
            raise RpcMethodError("not found")
        return bytes_to_hex(value)

    def get_proof(params: list[Any]) -> Any:
        header = view.header(params[2])
        if header is None:
            raise RpcMethodError("unknown block")
        address = hex_to_bytes(params[0], 20)
        raw, account_proof = _proof_of(header.state_root, address, lookup)
        account = Account.decode(raw) if raw is not None else Account(0, 0)
        storage = []
        for slot_hex in params[1]:
            slot = hex_to_bytes(slot_hex, 32)
            value, proof = _proof_of(account.storage_root, slot, lookup)
            storage.append({"key": slot_hex, "proof": [bytes_to_hex(n) for n in proof],
                            "value": int_to_hex(decode_storage_value(value) if value else 0)})
        return {
            "address": bytes_to_hex(address), "accountProof": [bytes_to_hex(n) for n in
                                                               account_proof],
            "balance": int_to_hex(account.balance), "nonce": int_to_hex(account.nonce),
            "codeHash": bytes_to_hex(account.code_hash),
            "storageHash": bytes_to_hex(account.storage_root), "storageProof": storage,
        }  # fmt: skip

    def output_at(params: list[Any]) -> Any:
        block = sequencer.blocks[int(params[0], 16)]
        return {"version": bytes_to_hex(bytes(32)), "outputRoot": bytes_to_hex(block.output.root),
                "blockRef": {"hash": bytes_to_hex(block.header.hash),
                             "number": block.number},
                "withdrawalStorageRoot": bytes_to_hex(block.output.message_passer_storage_root),
                "stateRoot": bytes_to_hex(block.header.state_root)}  # fmt: skip

    def execute_payload(params: list[Any]) -> Any:
        try:
            attributes = PayloadAttributes.from_json(params[1])
            witness = sequencer.execution_witness(hex_to_bytes(params[0], 32), attributes)
        except OpProgramError as exc:
            raise RpcMethodError(str(exc)) from exc
        return {"state": [bytes_to_hex(v) for v in witness], "codes": []}

    handlers = view.handlers()
    handlers.update({"debug_dbGet": db_get, "eth_getProof": get_proof,
                     "debug_executePayload": execute_payload,
                     "optimism_outputAtBlock": output_at,
                     "eth_chainId": lambda _: int_to_hex(chain_id)})  # fmt: skip
    return handlers


def beacon_documents(l1: L1Chain) -> Callable[[str, Mapping[str, str]], Any]:
    """A GET handler for the beacon API paths the host uses (one slot per L1 block)."""
    genesis_time = l1.blocks[0].header.timestamp

    def get(path: str, query: Mapping[str, str]) -> Any:
        if path == "/eth/v1/beacon/genesis":
            return {"data": {"genesis_time": str(genesis_time)}}
        if path == "/eth/v1/config/spec":
            return {"data": {"SECONDS_PER_SLOT": str(SECONDS_PER_SLOT)}}
        prefix = "/eth/v1/beacon/blob_sidecars/"
        if not path.startswith(prefix):
            return None
        slot = int(path[len(prefix):])
        if not 0 <= slot < len(l1.blocks):
            return None
        blobs = [pair for tx in l1.blocks[slot].txs for pair in tx.blobs]
        wanted = {int(i) for i in query["indices"].split(",")} if "indices" in query else None
        return {"data": [
            {"index": str(i), "blob": bytes_to_hex(blob), "kzg_commitment": bytes_to_hex(c)}
            for i, (c, blob) in enumerate(blobs) if wanted is None or i in wanted
        ]}  # fmt: skip

    return get
