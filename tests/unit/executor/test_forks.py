"""Pre-Canyon deposit rules and the precompile accelerator hook, on synthetic chains.

Spec: specs/protocol/deposits.md#execution (Bedrock: deposits use their whole gas limit, system
transactions none; Regolith: real gas used and the deposit nonce in the receipt), the receipts-
root quirk between Regolith and Canyon (op-geth omits the deposit nonce from the root),
fault-proof/index.md#precompile-accelerators.
"""

import dataclasses

from op_program.executor.builder import build_block
from op_program.executor.precompiles import (
    BLS_G1_MSM_MAX_ISTHMUS,
    BLS_G1_MSM_MAX_JOVIAN,
    BN256_PAIRING_MAX_GRANITE,
    BN256_PAIRING_MAX_JOVIAN,
    ECRECOVER,
    PrecompileOutcome,
    PrecompileRules,
    input_limit,
)
from op_program.executor.source import MappingStateSource
from op_program.mpt.ordered import ordered_trie_root
from op_program.protocol.header import Header
from op_program.protocol.receipts import Receipt
from tests.unit.executor import harness as h

PRE_CANYON = dict(canyon_time=None, delta_time=None, ecotone_time=None, fjord_time=None,
                  granite_time=None, holocene_time=None)


def pre_canyon_parent(root: bytes) -> Header:
    parent = h.parent_header(root)
    return dataclasses.replace(
        parent, extra_data=b"", withdrawals_root=None, blob_gas_used=None, excess_blob_gas=None,
        parent_beacon_block_root=None)


def test_regolith_receipt_has_deposit_nonce_but_the_root_omits_it() -> None:
    root, pre = h.funded(0)
    cfg = h.config(**PRE_CANYON)
    result = h.build(cfg, pre_canyon_parent(root), h.attributes([h.deposit(h.ALICE, mint=1)]),
                     pre)
    receipt = result.receipts[0]
    assert (receipt.deposit_nonce, receipt.deposit_receipt_version) == (0, None)
    without_nonce = Receipt(receipt.tx_type, receipt.status, receipt.cumulative_gas_used,
                            receipt.logs_bloom, receipt.logs)
    assert result.header.receipts_root == ordered_trie_root([without_nonce.encode()])
    assert result.header.receipts_root != ordered_trie_root([receipt.encode()])
    assert result.header.withdrawals_root is None and result.header.extra_data == b""


def test_bedrock_deposits_use_their_gas_limit_and_system_deposits_none() -> None:
    root, pre = h.funded(0)
    cfg = h.config(regolith_time=None, **PRE_CANYON)
    txs = [h.deposit(h.ALICE, gas=90_000, is_system=True), h.deposit(h.ALICE, gas=70_000)]
    result = h.build(cfg, pre_canyon_parent(root), h.attributes(txs), pre)
    assert [r.cumulative_gas_used for r in result.receipts] == [0, 70_000]
    assert [r.status for r in result.receipts] == [1, 1]
    assert all(r.deposit_nonce is None for r in result.receipts)


class RecordingAccelerator:
    """An accelerator that answers ecrecover with a fixed address and records its calls."""

    def __init__(self, success: bool) -> None:
        self.calls: list[tuple[int, int, PrecompileRules]] = []
        self.success = success

    def accelerates(self, address: int) -> bool:
        return address == ECRECOVER

    def run(self, address: int, data: bytes, required_gas: int,
            rules: PrecompileRules) -> PrecompileOutcome:
        self.calls.append((address, required_gas, rules))
        return PrecompileOutcome(self.success, bytes(12) + b"\x11" * 20)


def test_accelerator_answers_ecrecover_with_the_evm_gas() -> None:
    root, pre = h.funded()
    ecrecover = (1).to_bytes(20, "big")
    for success, status in ((True, 1), (False, 0)):
        accelerator = RecordingAccelerator(success)
        tx = h.user_tx(0, ecrecover, data=b"\x01" * 128, gas=50_000)
        result = build_block(h.config(), h.parent_header(root), h.attributes([tx]),
                             MappingStateSource(pre), accelerator)
        assert [(a, g) for a, g, _ in accelerator.calls] == [(ECRECOVER, 3000)]
        assert accelerator.calls[0][2].granite
        assert result.receipts[0].status == status


def test_precompile_input_limits_per_fork() -> None:
    granite = PrecompileRules(fjord=True, granite=True)
    isthmus = PrecompileRules(fjord=True, granite=True, isthmus=True)
    jovian = PrecompileRules(fjord=True, granite=True, isthmus=True, jovian=True)
    assert input_limit(0x08, PrecompileRules()) is None
    assert input_limit(0x08, granite) == BN256_PAIRING_MAX_GRANITE == 112_687
    assert input_limit(0x08, jovian) == BN256_PAIRING_MAX_JOVIAN == 81_984
    karst = PrecompileRules(fjord=True, granite=True, isthmus=True, jovian=True, karst=True)
    assert input_limit(0x08, karst) == 57_600
    assert input_limit(0x0C, karst) == BLS_G1_MSM_MAX_JOVIAN
    assert input_limit(0x0C, granite) is None
    assert input_limit(0x0C, isthmus) == BLS_G1_MSM_MAX_ISTHMUS == 513_760
    assert input_limit(0x0C, jovian) == BLS_G1_MSM_MAX_JOVIAN == 288_960
    assert input_limit(0x0E, jovian) == 278_784
    assert input_limit(0x0F, isthmus) == 235_008
    assert input_limit(0x0F, jovian) == 156_672
