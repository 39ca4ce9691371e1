"""Primitives against real data: executor fixtures, op-alloy encodings, output-root vectors."""

import gzip
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from op_program.encoding.hashing import keccak256
from op_program.encoding.hex import hex_to_bytes
from op_program.encoding.rlp import rlp_encode
from op_program.mpt.account import Account
from op_program.mpt.lookup import trie_get
from op_program.protocol.header import Header
from op_program.protocol.output_root import OutputV0, output_root_v0, super_root_v1
from op_program.protocol.receipts import Receipt
from op_program.protocol.transactions import DepositTransaction, TxType, decode_transaction
from tests.fixture_paths import FIXTURES, fixtures_path

EXECUTOR = FIXTURES / "executor"
EXECUTOR_CASES = sorted(p.name for p in EXECUTOR.iterdir()) if EXECUTOR.is_dir() else []
L1_INFO_DEPOSITOR = hex_to_bytes("0xdeaddeaddeaddeaddeaddeaddeaddeaddead0001")
L1_BLOCK_PREDEPLOY = hex_to_bytes("0x4200000000000000000000000000000000000015")


@cache
def _fixture(name: str) -> dict[str, Any]:
    path = fixtures_path("executor", name, "fixture.json")
    result: dict[str, Any] = json.loads(path.read_text())
    return result


@cache
def _preimages(name: str) -> dict[bytes, bytes]:
    path = fixtures_path("executor", name, "preimages.json.gz")
    with gzip.open(path, "rt") as f:
        raw: dict[str, str] = json.load(f)
    return {hex_to_bytes(k): hex_to_bytes(v) for k, v in raw.items()}


def _case(name: str) -> tuple[str, int]:
    chain, number = name.rsplit("-", 1)
    return chain, int(number)


@pytest.mark.conformance
@pytest.mark.parametrize("name", EXECUTOR_CASES)
def test_parent_header_hash_and_fields(name: str) -> None:
    fixture = _fixture(name)
    header = Header.from_rpc(fixture["parent_header"])
    chain, number = _case(name)
    assert header.number == number - 1
    assert Header.decode(header.encode()) == header
    # The block hash: where the fixture of the parent block exists, its expected hash is the
    # hash of this parent header (the preimage sets hold no headers to look it up by).
    previous = f"{chain}-{number - 1}"
    if previous in EXECUTOR_CASES:
        assert "0x" + header.hash.hex() == _fixture(previous)["expected_block_hash"]
    # The state root names the root node of the state trie in the witness.
    preimages = _preimages(name)
    assert header.state_root in preimages
    assert keccak256(preimages[header.state_root]) == header.state_root


@pytest.mark.conformance
def test_parent_headers_link_to_the_previous_fixture() -> None:
    """At least some fixtures are consecutive, so the block-hash check above really runs."""
    fixtures_path("executor")
    previous = {"{}-{}".format(chain, number - 1) for chain, number in map(_case, EXECUTOR_CASES)}
    assert len(previous & set(EXECUTOR_CASES)) >= 4


@pytest.mark.conformance
@pytest.mark.parametrize("name", EXECUTOR_CASES)
def test_payload_transactions_round_trip_and_recover(name: str) -> None:
    fixture = _fixture(name)
    parent = Header.from_rpc(fixture["parent_header"])
    preimages = _preimages(name)
    raws = [hex_to_bytes(t) for t in fixture["executing_payload"]["transactions"]]
    first_nonce: dict[bytes, int] = {}
    for index, raw in enumerate(raws):
        tx = decode_transaction(raw)
        assert tx.encode() == raw
        assert tx.hash == keccak256(raw)
        if isinstance(tx, DepositTransaction):
            if index == 0:  # the L1-info deposit
                assert tx.from_address == L1_INFO_DEPOSITOR
                assert tx.to == L1_BLOCK_PREDEPLOY
            continue
        assert tx.tx_type != TxType.DEPOSIT
        first_nonce.setdefault(tx.recover_sender(), tx.nonce)
    # The recovered senders are real accounts of the parent state whose nonce is the nonce of
    # their first transaction in the block: a wrong recovery would name an unknown account.
    for sender, nonce in first_nonce.items():
        value = trie_get(parent.state_root, keccak256(sender), preimages.__getitem__)
        assert value is not None, f"sender 0x{sender.hex()} not in the parent state"
        assert Account.decode(value).nonce == nonce


