"""End-to-end proofs through the real host fetching online from the devnet's loopback nodes.

The host runs with ``--exec``: the client is a child process speaking over real pipes.
"""

import logging
import re
from pathlib import Path

import pytest

from op_program.devnet.host_run import HostRun, run_host
from op_program.devnet.rpc_server import serve_devnet
from op_program.encoding.hashing import keccak256, sha256
from op_program.executor.builder import build_block
from op_program.executor.source import MappingStateSource
from op_program.host.kvstore.disk import open_disk_kv
from op_program.host.rpc.jsonrpc import JsonRpcClient
from op_program.host.rpc.l2 import L2Source
from op_program.host.rpc.retry import RetryPolicy
from op_program.preimage.keys import KeyType
from op_program.protocol.attributes import PayloadAttributes
from tests.e2e.scenarios import SCENARIOS, Scenario

pytestmark = pytest.mark.e2e

WRONG_CLAIM = bytes.fromhex("22" * 32)
HOST_SCENARIOS = tuple(sorted(set(SCENARIOS) - {"blobs-span-zlib"}))
"""Every scenario (one blob scenario is enough over pipes; the datadir test uses the other)."""


def _prove(scenario: Scenario, workdir: Path, claim: bytes | None = None,
           exec_client: bool = True) -> HostRun:
    devnet = scenario.devnet
    inputs = devnet.proof_inputs(scenario.agreed, scenario.claimed, claim, scenario.l1_head)
    with serve_devnet(devnet.l1, devnet.sequencer, devnet.rollup.l2_chain_id) as endpoints:
        return run_host(inputs, workdir, endpoints, exec_client=exec_client)


@pytest.fixture(scope="module", params=HOST_SCENARIOS)
def scenario(request: pytest.FixtureRequest) -> Scenario:
    """Build each scenario once for both claims."""
    return SCENARIOS[request.param]()


def test_host_proves_right_claim(scenario: Scenario, tmp_path: Path) -> None:
    """Online host + child client: the sequencer's output root is valid (exit 0)."""
    run = _prove(scenario, tmp_path)
    assert run.exit_code == 0
    assert run.stored_preimages() > 0


def test_host_rejects_wrong_claim(scenario: Scenario, tmp_path: Path) -> None:
    """Online host + child client: a wrong output root is invalid (exit 1)."""
    assert _prove(scenario, tmp_path, WRONG_CLAIM).exit_code == 1


def test_datadir_rehashes_and_derived_blocks_match(tmp_path: Path,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    """Everything the host stored re-hashes to its key; the client built the sequencer's blocks."""
    scenario = SCENARIOS["blobs-span-zlib"]()
    with caplog.at_level(logging.INFO, logger="op_program.client"):
        run = _prove(scenario, tmp_path, exec_client=False)
    assert run.exit_code == 0
    store = open_disk_kv(run.datadir)
    try:
        keys = list(store.keys())
        for key in keys:
            value = store.get(key)
            assert value is not None
            if key[0] == KeyType.KECCAK256:
                assert keccak256(value)[1:] == key[1:]
            elif key[0] == KeyType.SHA256:
                assert sha256(value)[1:] == key[1:]
    finally:
        store.close()
    assert {key[0] for key in keys} >= {KeyType.KECCAK256, KeyType.SHA256, KeyType.BLOB}
    built = {int(n): h for n, h in re.findall(r"Built L2 block number=(\d+) hash=0x(\w+)",
                                                caplog.text)}  # fmt: skip
    sequenced = {b.number: b.header.hash.hex() for b in scenario.devnet.sequencer.blocks}
    assert built and all(sequenced[n] == h for n, h in built.items())
    assert max(built) == scenario.claimed


def test_execution_witness_from_the_l2_node_rebuilds_the_block() -> None:
    """The host's payload-witness fetch (debug_executePayload) holds all a block needs."""
    scenario = SCENARIOS["calldata-span-brotli"]()
    devnet = scenario.devnet
    block = devnet.sequencer.blocks[2]  # a block with user transactions
    parent = devnet.sequencer.blocks[1].header
    extra = block.header.extra_data
    attributes = PayloadAttributes(
        timestamp=block.header.timestamp, prev_randao=block.header.mix_hash,
        suggested_fee_recipient=block.header.coinbase,
        parent_beacon_block_root=block.header.parent_beacon_block_root,
        gas_limit=block.header.gas_limit, transactions=block.transactions,
        eip1559_params=extra[1:9], min_base_fee=int.from_bytes(extra[9:17], "big"),
        withdrawals=(),
    )  # fmt: skip
    with serve_devnet(devnet.l1, devnet.sequencer, devnet.rollup.l2_chain_id) as endpoints:
        client = JsonRpcClient(endpoints.l2)
        try:
            source = L2Source(client, RetryPolicy(max_attempts=1), experimental=client)
            witness = source.payload_witness(parent.hash, attributes.to_json())
        finally:
            client.close()
    preimages = {keccak256(value): value for value in witness}
    rebuilt = build_block(devnet.rollup, parent, attributes, MappingStateSource(preimages))
    assert rebuilt.header.hash == block.header.hash


def test_host_claim_beyond_the_l1_head(tmp_path: Path) -> None:
    """With the batch above the L1 head, the host judges the claim at the safe head reached."""
    scenario = SCENARIOS["calldata-span-brotli"]()
    before_batch = scenario.devnet.l1.head.number - 2  # submit() mined the batch, then one more
    limited = Scenario(scenario.devnet, scenario.agreed, scenario.claimed, before_batch)
    assert _prove(limited, tmp_path / "sequencer").exit_code == 1
    agreed_output = scenario.devnet.sequencer.blocks[scenario.agreed].output.root
    assert _prove(limited, tmp_path / "safe-head", agreed_output).exit_code == 0
