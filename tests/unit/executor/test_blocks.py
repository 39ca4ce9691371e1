"""OP block rules on synthetic chains: deposits, fee vaults, validity, fork-specific behaviour.

Spec: specs/protocol/deposits.md#execution, exec-engine.md#fees, canyon (create2deployer),
granite (bn256Pairing limit), isthmus (operator fee, withdrawals root, requests hash), jovian
(min base fee, DA footprint, operator fee formula).
"""

import dataclasses

import pytest

from op_program.encoding.hashing import keccak256, sha256
from op_program.executor.base_fee import Eip1559Params, encode_extra_data
from op_program.executor.errors import (
    InvalidTransactionError,
    MissingStateError,
    TransactionDecodingError,
)
from op_program.executor.evm_backend import EvmBackend
from op_program.executor.evm_types import EMPTY_ROOT
from op_program.executor.fees.l1_cost import L1FeeParams, da_footprint, l1_cost
from op_program.executor.fees.operator_fee import operator_fee
from op_program.executor.rules import block_rules
from op_program.executor.system import CREATE2_DEPLOYER_CODE_HASH
from op_program.protocol.predeploys import (
    BASE_FEE_VAULT,
    CREATE2_DEPLOYER,
    L1_FEE_VAULT,
    L2_TO_L1_MESSAGE_PASSER,
    OPERATOR_FEE_VAULT,
)
from tests.unit.executor import harness as h

REVERTER = bytes.fromhex("00000000000000000000000000000000000bad00")
SCALARS = (1368 << 96) | (810949 << 64)  # baseFeeScalar, blobBaseFeeScalar (Ecotone slot 3)


def test_user_transaction_pays_base_fee_l1_fee_and_tip_to_their_vaults() -> None:
    balance = 10**21
    root, pre = h.funded(balance, l1_base_fee=30 * 10**9, scalars=SCALARS)
    raw = h.user_tx(0, h.ALICE, value=5, tip=1_000)
    result = h.build(h.config(), h.parent_header(root), h.attributes([raw]), pre)
    used = result.header.gas_used
    base_fee = result.header.base_fee_per_gas
    assert used == 21_000 and base_fee == h.PARENT_BASE_FEE
    fee = l1_cost(raw, L1FeeParams(l1_base_fee=30 * 10**9, blob_base_fee=1,
                                   base_fee_scalar=1368, blob_base_fee_scalar=810949),
                  block_rules(h.config(), h.T0 + 2).l1_cost)
    assert fee > 0
    assert h.account(result, pre, BASE_FEE_VAULT).balance == used * base_fee
    assert h.account(result, pre, L1_FEE_VAULT).balance == fee
    assert h.account(result, pre, h.FEE_RECIPIENT).balance == used * 1_000
    assert h.account(result, pre, h.ALICE).balance == 5
    sender = h.account(result, pre, h.SENDER)
    assert sender.balance == balance - 5 - used * (base_fee + 1_000) - fee
    assert sender.nonce == 1
    assert result.receipts[0].status == 1 and result.receipts[0].deposit_nonce is None


def test_failed_deposit_keeps_mint_bumps_nonce_and_uses_all_its_gas() -> None:
    root, pre = h.funded(0)
    raw = h.deposit(h.ALICE, gas=20_000, mint=7)  # below the 21,000 intrinsic gas
    result = h.build(h.config(), h.parent_header(root), h.attributes([raw]), pre)
    receipt = result.receipts[0]
    assert (receipt.status, receipt.cumulative_gas_used) == (0, 20_000)
    assert (receipt.deposit_nonce, receipt.deposit_receipt_version) == (0, 1)
    depositor = h.account(result, pre, h.DEPOSITOR)
    assert (depositor.balance, depositor.nonce) == (7, 1)
    assert result.header.gas_used == 20_000


def test_reverting_deposit_keeps_mint_but_not_the_value_transfer() -> None:
    root, pre = h.funded(0, extra=lambda b: b.set_code(REVERTER, bytes.fromhex("60006000fd")))
    raw = h.deposit(REVERTER, gas=50_000, mint=10, value=3)
    result = h.build(h.config(), h.parent_header(root), h.attributes([raw]), pre)
    receipt = result.receipts[0]
    assert receipt.status == 0
    assert 21_000 < receipt.cumulative_gas_used < 50_000  # Regolith: the real gas used
    assert h.account(result, pre, h.DEPOSITOR).balance == 10
    assert h.account(result, pre, REVERTER).balance == 0


