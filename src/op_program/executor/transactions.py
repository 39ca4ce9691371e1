"""Transaction application: run one deposit or user transaction and make its receipt.

Spec: specs/protocol/deposits.md#execution (mint first and kept on failure, no fee, nonce
bumped, failed deposits use all their gas; Regolith reports real gas used and adds the deposit
nonce; Canyon the receipt version), specs/protocol/exec-engine.md#fees (base fee to the
BaseFeeVault, L1 data fee to the L1FeeVault; ecotone/fjord formulas), isthmus/exec-engine.md
(operator fee to the OperatorFeeVault, unused part refunded).
"""

from dataclasses import dataclass

from op_program.executor.errors import InvalidTransactionError, TransactionDecodingError
from op_program.executor.evm_backend import EvmBackend
from op_program.executor.evm_types import EvmTransaction
from op_program.executor.fees.l1_cost import l1_cost, read_l1_fee_params
from op_program.executor.fees.operator_fee import operator_fee
from op_program.executor.rules import BlockRules
from op_program.executor.validity import (
    TxCheck,
    check_type,
    check_user_transaction,
    deposit_failure,
    intrinsic_gas,
)
from op_program.protocol.errors import ProtocolDecodeError
from op_program.protocol.predeploys import (
    BASE_FEE_VAULT,
    L1_BLOCK,
    L1_FEE_VAULT,
    OPERATOR_FEE_VAULT,
)
from op_program.protocol.receipts import Log, Receipt, logs_bloom
from op_program.protocol.transactions import (
    DepositTransaction,
    LegacyTransaction,
    SetCodeTransaction,
    Transaction,
    decode_transaction,
)


@dataclass(frozen=True, slots=True)
class BlockContext:
    """What every transaction of the block shares."""

    backend: EvmBackend
    rules: BlockRules
    base_fee: int
    gas_limit: int
    chain_id: int


@dataclass(frozen=True, slots=True)
class Applied:
    """One transaction's effect on the block: gas it used and its receipt."""

    gas_used: int
    receipt: Receipt


def decode(index: int, raw: bytes) -> Transaction:
    """Decode the ``index``-th raw transaction of the attributes.

    Raises:
        TransactionDecodingError: empty, truncated or otherwise malformed bytes.
    """
    if not raw:
        raise TransactionDecodingError(index, "empty transaction")
    try:
        return decode_transaction(raw)
    except ProtocolDecodeError as exc:
        raise TransactionDecodingError(index, f"undecodable: {exc}") from exc


def _access_list(tx: Transaction) -> tuple[tuple[bytes, tuple[int, ...]], ...]:
    entries = getattr(tx, "access_list", ())
    return tuple(
        (e.address, tuple(int.from_bytes(k, "big") for k in e.storage_keys)) for e in entries
    )


def _receipt(tx_type: int, success: bool, cumulative: int, logs: tuple[Log, ...],
             deposit_nonce: int | None = None, version: int | None = None) -> Receipt:
    return Receipt(
        tx_type=tx_type, status=1 if success else 0, cumulative_gas_used=cumulative,
        logs_bloom=logs_bloom(logs), logs=logs, deposit_nonce=deposit_nonce,
        deposit_receipt_version=version,
    )


def apply_deposit(
    ctx: BlockContext, tx: DepositTransaction, cumulative: int, index: int
) -> Applied:
    """Apply a deposit: mint, then execute or fail; a failed deposit still bumps the nonce."""
    backend, rules, gas_pool = ctx.backend, ctx.rules, ctx.gas_limit - cumulative
    system_pre_regolith = tx.is_system_tx and not rules.regolith
    if not system_pre_regolith and tx.gas > gas_pool:
        raise InvalidTransactionError(index, f"deposit gas {tx.gas} exceeds remaining {gas_pool}")
    nonce = backend.get_nonce(tx.from_address)
    backend.add_balance(tx.from_address, tx.mint)
    access = ()
    intrinsic = intrinsic_gas(
        tx.data, tx.to is None, access, 0, rules.canyon, rules.isthmus
    )
    failure = "system transactions are not supported after Regolith" if (
        tx.is_system_tx and rules.regolith
    ) else deposit_failure(
        len(tx.data), tx.to is None, tx.gas, tx.value, backend.get_balance(tx.from_address),
        intrinsic, rules.canyon,
    )
    logs: tuple[Log, ...] = ()
    if failure is not None:
        backend.increment_nonce(tx.from_address)
        success = False
        gas_used = 0 if system_pre_regolith else tx.gas
    else:
        outcome = backend.execute(EvmTransaction(
            sender=tx.from_address, to=tx.to, value=tx.value, data=tx.data, gas=tx.gas,
            gas_price=0, tip=0, max_fee_per_gas=0, max_priority_fee_per_gas=0,
            intrinsic_gas=intrinsic.total - intrinsic.initcode, tx_type=tx.tx_type,
            is_deposit=True,
        ))
        success, logs = outcome.success, outcome.logs
        gas_used = outcome.gas_used if rules.regolith else (0 if system_pre_regolith else tx.gas)
    receipt = _receipt(
        tx.tx_type, success, cumulative + gas_used, logs,
        deposit_nonce=nonce if rules.regolith else None, version=1 if rules.canyon else None,
    )
    return Applied(gas_used, receipt)


