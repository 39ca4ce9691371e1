"""Anvil as the devnet's L1: a real node mines the batcher's, depositors' and owner's txs.

Spec: EIP-4844 (blob transactions in their network form: blobs, commitments and KZG proofs),
protocol/deposits.md and protocol/system-config.md (the logs derivation reads come from the
portal and SystemConfig addresses; here small log-emitting contracts placed with
``anvil_setCode``). Anvil (npm ``@foundry-rs/anvil``) is started on a free loopback port and
stopped by ``close``. Each mined block is read back over JSON-RPC, checked against its roots,
and kept with the blobs the devnet sent, so the rest of the devnet (sequencer, batcher, beacon
API, preimages) works on it as on the in-process L1.
"""

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import ckzg

from op_program.devnet.ckzg_setup import ckzg_trusted_setup
from op_program.devnet.errors import DevnetError
from op_program.devnet.l1 import L1Block, L1Chain, L1Tx
from op_program.devnet.l1_txs import log_emitter_code
from op_program.encoding.hashing import keccak256
from op_program.encoding.hex import bytes_to_hex, hex_to_bytes, int_to_hex
from op_program.encoding.rlp import rlp_encode
from op_program.errors import OpProgramError
from op_program.host.rpc.jsonrpc import JsonRpcClient
from op_program.host.rpc.receipt_json import receipt_from_json
from op_program.mpt.ordered import ordered_trie_root_and_nodes
from op_program.protocol.header import Header
from op_program.protocol.transactions import BlobTransaction, decode_transaction

ANVIL_PACKAGE_BINARY = Path("node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil")
FUNDING = 10**24
START_TIMEOUT = 30.0


def find_anvil() -> Path:
    """The anvil binary: ``$OP_PROGRAM_ANVIL``, the npm package in the repo, or on PATH.

    Raises:
        DevnetError: anvil is not installed.
    """
    candidates = [os.environ.get("OP_PROGRAM_ANVIL"),
                  str(Path(__file__).resolve().parents[3] / ANVIL_PACKAGE_BINARY),
                  str(Path.cwd() / ANVIL_PACKAGE_BINARY), shutil.which("anvil")]  # fmt: skip
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise DevnetError("anvil not found: run `npm install @foundry-rs/anvil@1.7.1` in the repo "
                      "or set OP_PROGRAM_ANVIL")  # fmt: skip


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def network_form(raw: bytes, blobs: tuple[tuple[bytes, bytes], ...]) -> bytes:
    """The EIP-4844 network encoding of a blob transaction (with blobs, commitments, proofs)."""
    tx = decode_transaction(raw)
    if not isinstance(tx, BlobTransaction):
        return raw
    setup = ckzg_trusted_setup()
    proofs = [bytes(ckzg.compute_blob_kzg_proof(blob, c, setup)) for c, blob in blobs]
    body = rlp_encode([tx.payload(), [b for _, b in blobs], [c for c, _ in blobs], proofs])
    return b"\x03" + body


class AnvilL1(L1Chain):
    """An L1 chain mined by anvil (``include`` sends, ``mine`` mines and reads back)."""

    __slots__ = ("_blobs", "_funded", "_process", "rpc", "url")

    def __init__(self, chain_id: int, genesis_time: int, emitters: Mapping[bytes, int],
                 block_time: int = 12, prague: bool = True) -> None:  # fmt: skip
        """Start anvil; ``emitters`` maps addresses to the topic count of their log emitter."""
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}"
        self._process = subprocess.Popen(
            [str(find_anvil()), "--port", str(port), "--silent", "--no-mining",
             "--chain-id", str(chain_id), "--timestamp", str(genesis_time),
             "--hardfork", "prague" if prague else "cancun",
             "--block-base-fee-per-gas", "1000000000"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self.rpc = JsonRpcClient(self.url)
        self._blobs: dict[bytes, tuple[tuple[bytes, bytes], ...]] = {}
        self._funded: set[bytes] = set()
        self.chain_id = chain_id
        self.prague = prague
        self.block_time = block_time
        self.blocks = []
        self._by_hash = {}
        self.pending = []
        self.nonces = {}
        try:
            self._wait_ready()
            for address, topics in emitters.items():
                self._call("anvil_setCode", bytes_to_hex(address),
                           bytes_to_hex(log_emitter_code(topics)))  # fmt: skip
            self._append(self._read_block("0x0"))
        except BaseException:
            self.close()
            raise

    def _call(self, method: str, *params: Any) -> Any:
        try:
            return self.rpc.call(method, *params)
        except OpProgramError as exc:
            raise DevnetError(f"anvil {method}: {exc}") from exc

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise DevnetError(f"anvil exited with code {self._process.returncode}")
            try:
                self.rpc.call("eth_chainId")
                return
            except OpProgramError:
                time.sleep(0.1)
        raise DevnetError("anvil did not start in time")

    def close(self) -> None:
        """Stop anvil."""
        self.rpc.close()
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def include(self, tx: L1Tx) -> None:
        """Send the transaction to anvil (funding its sender on first use).

        Raises:
            DevnetError: a blob transaction. anvil 1.7.1 commits to blob transactions in their
                network form (its ``transactionsRoot`` includes the sidecar), so a block with
                one is not a valid Ethereum block and the program cannot read its blobs.
        """
        if tx.blobs:
            raise DevnetError("anvil 1.7.1 puts blob sidecars into transactionsRoot; use the "
                              "in-process L1 for blob batches")
        sender = decode_transaction(tx.raw).recover_sender()
        if sender not in self._funded:
            self._call("anvil_setBalance", bytes_to_hex(sender), int_to_hex(FUNDING))
            self._funded.add(sender)
        self._call("eth_sendRawTransaction", bytes_to_hex(network_form(tx.raw, tx.blobs)))
        self._blobs[keccak256(tx.raw)] = tx.blobs
        self.pending.append(tx)

    def mine(self) -> L1Block:
        """Mine one block one block time after the head; read it back."""
        self._call("evm_mine", self.head.timestamp + self.block_time)
        self.pending = []
        block = self._read_block(int_to_hex(len(self.blocks)))
        self._append(block)
        if len(block.txs) != len(set(self._blobs) & {keccak256(t.raw) for t in block.txs}):
            raise DevnetError(f"anvil block {block.number} lacks some of the sent transactions")
        return block

    def _append(self, block: L1Block) -> None:
        self.blocks.append(block)
        self._by_hash[block.hash] = block

    def _read_block(self, number: str) -> L1Block:
        obj = self._call("eth_getBlockByNumber", number, False)
        header = Header.from_rpc(obj)
        raws = [hex_to_bytes(self._call("eth_getRawTransactionByHash", h))
                for h in obj["transactions"]]  # fmt: skip
        receipts = [receipt_from_json(r) for r in self._call("eth_getBlockReceipts", number)]
        tx_root, tx_nodes = ordered_trie_root_and_nodes(raws)
        receipt_root, receipt_nodes = ordered_trie_root_and_nodes([r.encode() for r in receipts])
        if (tx_root, receipt_root) != (header.transactions_root, header.receipts_root):
            raise DevnetError(f"anvil block {header.number}: roots do not match its body")
        txs = tuple(
            L1Tx(raw, r.logs, r.status, blobs=self._blobs.get(keccak256(raw), ()))
            for raw, r in zip(raws, receipts, strict=True)
        )
        return L1Block(header, txs, tuple(receipts), tuple(tx_nodes), tuple(receipt_nodes))
