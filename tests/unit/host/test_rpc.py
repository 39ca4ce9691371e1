from collections.abc import Iterator
from typing import Any

import pytest

from op_program.encoding.hashing import keccak256
from op_program.host.config import RPCKind
from op_program.host.errors import FetchedDataError, RPCError, RPCResponseError
from op_program.host.rpc.eth import EthSource
from op_program.host.rpc.jsonrpc import JsonRpcClient
from op_program.host.rpc.receipt_json import receipt_from_json
from op_program.host.rpc.retry import RetryPolicy
from op_program.mpt.ordered import ordered_trie_root_and_nodes
from op_program.protocol.header import Header
from op_program.protocol.receipts import Receipt
from tests.unit.host.rpc_stub import StubNode

NO_WAIT = RetryPolicy(max_attempts=3, base_delay=0.0, sleep=lambda _s: None)
TXS = [b"\x02" + bytes([i]) * 40 for i in range(3)]
RECEIPTS_JSON = [
    {"type": "0x2", "status": "0x1", "cumulativeGasUsed": hex(21000 * (i + 1)),
     "logsBloom": "0x" + "00" * 256,
     "logs": [{"address": "0x" + "aa" * 20, "topics": ["0x" + "bb" * 32], "data": "0x01"}]}
    for i in range(3)
]
RECEIPTS_JSON[0] = {**RECEIPTS_JSON[0], "type": "0x7e", "depositNonce": "0x5",
                    "depositReceiptVersion": "0x1"}


@pytest.fixture
def node() -> Iterator[StubNode]:
    stub = StubNode()
    yield stub
    stub.close()


def serve_block(node: StubNode) -> Header:
    receipts = [receipt_from_json(r).encode_for_trie() for r in RECEIPTS_JSON]
    tx_root, _ = ordered_trie_root_and_nodes(TXS)
    receipt_root, _ = ordered_trie_root_and_nodes(receipts)
    header = Header(bytes(32), keccak256(b"\xc0"), bytes(20), bytes(32), tx_root, receipt_root,
                    bytes(256), 0, 1, 30_000_000, 63000, 99, b"", bytes(32), bytes(8))
    by_hash = {"0x" + keccak256(t).hex(): t for t in TXS}
    node.methods["eth_getBlockByHash"] = lambda p: {**header.to_rpc(),
                                                    "transactions": list(by_hash)}
    node.methods["eth_getRawTransactionByHash"] = lambda p: "0x" + by_hash[p[0]].hex()
    node.methods["eth_getBlockReceipts"] = lambda p: RECEIPTS_JSON
    node.methods["debug_getRawReceipts"] = lambda p: [
        "0x" + receipt_from_json(r).encode().hex() for r in RECEIPTS_JSON]
    by_tx = dict(zip(by_hash, RECEIPTS_JSON, strict=True))
    node.methods["eth_getTransactionReceipt"] = lambda p: by_tx[p[0]]
    return header


@pytest.mark.parametrize(("kind", "method"), [
    (RPCKind.STANDARD, "eth_getBlockReceipts"),
    (RPCKind.DEBUG_GETH, "debug_getRawReceipts"),
    (RPCKind.BASIC, "eth_getTransactionReceipt"),
    (RPCKind.ERIGON, "eth_getTransactionReceipt"),  # erigon method missing: per-tx fallback
    (RPCKind.ANY, "debug_getRawReceipts"),  # alchemy method missing, debug next
])
def test_receipt_methods_per_kind(node: StubNode, kind: RPCKind, method: str) -> None:
    header = serve_block(node)
    data = EthSource(JsonRpcClient(node.url), NO_WAIT, kind).receipts(header.hash)
    assert data.header == header and len(data.values) == 3
    receipts_called = [c for c in node.calls if "eceipt" in c]
    assert receipts_called[-1] == method
    # the deposit receipt keeps its nonce in the trie form (Canyon+: version set)
    assert Receipt.decode(data.values[0]).deposit_nonce == 5


def test_transactions_checked_against_root(node: StubNode) -> None:
    header = serve_block(node)
    data = EthSource(JsonRpcClient(node.url), NO_WAIT).transactions(header.hash)
    assert list(data.values) == TXS
    assert keccak256(data.trie_nodes[-1]) == header.transactions_root
    node.methods["eth_getRawTransactionByHash"] = lambda p: "0x" + TXS[0].hex()
    with pytest.raises(FetchedDataError, match="does not hash"):
        EthSource(JsonRpcClient(node.url), NO_WAIT).transactions(header.hash)


def test_receipts_that_do_not_match_root(node: StubNode) -> None:
    header = serve_block(node)
    node.methods["eth_getBlockReceipts"] = lambda p: list(reversed(RECEIPTS_JSON))
    with pytest.raises(FetchedDataError, match="do not match its root"):
        EthSource(JsonRpcClient(node.url), NO_WAIT).receipts(header.hash)
    node.methods["eth_getBlockReceipts"] = lambda p: RECEIPTS_JSON[:2]
    with pytest.raises(FetchedDataError, match="returned 2 receipts"):
        EthSource(JsonRpcClient(node.url), NO_WAIT).receipts(header.hash)