def test_deposit_value_transfer_and_creation() -> None:
    root, pre = h.funded(0)
    init = bytes.fromhex("600160005360016000f3")  # returns the 1-byte code 0x01
    result = h.build(h.config(), h.parent_header(root), h.attributes(
        [h.deposit(h.ALICE, mint=9, value=4), h.deposit(None, data=init, gas=200_000)]), pre)
    assert [r.status for r in result.receipts] == [1, 1]
    assert [r.deposit_nonce for r in result.receipts] == [0, 1]
    assert h.account(result, pre, h.ALICE).balance == 4
    created = keccak256(bytes.fromhex("d694") + h.DEPOSITOR + b"\x01")[12:]
    assert h.account(result, pre, created).code_hash == keccak256(b"\x01")


def test_system_deposit_after_regolith_is_a_failed_deposit() -> None:
    root, pre = h.funded(0)
    raw = h.deposit(h.ALICE, gas=60_000, mint=1, is_system=True)
    result = h.build(h.config(), h.parent_header(root), h.attributes([raw]), pre)
    assert (result.receipts[0].status, result.header.gas_used) == (0, 60_000)
    assert h.account(result, pre, h.ALICE).balance == 0


@pytest.mark.parametrize(("raw_of", "reason"), [
    (lambda: h.user_tx(5, h.ALICE), "nonce"),
    (lambda: h.user_tx(0, h.ALICE, chain_id=1), "chain id"),
    (lambda: h.user_tx(0, h.ALICE, max_fee=h.PARENT_BASE_FEE - 1, tip=0), "below base fee"),
    (lambda: h.user_tx(0, h.ALICE, gas=20_000), "intrinsic"),
    (lambda: h.user_tx(0, h.ALICE, gas=31_000_000), "remaining gas"),
    (lambda: h.user_tx(0, None, data=b"\x00" * 49_153, gas=5_000_000), "initcode"),
])
def test_invalid_user_transactions_name_index_and_reason(raw_of: object, reason: str) -> None:
    root, pre = h.funded()
    assert callable(raw_of)
    txs = [h.deposit(h.ALICE), raw_of()]
    with pytest.raises(InvalidTransactionError) as info:
        h.build(h.config(), h.parent_header(root), h.attributes(txs), pre)
    assert info.value.index == 1
    assert reason in info.value.reason


def test_balance_check_includes_the_l1_fee() -> None:
    gas, max_fee = 21_000, 2 * h.PARENT_BASE_FEE
    root, pre = h.funded(gas * max_fee, l1_base_fee=10**9, scalars=SCALARS)
    with pytest.raises(InvalidTransactionError, match="insufficient funds"):
        h.build(h.config(), h.parent_header(root),
                h.attributes([h.user_tx(0, h.ALICE, gas=gas, max_fee=max_fee)]), pre)


@pytest.mark.parametrize(
    "raw", [b"", b"\x02", b"\x02\xc0", b"\xff\x01\x02", b"\x7e\xc3\x01\x02\x03"]
)
def test_garbage_transactions_are_typed_decode_errors(raw: bytes) -> None:
    root, pre = h.funded()
    with pytest.raises(TransactionDecodingError) as info:
        h.build(h.config(), h.parent_header(root), h.attributes([h.deposit(h.ALICE), raw]), pre)
    assert info.value.index == 1


def test_blob_transactions_are_invalid() -> None:
    from op_program.protocol.transactions import BlobTransaction

    blob = BlobTransaction(h.CHAIN_ID, 0, 1, 2 * h.PARENT_BASE_FEE, 100_000, h.ALICE, 0, b"", (),
                           1, (b"\x01" + bytes(31),), 0, 1, 1)
    root, pre = h.funded()
    with pytest.raises(InvalidTransactionError, match="blob"):
        h.build(h.config(), h.parent_header(root), h.attributes([blob.encode()]), pre)


def test_missing_state_is_a_typed_error() -> None:
    root, pre = h.funded()
    with pytest.raises(MissingStateError):
        h.build(h.config(), h.parent_header(root), h.attributes([h.user_tx(0, h.ALICE)]), {})


