"""Review of the Isthmus/Jovian executor rules against op-revm, op-geth and the specs.

Each test pins one rule that no real (Holocene) fixture block exercises; the docstring names
the reference behaviour it checks. References: op-revm ``handler.rs`` (deposits, fees, refunds,
``catch_error``), op-revm ``l1block.rs``/``constants.rs`` (L1Block slot 8 layout, operator fee
formulas), revm ``validation.rs``/``post_execution.rs`` (EIP-7623 floor, also for deposits),
op-geth ``core/state_transition.go`` (``innerExecute``: floor check and floor charge before the
Regolith deposit return; failed deposits keep mint and nonce), specs isthmus/jovian
exec-engine.md.
"""

import re
from collections.abc import Callable

from op_program.encoding.hashing import keccak256, sha256
from op_program.executor.builder import BlockResult
from op_program.executor.evm_backend import EvmBackend
from op_program.executor.fees.l1_cost import da_footprint
from op_program.executor.fees.operator_fee import operator_fee
from op_program.mpt.account import decode_storage_value
from op_program.mpt.lookup import trie_get
from op_program.protocol.l1_info import L1BlockInfo, L1InfoFork
from op_program.protocol.predeploys import (
    BASE_FEE_VAULT,
    BEACON_ROOTS,
    HISTORY_STORAGE,
    L1_FEE_VAULT,
    L2_TO_L1_MESSAGE_PASSER,
    OPERATOR_FEE_VAULT,
    SYSTEM_ADDRESS,
)
from tests.fixture_paths import fixtures_path
from tests.unit.executor import harness as h

WITHDRAWAL_REQUESTS = bytes.fromhex("00000961ef480eb55e80d19ad83579a64c007002")  # EIP-7002
CONSOLIDATION_REQUESTS = bytes.fromhex("0000bbddc7ce488642fb579f8b00f3a590007251")  # EIP-7251
SSTORE_ONE = bytes.fromhex("6001600055")  # storage[0] = 1 whenever called
OP_SCALAR, OP_CONSTANT = 2_000, 50_000
BALANCE = 10**21
HEAVY = b"\x01" * 1_000  # intrinsic 21,000 + 16,000; EIP-7623 floor 21,000 + 40,000
INTRINSIC, FLOOR = 37_000, 61_000
ISTHMUS = h.config(isthmus_time=0)
JOVIAN = h.config(isthmus_time=0, jovian_time=0)


def _runtime(name: str, start: int, length: int) -> bytes:
    """Runtime code inside a kona upgrade-tx initcode (CODECOPY(0, start, length); RETURN)."""
    text = fixtures_path("vectors", "kona-upgrade-txs", name).read_text()
    init = bytes.fromhex(re.sub(r"\s", "", text).removeprefix("0x"))
    return init[start:start + length]


def _state(slot8: int | None = None, extra: Callable[[EvmBackend], None] | None = None,
           ) -> tuple[bytes, dict[bytes, bytes]]:
    """SENDER/DEPOSITOR funded, message passer non-empty, L1Block slot 8 = ``slot8``."""
    def setup(backend: EvmBackend) -> None:
        backend.add_balance(h.SENDER, BALANCE)
        backend.set_code(h.L1_BLOCK, b"\x00")
        backend.set_storage(h.L1_BLOCK, 7, 1)
        if slot8 is not None:
            # L1Block declaration order: constant (offset 0), scalar (8), DA scalar (12).
            backend.set_storage(h.L1_BLOCK, 8, slot8)
        backend.set_storage(L2_TO_L1_MESSAGE_PASSER, 0, 1)
        if extra is not None:
            extra(backend)
    return h.make_state(setup)


def _slot8(scalar: int = OP_SCALAR, constant: int = OP_CONSTANT, da: int = 400) -> int:
    return (da << 96) | (scalar << 64) | constant


def _storage(result: BlockResult, pre: dict[bytes, bytes], address: bytes, slot: int) -> int:
    nodes = {**pre, **result.new_nodes}
    root = h.account(result, pre, address).storage_root
    raw = trie_get(root, keccak256(slot.to_bytes(32, "big")), nodes.__getitem__)
    return 0 if raw is None else decode_storage_value(raw)


def _paid(result: BlockResult, pre: dict[bytes, bytes]) -> dict[bytes, int]:
    return {a: h.account(result, pre, a).balance for a in (
        BASE_FEE_VAULT, L1_FEE_VAULT, OPERATOR_FEE_VAULT, h.FEE_RECIPIENT)}