def test_missing_block(node: StubNode) -> None:
    node.methods["eth_getBlockByHash"] = lambda p: None
    with pytest.raises(RPCError, match="not found"):
        EthSource(JsonRpcClient(node.url), NO_WAIT).header(b"\x01" * 32)
    assert node.calls.count("eth_getBlockByHash") == 3


def test_jsonrpc_errors(node: StubNode) -> None:
    client = JsonRpcClient(node.url)
    with pytest.raises(RPCResponseError) as info:
        client.call("nope")
    assert info.value.code == -32601
    node.methods["x"] = lambda p: p
    assert client.call("x", 1, "a") == [1, "a"]
    node.faults = ["wrongid"]
    with pytest.raises(RPCResponseError, match="not a JSON-RPC response"):
        client.call("x")
    with pytest.raises(RPCError):
        JsonRpcClient("http://127.0.0.1:1", timeout=1).call("x")


def test_retry_policy_backoff_and_non_retryable() -> None:
    waits: list[float] = []
    policy = RetryPolicy(max_attempts=5, base_delay=0.5, max_delay=3.0, sleep=waits.append)
    calls: list[int] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 5:
            raise RPCError("down")
        return "ok"

    assert policy.run("thing", flaky) == "ok"
    assert waits == [0.5, 1.0, 2.0, 3.0]

    def missing() -> Any:
        raise RPCResponseError("method not found", -32601)

    waits.clear()
    with pytest.raises(RPCResponseError, match="thing failed after 1 attempt"):
        policy.run("thing", missing)
    assert waits == []


def test_receipt_json_malformed() -> None:
    with pytest.raises(RPCResponseError):
        receipt_from_json({"type": "0x2"})
    with pytest.raises(RPCResponseError):
        receipt_from_json([])
    legacy = receipt_from_json({**RECEIPTS_JSON[1], "type": None, "status": None,
                                "root": "0x" + "cd" * 32})
    assert legacy.tx_type == 0 and legacy.post_state == b"\xcd" * 32


def test_payload_witness_and_proofs_over_rpc(node: StubNode) -> None:
    from op_program.host.rpc.l2 import L2Source

    node_value, code = b"\xc2\x01\x02" * 12, b"\x60\x00" * 9
    node.methods["debug_executePayload"] = lambda p: {
        "state": {"0x" + keccak256(node_value).hex(): "0x" + node_value.hex()},
        "codes": ["0x" + code.hex()], "keys": []}
    node.methods["eth_getProof"] = lambda p: {
        "accountProof": ["0x" + node_value.hex()], "storageHash": "0x" + "00" * 32,
        "storageProof": [{"proof": ["0x" + code.hex()]}]}
    l2 = L2Source(JsonRpcClient(node.url), NO_WAIT)
    with pytest.raises(RPCError, match="l2.experimental"):
        l2.payload_witness(b"\x01" * 32, {})
    l2 = L2Source(JsonRpcClient(node.url), NO_WAIT, JsonRpcClient(node.url))
    assert l2.payload_witness(b"\x01" * 32, {"timestamp": "0x1"}) == [node_value, code]
    assert l2.account_proof(b"\xaa" * 20, "0x5") == [node_value, code]
    node.methods["eth_getProof"] = lambda p: {"accountProof": [], "storageProof": []}
    with pytest.raises(RPCResponseError, match="no storage proof"):
        l2.account_proof(b"\xaa" * 20, "0x5")


def test_batches(node: StubNode) -> None:
    node.methods["echo"] = lambda p: p[0]
    client = JsonRpcClient(node.url)
    assert client.batch("echo", [[i] for i in range(250)], size=100) == list(range(250))
    assert node.calls.count("echo") == 250
    with pytest.raises(RPCResponseError) as info:
        client.batch("missing", [[1], [2]])
    assert info.value.code == -32601
    node.faults = ["malformed"]
    with pytest.raises(RPCResponseError, match="malformed JSON"):
        client.batch("echo", [[1]])
    node.faults = ["wrongid"]
    with pytest.raises(RPCResponseError, match="not a list"):
        client.batch("echo", [[1]])


def test_trie_of_bad_values_is_bad_data_not_a_crash() -> None:
    # An ordered trie cannot hold an empty value: a node's answer, never a TrieDecodeError.
    from op_program.host.rpc.eth import _trie_nodes

    root, nodes = ordered_trie_root_and_nodes(TXS)
    assert _trie_nodes(TXS, root, "txs") == tuple(nodes)
    with pytest.raises(FetchedDataError, match="txs: "):
        _trie_nodes([*TXS, b""], root, "txs")
    with pytest.raises(FetchedDataError, match="do not match its root"):
        _trie_nodes(TXS[:2], root, "txs")


def test_an_offline_host_does_not_import_httpx() -> None:
    import subprocess
    import sys

    code = ("import sys, op_program.host.runner, op_program.host.rpc.beacon\n"
            "print('httpx' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"