def test_canyon_activation_block_installs_create2deployer() -> None:
    cfg = h.config(canyon_time=h.T0 + 2, delta_time=None, ecotone_time=None, fjord_time=None,
                   granite_time=None, holocene_time=None)
    root, pre = h.funded()
    parent = h.parent_header(root)
    result = h.build(cfg, parent, h.attributes([h.deposit(h.ALICE)]), pre)
    assert h.account(result, pre, CREATE2_DEPLOYER).code_hash == (
        CREATE2_DEPLOYER_CODE_HASH)
    assert result.header.extra_data == b"" and result.header.blob_gas_used is None
    later = h.build(cfg, parent, h.attributes([h.deposit(h.ALICE)], timestamp=h.T0 + 4), pre)
    assert h.account(later, pre, CREATE2_DEPLOYER).code_hash != (
        CREATE2_DEPLOYER_CODE_HASH)


def test_granite_limits_bn256_pairing_input() -> None:
    root, pre = h.funded()
    pairing = bytes.fromhex("0000000000000000000000000000000000000008")
    over = h.user_tx(0, pairing, data=bytes(192 * 587), gas=25_000_000)
    ok = h.user_tx(1, pairing, data=b"", gas=100_000)
    result = h.build(h.config(), h.parent_header(root), h.attributes([over, ok]), pre)
    assert [r.status for r in result.receipts] == [0, 1]
    assert result.receipts[0].cumulative_gas_used == 25_000_000


def isthmus_state(backend: EvmBackend) -> None:
    backend.add_balance(h.SENDER, 10**21)
    backend.set_code(h.L1_BLOCK, b"\x00")
    backend.set_storage(h.L1_BLOCK, 1, 10**9)
    backend.set_storage(h.L1_BLOCK, 3, SCALARS)
    backend.set_storage(h.L1_BLOCK, 7, 1)
    # daFootprintGasScalar 400 (offset 12), operatorFeeScalar 2,000 (offset 8),
    # operatorFeeConstant 50,000 (offset 0).
    backend.set_storage(h.L1_BLOCK, 8, (400 << 96) | (2_000 << 64) | 50_000)
    backend.set_storage(L2_TO_L1_MESSAGE_PASSER, 0, 1)


def test_isthmus_operator_fee_withdrawals_root_and_requests_hash() -> None:
    root, pre = h.make_state(isthmus_state)
    cfg = h.config(isthmus_time=0)
    raw = h.user_tx(0, h.ALICE, value=1)
    result = h.build(cfg, h.parent_header(root), h.attributes([raw]), pre)
    used = result.header.gas_used
    assert h.account(result, pre, OPERATOR_FEE_VAULT).balance == operator_fee(
        used, 2_000, 50_000, jovian=False)
    passer = h.account(result, pre, L2_TO_L1_MESSAGE_PASSER).storage_root
    assert passer != EMPTY_ROOT and result.header.withdrawals_root == passer
    assert result.message_passer_storage_root == passer
    assert result.header.requests_hash == sha256(b"")
    assert result.output_root(lambda k: pre[k]) != bytes(32)


def test_jovian_min_base_fee_da_footprint_and_operator_fee() -> None:
    root, pre = h.make_state(isthmus_state)
    cfg = h.config(isthmus_time=0, jovian_time=0)
    parent = h.parent_header(root, jovian=True)
    parent = dataclasses.replace(
        parent, extra_data=encode_extra_data(Eip1559Params(250, 6, 5 * 10**6), True)
    )
    raw = h.user_tx(0, h.ALICE, value=1, max_fee=10**7)
    attrs = h.attributes([raw], min_base_fee=7 * 10**6)
    result = h.build(cfg, parent, attrs, pre)
    assert result.header.base_fee_per_gas == 5 * 10**6  # parent at target, clamped up to min
    assert result.header.extra_data == encode_extra_data(Eip1559Params(250, 6, 7 * 10**6), True)
    assert result.header.blob_gas_used == da_footprint(raw, 400) > 0
    assert h.account(result, pre, OPERATOR_FEE_VAULT).balance == operator_fee(
        result.header.gas_used, 2_000, 50_000, jovian=True)


