"""Conformance: network-upgrade deposit transactions, byte-exact against op-node/kona vectors."""

import json
import re
from pathlib import Path
from typing import Any

import pytest

from op_program.encoding.hashing import keccak256
from op_program.protocol.transactions import DepositTransaction, decode_transaction
from op_program.protocol.upgrades import (
    EIP2935_CREATION_CODE,
    EIP4788_CREATION_CODE,
    bytecode,
    create_address,
    upgrade_transactions,
)
from tests.fixture_paths import fixtures_path

COUNTS = {"ecotone": 6, "fjord": 3, "isthmus": 8, "interop": 4}


def _dir() -> Path:
    return fixtures_path("vectors", "kona-upgrade-txs")


def _hex_file(name: str) -> bytes:
    text = (_dir() / name).read_text()
    return bytes.fromhex("".join(text.split()).removeprefix("0x"))


def _meta() -> Any:
    return json.loads((_dir() / "upgrade_txs.json").read_text())


@pytest.mark.parametrize("fork", sorted(COUNTS))
def test_upgrade_transactions_byte_exact(fork: str) -> None:
    txs = upgrade_transactions(fork)
    assert len(txs) == COUNTS[fork]
    for index, tx in enumerate(txs):
        assert tx.encode() == _hex_file(f"{fork}_tx_{index}.hex"), f"{fork} tx {index}"


def test_tx_hashes_and_source_hashes_match_the_catalogue() -> None:
    by_file = {entry["file"]: entry for entry in _meta()["encoded_upgrade_txs"]["txs"]}
    for fork, count in COUNTS.items():
        for index, tx in enumerate(upgrade_transactions(fork)[:count]):
            entry = by_file[f"{fork}_tx_{index}.hex"]
            assert "0x" + tx.hash.hex() == entry["tx_hash"]
            assert "0x" + tx.source_hash.hex() == entry["source_hash"]
            decoded = decode_transaction(tx.encode())
            assert isinstance(decoded, DepositTransaction) and decoded == tx


def test_stated_source_hashes_for_every_fork_including_jovian() -> None:
    stated = _meta()["expected_source_hashes_stated_by_tests"]
    assert sorted(stated) == ["Ecotone", "Fjord", "Interop", "Isthmus", "Jovian"]
    for fork, hashes in stated.items():
        txs = upgrade_transactions(fork.lower())
        ours = ["0x" + tx.source_hash.hex() for tx in txs]
        assert ours[: len(hashes)] == list(hashes.values())  # Isthmus omits EIP-2935 there


def test_jovian_upgrade_fields() -> None:
    meta = _meta()["jovian_upgrade"]
    txs = upgrade_transactions("jovian")
    assert len(txs) == 5
    assert txs[0].data == _hex_file("jovian-l1-block-deployment.hex")
    assert txs[2].data == _hex_file("jovian-gas-price-oracle-deployment.hex")
    assert (txs[0].gas, txs[2].gas, txs[4].gas) == (447_315, 1_750_714, 90_000)
    addresses = meta["deployed_addresses"]
    assert "0x" + create_address(txs[0].from_address).hex() == addresses["L1Block"]
    assert "0x" + create_address(txs[2].from_address).hex() == addresses["GasPriceOracle"]
    assert txs[1].data.hex().endswith(addresses["L1Block"][2:])
    assert txs[4].data.hex() == "b3d72079"


def test_bytecode_package_data_equals_published_files() -> None:
    pairs = {
        "ecotone-l1-block-deployment": "l1_block_ecotone.hex",
        "ecotone-gas-price-oracle-deployment": "gpo_ecotone.hex",
        "fjord-gas-price-oracle-deployment": "gpo_fjord.hex",
        "isthmus-l1-block-deployment": "l1_block_isthmus.hex",
        "isthmus-gas-price-oracle-deployment": "gpo_isthmus.hex",
        "isthmus-operator-fee-deployment": "ofv_isthmus.hex",
        "interop-cross-l2-inbox-deployment": "crossl2inbox_interop.hex",
        "interop-l2-to-l2-cross-domain-messenger-deployment": "l2tol2_xdm_interop.hex",
    }
    for ours, theirs in pairs.items():
        assert bytecode(ours) == _hex_file(theirs), ours
    assert EIP4788_CREATION_CODE == _hex_file("eip4788_ecotone.hex")
    assert EIP2935_CREATION_CODE == _hex_file("eip2935_isthmus.hex")