def _sender(index: int, tx: Transaction, chain_id: int) -> bytes:
    tx_chain_id = tx.chain_id if not isinstance(tx, DepositTransaction) else None
    if tx_chain_id is not None and tx_chain_id != chain_id:
        raise InvalidTransactionError(index, f"chain id {tx_chain_id}, expected {chain_id}")
    try:
        return tx.recover_sender()
    except ProtocolDecodeError as exc:
        raise InvalidTransactionError(index, f"invalid signature: {exc}") from exc


def apply_user_transaction(
    ctx: BlockContext, tx: Transaction, raw: bytes, cumulative: int, index: int
) -> Applied:
    """Validate and run a signed transaction, then pay the OP fee vaults."""
    assert not isinstance(tx, DepositTransaction)
    backend, rules, base_fee = ctx.backend, ctx.rules, ctx.base_fee
    check_type(index, tx.tx_type, rules.isthmus)
    sender = _sender(index, tx, ctx.chain_id)
    if isinstance(tx, LegacyTransaction) or tx.tx_type == 1:
        max_fee = max_tip = tx.gas_price  # type: ignore[union-attr]
    else:
        max_fee, max_tip = tx.max_fee_per_gas, tx.max_priority_fee_per_gas  # type: ignore[union-attr]
    access = _access_list(tx)
    auths = tx.authorization_list if isinstance(tx, SetCodeTransaction) else ()
    intrinsic = intrinsic_gas(
        tx.data, tx.to is None, access, len(auths), rules.canyon, rules.isthmus
    )
    params = read_l1_fee_params(
        lambda slot: backend.get_storage(L1_BLOCK, slot), rules.ecotone, rules.isthmus
    )
    l1_fee = l1_cost(raw, params, rules.l1_cost)
    op_fee_max = operator_fee(
        tx.gas, params.operator_fee_scalar, params.operator_fee_constant, rules.jovian
    ) if rules.isthmus else 0
    check_user_transaction(
        TxCheck(
            index=index, tx_type=tx.tx_type, sender=sender, nonce=tx.nonce, gas=tx.gas,
            value=tx.value, max_fee_per_gas=max_fee, max_priority_fee_per_gas=max_tip,
            is_create=tx.to is None, data_len=len(tx.data), authorizations=len(auths),
            intrinsic=intrinsic, extra_fees=l1_fee + op_fee_max,
        ),
        backend, base_fee, ctx.gas_limit - cumulative, rules.canyon, rules.isthmus,
    )
    gas_price = min(max_fee, base_fee + max_tip)
    outcome = backend.execute(EvmTransaction(
        sender=sender, to=tx.to, value=tx.value, data=tx.data, gas=tx.gas, gas_price=gas_price,
        tip=gas_price - base_fee, max_fee_per_gas=max_fee, max_priority_fee_per_gas=max_tip,
        intrinsic_gas=intrinsic.total - intrinsic.initcode, tx_type=tx.tx_type,
        is_deposit=False, upfront_fee=l1_fee + op_fee_max, access_list=access,
        authorizations=tuple((a.chain_id, a.address, a.nonce, a.y_parity, a.r, a.s) for a in auths),
    ))
    backend.add_balance(BASE_FEE_VAULT, outcome.gas_used * base_fee)
    backend.add_balance(L1_FEE_VAULT, l1_fee)
    if rules.isthmus:
        op_fee = operator_fee(
            outcome.gas_used, params.operator_fee_scalar, params.operator_fee_constant,
            rules.jovian,
        )
        backend.add_balance(sender, op_fee_max - op_fee)
        backend.add_balance(OPERATOR_FEE_VAULT, op_fee)
    receipt = _receipt(tx.tx_type, outcome.success, cumulative + outcome.gas_used, outcome.logs)
    return Applied(outcome.gas_used, receipt)