@cache
def _vectors(folder: str, file: str) -> dict[str, Any]:
    path: Path = fixtures_path("vectors", folder, file)
    result: dict[str, Any] = json.loads(path.read_text())
    return result


def _alloy() -> dict[str, Any]:
    return _vectors("op-alloy-encodings", "op_alloy_vectors.json")


@pytest.mark.conformance
@pytest.mark.parametrize("index", range(3))
def test_op_alloy_deposit_transactions(index: int) -> None:
    vector = _alloy()["deposit_txs"][index]
    raw = bytes.fromhex(vector["hex"])
    tx = decode_transaction(raw)
    assert isinstance(tx, DepositTransaction)
    assert tx.encode() == raw
    assert "0x" + tx.hash.hex() == vector["derived_tx_hash"]
    expected = vector["derived_decoded"]
    assert "0x" + tx.source_hash.hex() == expected["source_hash"]
    assert "0x" + tx.from_address.hex() == expected["from"]
    assert tx.to is not None and "0x" + tx.to.hex() == expected["to"]
    assert (tx.mint, tx.value, tx.gas) == (expected["mint"], expected["value"], expected["gas"])
    assert tx.is_system_tx == expected["is_system"]
    assert tx.data[:4].hex() == expected["input_selector"]
    assert len(tx.data) == expected["input_len"]


# (status, cumulative gas used, log count, deposit nonce, deposit receipt version) per vector.
ALLOY_RECEIPTS = [
    (0, 1, 1, None, None),
    (0, 1, 1, None, None),
    (1, 46913, 0, 4012991, None),
    (1, 46913, 0, 4012991, 1),
    (0, 1, 1, None, None),
    (1, 46913, 0, 4012991, None),
    (1, 46913, 0, 4012991, 1),
]


@pytest.mark.conformance
@pytest.mark.parametrize("index", range(len(ALLOY_RECEIPTS)))
def test_op_alloy_receipts(index: int) -> None:
    vector = _alloy()["receipts"][index]
    raw = bytes.fromhex(vector["hex"])
    expected = ALLOY_RECEIPTS[index]
    is_deposit = expected[3] is not None
    if is_deposit and raw[0] >= 0xC0:
        # op-alloy's OpDepositReceipt vectors are the bare RLP body of a 0x7E receipt.
        receipt = Receipt.decode(b"\x7e" + raw)
        assert receipt.encode()[1:] == raw
    elif raw[0] < 0xC0:
        # Network form: the typed receipt wrapped in an RLP byte string.
        receipt = Receipt.decode(raw)
        assert rlp_encode(receipt.encode()) == raw
    else:
        receipt = Receipt.decode(raw)
        assert receipt.encode() == raw
    got = (receipt.status, receipt.cumulative_gas_used, len(receipt.logs),
           receipt.deposit_nonce, receipt.deposit_receipt_version)
    assert got == expected
    assert receipt.tx_type == (0x7E if is_deposit else 0)
    if receipt.logs:
        log = receipt.logs[0]
        assert log.address == b"\x00" * 19 + b"\x11"
        assert [t[-2:].hex() for t in log.topics] == ["dead", "beef"]
        assert log.data == b"\x01\x00\xff"


def _output_roots() -> dict[str, Any]:
    return _vectors("output-roots", "output_root_vectors.json")


@pytest.mark.conformance
@pytest.mark.parametrize("index", range(2))
def test_output_root_v0_vectors(index: int) -> None:
    vector = _output_roots()["output_root_v0"]["vectors"][index]
    parts = [hex_to_bytes(vector[k]) for k in
             ("state_root", "message_passer_storage_root", "block_hash")]
    assert "0x" + output_root_v0(*parts).hex() == vector["expected_output_root"]
    if "expected_encoding" in vector:
        assert "0x" + OutputV0(*parts).encode().hex() == vector["expected_encoding"]


@pytest.mark.conformance
def test_super_root_v1_vector() -> None:
    vector = _output_roots()["super_root_v1"]["vectors"][0]
    outputs = [(o["chain_id"], hex_to_bytes(o["output_root"])) for o in vector["outputs"]]
    assert "0x" + super_root_v1(vector["timestamp"], outputs).hex() == vector["expected_hash"]
