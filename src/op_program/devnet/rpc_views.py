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
from op_program.protocol.transactions import DepositTransaction, decode_transaction

JsonHandler = Callable[[list[Any]], Any]
SECONDS_PER_SLOT = 12
CODE_PREFIX = b"c"


class RpcMethodError(Exception):
    """A request the devnet node answers with a JSON-RPC error."""


def block_json(header: Header, transactions: Sequence[bytes],
               full: bool = False) -> dict[str, Any]:  # fmt: skip
    """``eth_getBlockByHash(hash, full)``: header fields and transaction hashes or objects."""
    out: dict[str, Any] = dict(header.to_rpc())
    out["transactions"] = ([transaction_json(tx, i, header) for i, tx in enumerate(transactions)]
                           if full else [bytes_to_hex(keccak256(tx)) for tx in transactions])
    if header.withdrawals_root is not None:
        out["withdrawals"] = []  # devnet blocks carry none (L2: withdrawals are always empty)
    return out


_TX_FIELDS = (
    ("chain_id", "chainId"), ("nonce", "nonce"), ("gas_price", "gasPrice"), ("gas", "gas"),
    ("max_priority_fee_per_gas", "maxPriorityFeePerGas"), ("max_fee_per_gas", "maxFeePerGas"),
    ("value", "value"), ("max_fee_per_blob_gas", "maxFeePerBlobGas"), ("mint", "mint"),
    ("v", "v"), ("r", "r"), ("s", "s"),
)
"""Integer fields of the transaction types, and their JSON-RPC names (execution-apis)."""


def transaction_json(raw: bytes, index: int, block: Header) -> dict[str, Any]:
    """One transaction object as ``eth_getBlockByHash(hash, true)`` returns it.

    Every field of the transaction's type is written (geth's decoder requires them and
    clients re-encode the object to check the block's transactions root), plus its position
    and sender. Deposits (op-geth) carry ``sourceHash``, ``mint`` and ``isSystemTx`` and no
    signature.
    """
    tx = decode_transaction(raw)
    out: dict[str, Any] = {
        "type": int_to_hex(tx.tx_type), "hash": bytes_to_hex(keccak256(raw)),
        "blockHash": bytes_to_hex(block.hash), "blockNumber": int_to_hex(block.number),
        "transactionIndex": int_to_hex(index), "from": bytes_to_hex(tx.recover_sender()),
        "to": None if tx.to is None else bytes_to_hex(tx.to), "input": bytes_to_hex(tx.data),
    }  # fmt: skip
    for name, key in _TX_FIELDS:
        value = getattr(tx, name, None)
        if isinstance(value, int):
            out[key] = int_to_hex(value)
    if isinstance(tx, DepositTransaction):
        out.update(sourceHash=bytes_to_hex(tx.source_hash), isSystemTx=tx.is_system_tx,
                   nonce="0x0")  # fmt: skip
    else:
        out.setdefault("nonce", "0x0")
    y_parity = getattr(tx, "y_parity", None)
    if isinstance(y_parity, int):
        out["v"] = out["yParity"] = int_to_hex(y_parity)
    access_list = getattr(tx, "access_list", None)
    if access_list is not None:
        out["accessList"] = [{"address": bytes_to_hex(entry.address),
                              "storageKeys": [bytes_to_hex(k) for k in entry.storage_keys]}
                             for entry in access_list]  # fmt: skip
    hashes = getattr(tx, "blob_versioned_hashes", None)
    if hashes is not None:
        out["blobVersionedHashes"] = [bytes_to_hex(h) for h in hashes]
    authorizations = getattr(tx, "authorization_list", None)
    if authorizations is not None:
        out["authorizationList"] = [{
            "chainId": int_to_hex(a.chain_id), "address": bytes_to_hex(a.address),
            "nonce": int_to_hex(a.nonce), "yParity": int_to_hex(a.y_parity),
            "r": int_to_hex(a.r), "s": int_to_hex(a.s)} for a in authorizations]  # fmt: skip
    return out


def receipt_json(receipt: Receipt, index: int, tx: bytes, block: Header, gas_used: int = 0,
                 first_log_index: int = 0) -> dict[str, Any]:  # fmt: skip
    """One receipt object as ``eth_getBlockReceipts`` returns it.

    With the fields geth's decoder requires: ``gasUsed``, and ``transactionHash`` in each log.
    """
    tx_hash, block_hash = bytes_to_hex(keccak256(tx)), bytes_to_hex(block.hash)
    position = {"transactionHash": tx_hash, "transactionIndex": int_to_hex(index),
                "blockHash": block_hash, "blockNumber": int_to_hex(block.number)}
    out: dict[str, Any] = {
        "type": int_to_hex(receipt.tx_type), "status": int_to_hex(receipt.status),
        "cumulativeGasUsed": int_to_hex(receipt.cumulative_gas_used),
        "gasUsed": int_to_hex(gas_used), "logsBloom": bytes_to_hex(receipt.logs_bloom),
        **position,
        "logs": [{"address": bytes_to_hex(log.address),
                  "topics": [bytes_to_hex(t) for t in log.topics],
                  "data": bytes_to_hex(log.data), "logIndex": int_to_hex(first_log_index + n),
                  "removed": False, **position}
                 for n, log in enumerate(receipt.logs)],
    }  # fmt: skip
    if receipt.deposit_nonce is not None:
        out["depositNonce"] = int_to_hex(receipt.deposit_nonce)
    if receipt.deposit_receipt_version is not None:
        out["depositReceiptVersion"] = int_to_hex(receipt.deposit_receipt_version)
    return out


def block_receipts_json(header: Header, txs: Sequence[bytes],
                        receipts: Sequence[Receipt]) -> list[dict[str, Any]]:  # fmt: skip
    """``eth_getBlockReceipts``: every receipt with its own gas and its logs' block indices."""
    out, previous, log_index = [], 0, 0
    for index, (receipt, tx) in enumerate(zip(receipts, txs, strict=True)):
        used = receipt.cumulative_gas_used - previous
        out.append(receipt_json(receipt, index, tx, header, used, log_index))
        previous, log_index = receipt.cumulative_gas_used, log_index + len(receipt.logs)
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
            full = len(params) > 1 and params[1] is True
            return None if block is None else block_json(block[0], block[1], full)

        def raw_tx(params: list[Any]) -> Any:
            tx = self._txs.get(hex_to_bytes(params[0], 32))
            return None if tx is None else bytes_to_hex(tx)

        def receipts(params: list[Any]) -> Any:
            block = self._block(params[0])
            if block is None:
                return None
            header, txs, rs = block
            return block_receipts_json(header, txs, rs)

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