def test_deployment_addresses_from_the_specs() -> None:
    stated = _meta()["deployed_code_hashes_stated_by_tests"]
    deployers = {
        "Ecotone.L1Block": (0, "4210"), "Ecotone.GasPriceOracle": (1, "4210"),
        "Fjord.GasPriceOracle": (2, "4210"), "Isthmus.L1Block": (3, "4210"),
        "Isthmus.GasPriceOracle": (4, "4210"), "Isthmus.OperatorFeeVault": (5, "4210"),
        "Interop.CrossL2Inbox": (0, "4220"), "Interop.L2ToL2XDM": (1, "4220"),
    }
    for key in stated:
        name, address = key.split("(")
        index, prefix = deployers[name]
        sender = bytes.fromhex(prefix + "00" * 17 + f"{index:02x}")
        assert "0x" + create_address(sender).hex() == address.rstrip(")")
    beacon = create_address(bytes.fromhex("0b799c86a49deeb90402691f1041aa3af2d3c875"))
    assert beacon.hex() == "000f3df6d732807ef1319fb7b8bb8522d0beac02"
    history = create_address(bytes.fromhex("3462413af4609098e1e27a490f554f260213d685"))
    assert history.hex() == "0000f90827f1c53a10cb7a02335b175320002935"


def test_forks_without_upgrade_transactions() -> None:
    assert upgrade_transactions("granite") == []
    assert upgrade_transactions("holocene") == []


def _runtime_code(creation: bytes) -> bytes:
    """Cut the runtime code out of solc creation code without immutables.

    Its constructor ends ``PUSH2 len DUP1 PUSH2 offset PUSH1 0|PUSH0 CODECOPY PUSH1 0|PUSH0
    RETURN INVALID``: the runtime is ``creation[offset : offset + len]``.
    """
    match = re.search(
        rb"\x61(..)\x80\x61(..)(?:\x60\x00|\x5f)\x39(?:\x60\x00|\x5f)\xf3\xfe", creation, re.S
    )
    assert match is not None
    length, offset = (int.from_bytes(match.group(i), "big") for i in (1, 2))
    return creation[offset : offset + length]


def test_deployed_code_hashes_match_the_published_ones() -> None:
    stated = _meta()["deployed_code_hashes_stated_by_tests"]
    jovian = _meta()["jovian_upgrade"]["deployed_code_hashes"]
    files = {
        "Ecotone.L1Block": "ecotone-l1-block-deployment",
        "Ecotone.GasPriceOracle": "ecotone-gas-price-oracle-deployment",
        "Fjord.GasPriceOracle": "fjord-gas-price-oracle-deployment",
        "Isthmus.L1Block": "isthmus-l1-block-deployment",
        "Isthmus.GasPriceOracle": "isthmus-gas-price-oracle-deployment",
        "Interop.CrossL2Inbox": "interop-cross-l2-inbox-deployment",
        "Interop.L2ToL2XDM": "interop-l2-to-l2-cross-domain-messenger-deployment",
    }
    # OperatorFeeVault sets immutables in its constructor: its code hash needs an EVM run.
    expected = {key.split("(")[0]: value for key, value in stated.items()}
    for name, file in files.items():
        assert "0x" + keccak256(_runtime_code(bytecode(file))).hex() == expected[name], name
    for name, file in [("L1Block", "jovian-l1-block-deployment"),
                       ("GasPriceOracle", "jovian-gas-price-oracle-deployment")]:
        assert "0x" + keccak256(_runtime_code(bytecode(file))).hex() == jovian[name], name