# -- Q1: EIP-7623 floor for deposits ------------------------------------------------------


def test_isthmus_deposit_below_the_floor_is_a_failed_deposit_using_its_gas_limit() -> None:
    """op-geth innerExecute: ``GasLimit < floorDataGas`` is an error, and execute() turns a
    deposit's error into a failed deposit (mint kept, nonce bumped, gas used = gas limit);
    op-revm: validate_initial_tx_gas GasFloorMoreThanGasLimit -> catch_error FailedDeposit."""
    root, pre = _state()
    gas = (INTRINSIC + FLOOR) // 2
    raw = h.deposit(h.ALICE, data=HEAVY, gas=gas, mint=9, value=4)
    result = h.build(ISTHMUS, h.parent_header(root), h.attributes([raw]), pre)
    assert (result.receipts[0].status, result.header.gas_used) == (0, gas)
    depositor = h.account(result, pre, h.DEPOSITOR)
    assert (depositor.balance, depositor.nonce) == (9, 1)
    assert h.account(result, pre, h.ALICE).balance == 0
    # Before Prague there is no floor: the same deposit succeeds with its intrinsic gas.
    holocene = h.build(h.config(), h.parent_header(root), h.attributes([raw]), pre)
    assert (holocene.receipts[0].status, holocene.header.gas_used) == (1, INTRINSIC)


def test_isthmus_deposit_gas_used_is_raised_to_the_floor() -> None:
    """op-geth applies the floor (``gasUsed() < floorDataGas``) before the Regolith deposit
    early return; op-revm's default post_execution eip7623_check_gas_floor runs for deposits
    too (OpHandler does not override it). Receipt and header report the floor."""
    root, pre = _state()
    raw = h.deposit(h.ALICE, data=HEAVY, gas=100_000)
    result = h.build(ISTHMUS, h.parent_header(root), h.attributes([raw]), pre)
    assert (result.receipts[0].status, result.receipts[0].cumulative_gas_used) == (1, FLOOR)
    assert result.header.gas_used == FLOOR
    assert h.account(result, pre, h.DEPOSITOR).nonce == 1


# -- Q2: operator fee -------------------------------------------------------------------


def test_operator_fee_params_are_read_where_the_real_isthmus_l1block_stores_them() -> None:
    """The Isthmus L1Block bytecode (kona upgrade vector) stores setL1BlockValuesIsthmus's
    operator fee scalar/constant in slot 8; the executor must read them from the same bytes
    as op-revm (scalar at big-endian [20:24), constant at [24:32))."""
    code = _runtime("l1_block_isthmus.hex", 0x20, 0x6AE)
    root, pre = _state(extra=lambda b: b.set_code(h.L1_BLOCK, code))
    info = L1BlockInfo(
        fork=L1InfoFork.ISTHMUS, number=1, time=h.T0, base_fee=0, block_hash=b"\x55" * 32,
        sequence_number=0, batcher_address=bytes(20), operator_fee_scalar=3_000_000,
        operator_fee_constant=777,
    ).encode()
    l1_info = h.deposit(h.L1_BLOCK, data=info, gas=1_000_000)
    user = h.user_tx(0, h.ALICE, value=1)
    result = h.build(ISTHMUS, h.parent_header(root), h.attributes([l1_info, user]), pre)
    assert [r.status for r in result.receipts] == [1, 1]
    used = result.receipts[1].cumulative_gas_used - result.receipts[0].cumulative_gas_used
    assert used == 21_000
    assert h.account(result, pre, OPERATOR_FEE_VAULT).balance == 21_000 * 3 + 777


