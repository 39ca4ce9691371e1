"""Online fetching against a real node: anvil as L1 and L2 RPC (DESIGN §10).

anvil serves headers, transactions, receipts and eth_getProof; a recorded local HTTP server
stands in for the beacon API, which no node we can run here offers. Every stored preimage must
re-hash correctly.
"""

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from op_program.encoding.hashing import keccak256
from op_program.host.config import RPCKind
from op_program.host.hint_handlers import Sources
from op_program.host.kvstore.directory import HexFileKV
from op_program.host.prefetcher import Prefetcher
from op_program.host.rpc.beacon import BeaconSource
from op_program.host.rpc.eth import EthSource
from op_program.host.rpc.jsonrpc import BeaconHttpClient, JsonRpcClient
from op_program.host.rpc.l2 import L2Source
from op_program.host.rpc.retry import RetryPolicy
from op_program.host.witness import verify_store
from op_program.mpt.ordered import ordered_trie_root_and_nodes, ordered_trie_values
from op_program.preimage.keys import keccak256_key
from op_program.protocol.header import Header
from op_program.protocol.output_root import output_root_v0
from op_program.protocol.predeploys import L2_TO_L1_MESSAGE_PASSER
from tests.integration.anvil_node import anvil_fixture, rpc

pytestmark = pytest.mark.integration

# Init code that emits LOG1(topic=0x2a) with 32 bytes of memory and deploys runtime code that
# stores calldata word 0 into slot 1 (so the account has storage for proofs).
LOGGING_INIT = (
    "602a60005260206000" "602a" "a1"      # mstore(0, 42); log1(0, 32, 42)
    "600a" "601c" "600039"                # codecopy(0, 28, 10)
    "600a6000f3"                          # return(0, 10)
    "6000356001550000"                    # runtime: sstore(1, calldataload(0)); stop
    "0000"
)


anvil = anvil_fixture()


@pytest.fixture(scope="module")
def chain(anvil: str) -> dict[str, Any]:
    """Mine a block with several transaction types and a log, and a contract with storage."""
    accounts = rpc(anvil, "eth_accounts")
    sender, other = accounts[0], accounts[1]
    rpc(anvil, "evm_setAutomine", False)
    txs = [
        {"from": sender, "to": other, "value": "0x1", "gasPrice": "0x77359400", "type": "0x0"},
        {"from": sender, "to": other, "value": "0x2", "maxFeePerGas": "0x77359400",
         "maxPriorityFeePerGas": "0x1", "type": "0x2"},
        {"from": sender, "to": other, "value": "0x3", "gasPrice": "0x77359400", "type": "0x1",
         "accessList": [{"address": other, "storageKeys": ["0x" + "00" * 32]}]},
        {"from": sender, "data": "0x" + LOGGING_INIT, "gas": "0x30000"},
    ]
    hashes = [rpc(anvil, "eth_sendTransaction", tx) for tx in txs]
    rpc(anvil, "evm_mine")
    rpc(anvil, "evm_setAutomine", True)
    receipt = rpc(anvil, "eth_getTransactionReceipt", hashes[-1])
    contract = receipt["contractAddress"]
    rpc(anvil, "eth_sendTransaction", {"from": sender, "to": contract,
                                       "data": "0x" + "07" * 32, "gas": "0x20000"})
    rpc(anvil, "evm_mine")
    block = rpc(anvil, "eth_getBlockByHash", receipt["blockHash"], False)
    latest = rpc(anvil, "eth_getBlockByNumber", "latest", False)
    return {"block": block, "latest": latest, "contract": contract, "tx_hashes": hashes}


def _sources(l1: str, beacon: str, kind: RPCKind = RPCKind.STANDARD,
             l2_head: bytes = bytes(32)) -> Sources:
    retry = RetryPolicy(max_attempts=3, base_delay=0.01)
    return Sources(
        l1=EthSource(JsonRpcClient(l1, 10), retry, kind),
        beacon=BeaconSource(BeaconHttpClient(beacon, 10), retry),
        l2=L2Source(JsonRpcClient(l1, 10), retry, JsonRpcClient(l1, 10)),
        l2_head=l2_head,
        l2_chain_id=31337,
    )


