"""Fault injection: timeouts, HTTP 5xx, malformed JSON, data for the wrong hash, killed writers.

A local HTTP server plays the node (and the beacon API and debug_dbGet, which no node we can run
here offers). Every fault must end in retries and then a clear error, never a wrong or corrupted
store entry.
"""

import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ckzg
import pytest

from op_program.client.blobs import kzg_to_versioned_hash
from op_program.client.oracle import ClientOracle
from op_program.devnet.ckzg_setup import ckzg_trusted_setup
from op_program.encoding.hashing import keccak256
from op_program.host.errors import FetchedDataError, RPCError
from op_program.host.hint_handlers import Sources
from op_program.host.kvstore.directory import HexFileKV
from op_program.host.kvstore.memory import MemoryKV
from op_program.host.prefetcher import Prefetcher
from op_program.host.rpc.beacon import BeaconSource
from op_program.host.rpc.eth import EthSource
from op_program.host.rpc.jsonrpc import BeaconHttpClient, JsonRpcClient
from op_program.host.rpc.l2 import L2Source
from op_program.host.rpc.retry import RetryPolicy
from op_program.host.witness import verify_store
from op_program.preimage.blob_roots import blob_evaluation_point
from op_program.preimage.keys import blob_key, keccak256_key, sha256_key
from tests.fixture_paths import fixtures_path
from tests.unit.host.rpc_stub import StubNode

pytestmark = pytest.mark.integration

NODE = b"\xc2\x80\x80" + b"state node payload" * 3
CODE = b"\x60\x00\x60\x00" * 20


@pytest.fixture
def node() -> Iterator[StubNode]:
    stub = StubNode()
    yield stub
    stub.close()


def sources(node: StubNode, attempts: int = 4, timeout: float = 5.0) -> Sources:
    retry = RetryPolicy(max_attempts=attempts, base_delay=0.0, sleep=lambda _s: None)
    rpc = JsonRpcClient(node.url, timeout)
    return Sources(l1=EthSource(rpc, retry), beacon=BeaconSource(
        BeaconHttpClient(node.url, timeout), retry), l2=L2Source(rpc, retry),
        l2_head=bytes(32), l2_chain_id=10)


def serve_db(node: StubNode, table: dict[bytes, bytes]) -> None:
    def db_get(params: list[Any]) -> Any:
        value = table.get(bytes.fromhex(params[0][2:]))
        return None if value is None else "0x" + value.hex()

    node.methods["debug_dbGet"] = db_get