def test_operator_fee_params_are_read_where_the_real_jovian_l1block_stores_them() -> None:
    """Jovian L1Block (kona vector) packs constant, scalar and daFootprintGasScalar in slot 8;
    fee = gas * scalar * 100 + constant (jovian/exec-engine.md, op-revm l1block.rs) and the
    header's blobGasUsed is the DA footprint with that scalar."""
    code = _runtime("jovian-l1-block-deployment.hex", 0x20, 0x715)
    root, pre = _state(extra=lambda b: b.set_code(h.L1_BLOCK, code))
    info = L1BlockInfo(
        fork=L1InfoFork.JOVIAN, number=1, time=h.T0, base_fee=0, block_hash=b"\x55" * 32,
        sequence_number=0, batcher_address=bytes(20), operator_fee_scalar=3,
        operator_fee_constant=777, da_footprint_gas_scalar=600,
    ).encode()
    l1_info = h.deposit(h.L1_BLOCK, data=info, gas=1_000_000)
    user = h.user_tx(0, h.ALICE, value=1, max_fee=10**7)
    parent = h.parent_header(root, jovian=True)
    result = h.build(JOVIAN, parent, h.attributes([l1_info, user], min_base_fee=0), pre)
    assert [r.status for r in result.receipts] == [1, 1]
    assert h.account(result, pre, OPERATOR_FEE_VAULT).balance == 21_000 * 3 * 100 + 777
    assert result.header.blob_gas_used == da_footprint(user, 600)


def test_operator_fee_is_charged_on_gas_used_and_the_unused_part_refunded() -> None:
    """isthmus/exec-engine.md EVM fee semantics; op-revm reimburse_caller adds
    operator_fee_refund = fee(limit) - fee(used); op-geth refundIsthmusOperatorCost. The
    sender ends up paying exactly fee(used) to the OperatorFeeVault; no ETH is created."""
    for cfg, jovian in ((ISTHMUS, False), (JOVIAN, True)):
        root, pre = _state(_slot8())
        raw = h.user_tx(0, h.ALICE, gas=500_000, value=1, max_fee=10**7)
        parent = h.parent_header(root, jovian=jovian)
        attrs = h.attributes([raw], min_base_fee=0 if jovian else None)
        result = h.build(cfg, parent, attrs, pre)
        used = result.header.gas_used
        assert used == 21_000
        fee = operator_fee(used, OP_SCALAR, OP_CONSTANT, jovian)
        assert fee != operator_fee(500_000, OP_SCALAR, OP_CONSTANT, jovian)
        paid = _paid(result, pre)
        assert paid[OPERATOR_FEE_VAULT] == fee
        sender = h.account(result, pre, h.SENDER).balance
        assert BALANCE - sender == 1 + sum(paid.values())


def test_operator_fee_uses_the_gas_used_after_the_calldata_floor() -> None:
    """op-geth charges OperatorCostFunc(st.gasUsed()) after the floor raised gasUsed; op-revm
    reward_beneficiary uses gas.used() after eip7623_check_gas_floor. Base fee likewise."""
    root, pre = _state(_slot8())
    raw = h.user_tx(0, h.ALICE, data=HEAVY, gas=200_000)
    result = h.build(ISTHMUS, h.parent_header(root), h.attributes([raw]), pre)
    assert result.header.gas_used == FLOOR
    paid = _paid(result, pre)
    assert paid[OPERATOR_FEE_VAULT] == operator_fee(FLOOR, OP_SCALAR, OP_CONSTANT, False)
    assert paid[BASE_FEE_VAULT] == FLOOR * h.PARENT_BASE_FEE


def test_deposits_pay_no_operator_fee() -> None:
    """isthmus/exec-engine.md#deposit-operator-fees; op-revm operator_fee_charge returns 0 for
    0x7E input and reward_beneficiary returns early for deposits."""
    root, pre = _state(_slot8())
    raw = h.deposit(h.ALICE, gas=100_000, mint=10**18, value=5)
    result = h.build(ISTHMUS, h.parent_header(root), h.attributes([raw]), pre)
    assert result.receipts[0].status == 1
    assert set(_paid(result, pre).values()) == {0}
    assert h.account(result, pre, h.DEPOSITOR).balance == 10**18 - 5


# -- Q3: Jovian header and base fee -----------------------------------------------------


def test_jovian_da_footprint_counts_only_user_transactions() -> None:
    """jovian/exec-engine.md daFootprint skips DEPOSIT_TX_TYPE; op-geth CalcDAFootprint."""
    root, pre = _state(_slot8(da=400))
    deposit = h.deposit(h.ALICE, data=HEAVY, gas=200_000)
    user = h.user_tx(0, h.ALICE, max_fee=10**7)
    parent = h.parent_header(root, jovian=True)
    result = h.build(JOVIAN, parent, h.attributes([deposit, user], min_base_fee=0), pre)
    assert result.header.blob_gas_used == da_footprint(user, 400)
    deposits_only = h.build(JOVIAN, parent, h.attributes([deposit], min_base_fee=0), pre)
    assert deposits_only.header.blob_gas_used == 0