def _node_getter(prefetcher: Prefetcher) -> Callable[[bytes], bytes]:
    return lambda h: prefetcher.get(keccak256_key(h))


def test_header_transactions_receipts_every_rpckind(anvil: str, chain: dict[str, Any],
                                                    tmp_path: Path) -> None:
    block = chain["block"]
    block_hash = bytes.fromhex(block["hash"][2:])
    for kind in RPCKind:
        store = HexFileKV(tmp_path / kind.value)
        prefetcher = Prefetcher(store, _sources(anvil, "http://127.0.0.1:1", kind))
        prefetcher.hint(f"l1-block-header {block['hash']}")
        header = Header.decode(prefetcher.get(keccak256_key(block_hash)))
        assert header.hash == block_hash and header.number == int(block["number"], 16)
        prefetcher.hint(f"l1-transactions {block['hash']}")
        root_node = prefetcher.get(keccak256_key(header.transactions_root))
        assert keccak256(root_node) == header.transactions_root
        node_by_hash = _node_getter(prefetcher)
        txs = ordered_trie_values(header.transactions_root, node_by_hash)
        assert [keccak256(t).hex() for t in txs] == [h[2:] for h in chain["tx_hashes"]]
        assert {t[0] for t in txs[1:]} >= {1, 2}  # typed envelopes kept byte-exact
        prefetcher.hint(f"l1-receipts {block['hash']}")
        receipts = ordered_trie_values(header.receipts_root, node_by_hash)
        assert len(receipts) == len(txs)
        report = verify_store(store)
        assert report.bad == 0 and report.total > 3, kind


def test_l2_output_and_account_proof_from_eth_get_proof(anvil: str, chain: dict[str, Any],
                                                        tmp_path: Path) -> None:
    latest = chain["latest"]
    head = bytes.fromhex(latest["hash"][2:])
    proof = rpc(anvil, "eth_getProof", "0x" + L2_TO_L1_MESSAGE_PASSER.hex(), [], latest["hash"])
    expected = output_root_v0(bytes.fromhex(latest["stateRoot"][2:]),
                              bytes.fromhex(proof["storageHash"][2:]), head)
    store = HexFileKV(tmp_path)
    prefetcher = Prefetcher(store, _sources(anvil, "http://127.0.0.1:1", l2_head=head),
                            bulk_enabled=True)
    prefetcher.hint(f"l2-output 0x{expected.hex()}")
    output = prefetcher.get(keccak256_key(expected))
    assert keccak256(output) == expected and output[32:64] == bytes.fromhex(
        latest["stateRoot"][2:])
    # l2-account-proof (bulk): block hash ‖ address ‖ chain id, then a state-node request
    contract = bytes.fromhex(chain["contract"][2:])
    state_root = bytes.fromhex(latest["stateRoot"][2:])
    chain_id = (31337).to_bytes(8, "big").hex()
    prefetcher.hint(f"l2-account-proof 0x{head.hex()}{contract.hex()}{chain_id}")
    prefetcher.hint(f"l2-state-node 0x{state_root.hex()}")
    root = prefetcher.get(keccak256_key(state_root))
    assert keccak256(root) == state_root
    account = rpc(anvil, "eth_getProof", chain["contract"], ["0x" + "00" * 32], latest["hash"])
    storage_root = bytes.fromhex(account["storageHash"][2:])
    assert prefetcher.get(keccak256_key(storage_root))  # from the slot-0 storage proof
    assert verify_store(store).bad == 0