def test_jovian_base_fee_meters_the_parent_da_footprint() -> None:
    root, pre = h.make_state(isthmus_state)
    cfg = h.config(isthmus_time=0, jovian_time=0)
    quiet = h.parent_header(root, jovian=True)
    busy = h.parent_header(root, jovian=True, blob_gas_used=h.GAS_LIMIT)
    attrs = h.attributes([], min_base_fee=0)
    low = h.build(cfg, quiet, attrs, pre).header.base_fee_per_gas
    high = h.build(cfg, busy, attrs, pre).header.base_fee_per_gas
    assert low == h.PARENT_BASE_FEE
    assert high is not None and high > low


def test_jovian_da_footprint_over_the_gas_limit_invalidates_the_transaction() -> None:
    def state(backend: EvmBackend) -> None:
        isthmus_state(backend)
        backend.set_storage(h.L1_BLOCK, 8, 65_535 << 96)  # daFootprintGasScalar at its maximum
    root, pre = h.make_state(state)
    cfg = h.config(isthmus_time=0, jovian_time=0)
    attrs = dataclasses.replace(
        h.attributes([h.deposit(h.ALICE), h.user_tx(0, h.ALICE, max_fee=10**7)], min_base_fee=0),
        gas_limit=5_000_000,
    )
    with pytest.raises(InvalidTransactionError, match="DA footprint") as info:
        h.build(cfg, h.parent_header(root, jovian=True), attrs, pre)
    assert info.value.index == 1


def test_bn256_pairing_has_post_istanbul_gas_prices() -> None:
    # DESIGN §11: 45,000 base + 34,000 per pair (EIP-1108), not Byzantium's 100,000 + 80,000.
    root, pre = h.funded()
    pairing = bytes.fromhex("0000000000000000000000000000000000000008")
    result = h.build(h.config(), h.parent_header(root),
                     h.attributes([h.user_tx(0, pairing, gas=100_000)]), pre)
    assert (result.receipts[0].status, result.header.gas_used) == (1, 21_000 + 45_000)


def test_set_code_transactions_are_invalid_before_isthmus() -> None:
    from op_program.protocol.transactions import Authorization, SetCodeTransaction

    tx = SetCodeTransaction(h.CHAIN_ID, 0, 0, 2 * h.PARENT_BASE_FEE, 100_000, h.ALICE, 0, b"", (),
                            (Authorization(h.CHAIN_ID, h.ALICE, 0, 0, 1, 1),), 0, 1, 1)
    root, pre = h.funded()
    with pytest.raises(InvalidTransactionError, match="set-code") as info:
        h.build(h.config(), h.parent_header(root), h.attributes([tx.encode()]), pre)
    assert info.value.index == 0


def test_creation_onto_an_address_with_storage_collides() -> None:
    # EIP-7610: a non-empty storage makes CREATE fail like an existing nonce or code would.
    target = keccak256(bytes.fromhex("d694") + h.SENDER + b"\x80")[12:]
    root, pre = h.funded(extra=lambda b: b.set_storage(target, 1, 1))
    tx = h.user_tx(0, None, data=bytes.fromhex("600160005360016000f3"), gas=100_000)
    result = h.build(h.config(), h.parent_header(root), h.attributes([tx]), pre)
    assert (result.receipts[0].status, result.header.gas_used) == (0, 100_000)
    assert h.account(result, pre, target).code_hash == keccak256(b"")
    assert h.account(result, pre, h.SENDER).nonce == 1


def test_halting_deposit_uses_all_its_gas_and_keeps_mint_and_nonce() -> None:
    invalid = bytes.fromhex("00000000000000000000000000000000000bad01")
    root, pre = h.funded(0, extra=lambda b: b.set_code(invalid, bytes.fromhex("6001600055fe")))
    raw = h.deposit(invalid, gas=80_000, mint=5, value=2)
    result = h.build(h.config(), h.parent_header(root), h.attributes([raw]), pre)
    assert (result.receipts[0].status, result.header.gas_used) == (0, 80_000)
    depositor = h.account(result, pre, h.DEPOSITOR)
    assert (depositor.balance, depositor.nonce) == (5, 1)
    target = h.account(result, pre, invalid)
    assert (target.balance, target.storage_root) == (0, EMPTY_ROOT)