def test_jovian_base_fee_meters_max_of_gas_used_and_blob_gas_used() -> None:
    """Jovian: gasMetered = max(gasUsed, blobGasUsed) of the parent; an Isthmus parent's
    blobGasUsed is not metered (it is 0 there by rule, but a non-zero one must be ignored)."""
    root, pre = _state(_slot8())
    target = h.GAS_LIMIT // 6
    busy_gas = h.parent_header(root, jovian=True, gas_used=2 * target, blob_gas_used=target)
    busy_da = h.parent_header(root, jovian=True, gas_used=target, blob_gas_used=2 * target)
    attrs = h.attributes([], min_base_fee=0)
    fee_gas = h.build(JOVIAN, busy_gas, attrs, pre).header.base_fee_per_gas
    fee_da = h.build(JOVIAN, busy_da, attrs, pre).header.base_fee_per_gas
    assert fee_gas == fee_da and fee_gas is not None and fee_gas > h.PARENT_BASE_FEE
    isthmus_parent = h.parent_header(root, gas_used=target, blob_gas_used=2 * target)
    fee = h.build(ISTHMUS, isthmus_parent, h.attributes([]), pre).header.base_fee_per_gas
    assert fee == h.PARENT_BASE_FEE


# -- Q4: Isthmus system behaviour -------------------------------------------------------


def test_isthmus_block_calls_eip2935_but_not_eip7002_or_eip7251() -> None:
    """isthmus/exec-engine.md#block-sealing: no EIP-7002/7251 system calls, requestsHash =
    sha256(''); the EIP-2935 contract stores the parent hash at (number - 1) % 8191;
    withdrawalsRoot = L2ToL1MessagePasser storage root."""
    history = _runtime("eip2935_isthmus.hex", 9, 0x53)

    def contracts(backend: EvmBackend) -> None:
        backend.set_code(HISTORY_STORAGE, history)
        backend.set_code(WITHDRAWAL_REQUESTS, SSTORE_ONE)
        backend.set_code(CONSOLIDATION_REQUESTS, SSTORE_ONE)
    root, pre = _state(_slot8(), extra=contracts)
    parent = h.parent_header(root)
    result = h.build(ISTHMUS, parent, h.attributes([h.deposit(h.ALICE)]), pre)
    assert _storage(result, pre, HISTORY_STORAGE, parent.number % 8191) == (
        int.from_bytes(parent.hash, "big"))
    assert _storage(result, pre, WITHDRAWAL_REQUESTS, 0) == 0
    assert _storage(result, pre, CONSOLIDATION_REQUESTS, 0) == 0
    assert result.header.requests_hash == sha256(b"")
    passer = h.account(result, pre, L2_TO_L1_MESSAGE_PASSER)
    assert result.header.withdrawals_root == passer.storage_root


# -- Q5: deposit flow -------------------------------------------------------------------


def test_failed_creation_deposit_bumps_the_nonce_once_and_keeps_the_mint() -> None:
    """op-geth execute(): on a deposit error the state after mint is reverted and the nonce
    set to nonce + 1 (once, also for creations); op-revm catch_error: bump_nonce + mint."""
    root, pre = _state()
    too_big = h.deposit(None, data=b"\x00" * (2 * 24_576 + 1), gas=5_000_000, mint=3)
    result = h.build(ISTHMUS, h.parent_header(root), h.attributes([too_big]), pre)
    assert (result.receipts[0].status, result.header.gas_used) == (0, 5_000_000)
    assert result.receipts[0].deposit_nonce == 0
    depositor = h.account(result, pre, h.DEPOSITOR)
    assert (depositor.balance, depositor.nonce) == (3, 1)


def test_system_calls_leave_no_trace_before_their_contracts_exist() -> None:
    """At the Isthmus activation block the EIP-2935 contract is not deployed yet (the upgrade
    deposits deploy it; here EIP-4788's is absent too): geth's evm.Call to a non-existent
    account with zero value returns without creating it, and the empty system-address
    account is removed (Finalise)."""
    root, pre = _state()
    result = h.build(ISTHMUS, h.parent_header(root), h.attributes([h.deposit(h.ALICE)]), pre)
    nodes = {**pre, **result.new_nodes}
    for address in (HISTORY_STORAGE, BEACON_ROOTS, SYSTEM_ADDRESS):
        assert trie_get(result.header.state_root, keccak256(address), nodes.__getitem__) is None