def test_wrong_output_root_is_an_error_and_nothing_stored(anvil: str, chain: dict[str, Any],
                                                          tmp_path: Path) -> None:
    head = bytes.fromhex(chain["latest"]["hash"][2:])
    store = HexFileKV(tmp_path)
    prefetcher = Prefetcher(store, _sources(anvil, "http://127.0.0.1:1", l2_head=head))
    prefetcher.hint("l2-output 0x" + "11" * 32)
    with pytest.raises(Exception, match="does not match"):
        prefetcher.get(keccak256_key(b"\x11" * 32))
    assert list(store.keys()) == []


def test_trie_nodes_match_anvil_roots(anvil: str, chain: dict[str, Any]) -> None:
    block = chain["block"]
    raws = [bytes.fromhex(rpc(anvil, "eth_getRawTransactionByHash", h)[2:])
            for h in block["transactions"]]
    root, _ = ordered_trie_root_and_nodes(raws)
    assert "0x" + root.hex() == block["transactionsRoot"]


ONLINE_CLIENT = """
import sys
from op_program.encoding.hashing import keccak256
from op_program.preimage.hints import HintClient
from op_program.preimage.keys import keccak256_key, local_key
from op_program.preimage.oracle import OracleClient
from op_program.preimage.process import client_channels_from_fds
from op_program.protocol.header import Header

channels = client_channels_from_fds()
oracle, hints = OracleClient(channels.preimage), HintClient(channels.hint)
assert len(oracle.get(local_key(3))) == 32  # a client judges a claim it has read (issue 11)
block = bytes.fromhex(sys.argv[1])
hints.hint("l1-block-header 0x" + block.hex())
header = Header.decode(oracle.get(keccak256_key(block)))
hints.hint("l1-transactions 0x" + block.hex())
root = oracle.get(keccak256_key(header.transactions_root))
hints.hint("l1-receipts 0x" + block.hex())
receipts_root = oracle.get(keccak256_key(header.receipts_root))
ok = keccak256(root) == header.transactions_root
ok = ok and keccak256(receipts_root) == header.receipts_root
sys.exit(0 if ok else 1)
"""


def test_online_cli_run_fetches_into_datadir(anvil: str, chain: dict[str, Any],
                                             tmp_path: Path) -> None:
    from tests.unit.host.rpc_stub import StubNode

    beacon = StubNode()
    script = tmp_path / "client.py"
    script.write_text(ONLINE_CLIENT)
    datadir = tmp_path / "data"
    block = chain["block"]["hash"]
    argv = [sys.executable, "-m", "op_program.cli.main", "--network", "op-sepolia",
            "--l1", anvil, "--l2", anvil, "--l1.beacon", beacon.url, "--datadir", str(datadir),
            "--l1.head", block, "--l2.head", "0x" + "22" * 32,
            "--l2.outputroot", "0x" + "33" * 32, "--l2.claim", "0x" + "44" * 32,
            "--l2.blocknumber", "1", "--exec", f"{sys.executable} {script} {block[2:]}"]
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    finally:
        beacon.close()
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = verify_store(HexFileKV(datadir))
    assert report.bad == 0 and report.total >= 3
    assert not any(k[0] == 1 for k in HexFileKV(datadir).keys())  # boot inputs never stored


def test_l2_block_and_receipts_hints_against_anvil(anvil: str, chain: dict[str, Any],
                                                   tmp_path: Path) -> None:
    block = chain["block"]
    block_hash = bytes.fromhex(block["hash"][2:])
    store = HexFileKV(tmp_path)
    prefetcher = Prefetcher(store, _sources(anvil, "http://127.0.0.1:1"))
    chain_id = (31337).to_bytes(8, "big").hex()
    prefetcher.hint(f"l2-block-header 0x{block_hash.hex()}{chain_id}")
    header = Header.decode(prefetcher.get(keccak256_key(block_hash)))
    txs = ordered_trie_values(header.transactions_root, _node_getter(prefetcher))
    assert len(txs) == len(block["transactions"])
    prefetcher.hint(f"l2-receipts 0x{block_hash.hex()}")
    receipts = ordered_trie_values(header.receipts_root, _node_getter(prefetcher))
    assert len(receipts) == len(txs)
    assert verify_store(store).bad == 0