def test_retries_through_5xx_malformed_and_timeouts(node: StubNode,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    serve_db(node, {keccak256(NODE): NODE})
    node.faults = ["500", "malformed", "timeout", "wrongid", "error"]
    node.delay = 1.0
    store = MemoryKV()
    prefetcher = Prefetcher(store, sources(node, attempts=6, timeout=0.3))
    prefetcher.hint(f"l2-state-node 0x{keccak256(NODE).hex()}")
    with caplog.at_level(logging.WARNING, logger="op_program.host.rpc"):
        assert prefetcher.get(keccak256_key(keccak256(NODE))) == NODE
    retries = [r for r in caplog.records if "retrying" in r.getMessage()]
    assert len(retries) == 5
    assert "HTTP 500" in retries[0].getMessage() and "malformed JSON" in retries[1].getMessage()
    assert "Timeout" in retries[2].getMessage()
    assert "RPC error -32000" in retries[4].getMessage()


def test_persistent_failure_is_a_clear_error(node: StubNode) -> None:
    serve_db(node, {})
    node.faults = ["500"] * 10
    store = MemoryKV()
    prefetcher = Prefetcher(store, sources(node, attempts=3))
    prefetcher.hint(f"l2-state-node 0x{keccak256(NODE).hex()}")
    with pytest.raises(RPCError, match=r"state node 0x[0-9a-f]+ failed after 3 attempt\(s\): "
                                      r"debug_dbGet: HTTP 500"):
        prefetcher.get(keccak256_key(keccak256(NODE)))
    assert len(store) == 0


def test_wrong_data_for_the_hash_is_never_stored(node: StubNode) -> None:
    wanted = keccak256(NODE)
    serve_db(node, {wanted: NODE + b"!", b"c" + keccak256(CODE): CODE[:-1]})
    store = MemoryKV()
    prefetcher = Prefetcher(store, sources(node, attempts=3))
    prefetcher.hint(f"l2-state-node 0x{wanted.hex()}")
    with pytest.raises(FetchedDataError, match="does not hash to"):
        prefetcher.get(keccak256_key(wanted))
    assert node.calls.count("debug_dbGet") == 3
    prefetcher.hint(f"l2-code 0x{keccak256(CODE).hex()}")
    with pytest.raises(FetchedDataError):
        prefetcher.get(keccak256_key(keccak256(CODE)))
    assert len(store) == 0


def test_wrong_block_for_the_hash_is_rejected(node: StubNode) -> None:
    from op_program.protocol.header import Header

    empty = bytes.fromhex("56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421")
    header = Header(bytes(32), keccak256(b"\xc0"), bytes(20), empty, empty, empty, bytes(256),
                    0, 5, 30_000_000, 0, 1234, b"", bytes(32), bytes(8))
    node.methods["eth_getBlockByHash"] = lambda params: header.to_rpc()
    store = MemoryKV()
    prefetcher = Prefetcher(store, sources(node, attempts=2))
    asked = b"\x42" * 32
    prefetcher.hint(f"l1-block-header 0x{asked.hex()}")
    with pytest.raises(FetchedDataError, match="returned block"):
        prefetcher.get(keccak256_key(asked))
    prefetcher.hint(f"l1-block-header 0x{header.hash.hex()}")
    assert prefetcher.get(keccak256_key(header.hash)) == header.encode()
    assert len(store) == 1


def test_code_prefix_fallback(node: StubNode) -> None:
    serve_db(node, {keccak256(CODE): CODE})  # only the legacy unprefixed key
    prefetcher = Prefetcher(MemoryKV(), sources(node))
    prefetcher.hint(f"l2-code 0x{keccak256(CODE).hex()}")
    assert prefetcher.get(keccak256_key(keccak256(CODE))) == CODE
    assert node.calls == ["debug_dbGet", "debug_dbGet"]


def _blob() -> tuple[bytes, bytes]:
    blob = b"".join(b"\x00" + keccak256(i.to_bytes(4, "big"))[:31] for i in range(4096))
    return blob, bytes(ckzg.blob_to_kzg_commitment(blob, ckzg_trusted_setup()))


def _beacon(node: StubNode, blob: bytes, commitment: bytes, sidecars: bool = True) -> None:
    node.paths["/eth/v1/beacon/genesis"] = lambda _p: {"data": {"genesis_time": "1000"}}
    node.paths["/eth/v1/config/spec"] = lambda _p: {"data": {"SECONDS_PER_SLOT": "12"}}
    if sidecars:
        node.paths["/eth/v1/beacon/blob_sidecars/5"] = lambda _p: {"data": [
            {"index": "0", "blob": "0x" + "00" * 131072, "kzg_commitment": "0xc0" + "00" * 47,
             "kzg_proof": "0x" + "00" * 48},
            {"index": "1", "blob": "0x" + blob.hex(), "kzg_commitment": "0x" + commitment.hex(),
             "kzg_proof": "0x" + "00" * 48}]}
    else:
        node.paths["/eth/v1/beacon/blobs/5"] = lambda _p: {"data": ["0x" + blob.hex()]}


@pytest.mark.parametrize("sidecars", [True, False])
def test_blob_from_beacon_read_back_by_the_client(node: StubNode, sidecars: bool) -> None:
    blob, commitment = _blob()
    _beacon(node, blob, commitment, sidecars)
    versioned = kzg_to_versioned_hash(commitment)
    store = MemoryKV()
    prefetcher = Prefetcher(store, sources(node))
    from op_program.client.blobs import OracleBlobSource

    got = OracleBlobSource(ClientOracle(prefetcher, prefetcher)).get_blob(versioned, 1, 1060)
    assert got == blob
    assert store.get(sha256_key(versioned)) == commitment
    z = blob_evaluation_point(3)
    assert store.get(blob_key(commitment, z)) == blob[96:128]
    assert store.get(keccak256_key(keccak256(commitment + z))) == commitment + z
    assert len(store) == 1 + 2 * 4096
    assert any("blob_sidecars/5?indices=1" in c for c in node.calls) or not sidecars


def test_spec_40_byte_blob_hint_searches_the_slot(node: StubNode) -> None:
    blob, commitment = _blob()
    _beacon(node, blob, commitment)
    versioned = kzg_to_versioned_hash(commitment)
    store = MemoryKV()
    prefetcher = Prefetcher(store, sources(node))
    prefetcher.hint(f"l1-blob 0x{versioned.hex()}{(1060).to_bytes(8, 'big').hex()}")
    assert prefetcher.get(sha256_key(versioned)) == commitment
    assert store.get(blob_key(commitment, blob_evaluation_point(0))) == blob[:32]
    assert node.calls[-1] == "/eth/v1/beacon/blob_sidecars/5"


def test_blob_with_wrong_commitment_is_rejected(node: StubNode) -> None:
    blob, commitment = _blob()
    _beacon(node, blob[:-32] + b"\x00" * 31 + b"\x01", commitment)
    store = MemoryKV()
    prefetcher = Prefetcher(store, sources(node, attempts=2))
    versioned = kzg_to_versioned_hash(commitment)
    prefetcher.hint(f"l1-blob 0x{versioned.hex()}{(1).to_bytes(8, 'big').hex()}"
                    f"{(1060).to_bytes(8, 'big').hex()}")
    with pytest.raises(FetchedDataError, match="KZG commitment"):
        prefetcher.get(sha256_key(versioned))
    assert len(store) == 0


WRITER = """
import sys
from op_program.host.kvstore.disk import open_disk_kv
from op_program.host.witness import import_witness, read_witness
store = open_disk_kv(sys.argv[2])
print("started", flush=True)
import_witness(read_witness(sys.argv[1]), store)
"""


def test_datadir_of_a_killed_writer_still_verifies(tmp_path: Path) -> None:
    witness = fixtures_path("fpp", "op-sepolia-16491249", "preimages.json.gz")
    datadir = tmp_path / "data"
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(witness), str(datadir)],
                            stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline() == b"started\n"
    store = HexFileKV(datadir)
    while proc.poll() is None and sum(1 for _ in store.keys()) < 2000:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # a temp file as a kill between write and rename leaves it
    (datadir / ("0x" + "02" * 32 + ".txt.987654")).write_text("0badc0de")
    report = verify_store(store)
    assert report.bad == 0 and report.total >= 2000
    from op_program.cli.main import main

    assert main(["witness", "verify", str(datadir)]) == 0
