"""Transaction validity: the checks that make a block invalid when a transaction fails them.

Spec: specs/protocol/exec-engine.md (L2 transactions follow Ethereum's rules; deposits skip the
nonce, fee and EOA checks, specs/protocol/deposits.md#execution), with op-geth's state
transition order: type support (no blob txs; set-code from Isthmus), chain id, nonce,
EIP-3607 (sender has no code), fee caps, block gas pool, balance for gas + value + L1 fee +
operator fee, intrinsic gas, EIP-7623 floor, EIP-3860 initcode size.
"""

from dataclasses import dataclass
from typing import Protocol

from op_program.executor.errors import InvalidTransactionError

TX_GAS = 21_000
TX_GAS_CREATE = 53_000
ZERO_BYTE_GAS = 4
NON_ZERO_BYTE_GAS = 16
ACCESS_LIST_ADDRESS_GAS = 2_400
ACCESS_LIST_KEY_GAS = 1_900
INITCODE_WORD_GAS = 2
PER_AUTH_GAS = 25_000
FLOOR_PER_TOKEN = 10
MAX_INITCODE_SIZE = 2 * 24_576
MAX_NONCE = 2**64 - 1
DELEGATION_PREFIX = bytes.fromhex("ef0100")
BLOB_TX_TYPE = 0x03
SET_CODE_TX_TYPE = 0x04


class AccountView(Protocol):
    """The account reads validity needs."""

    def get_nonce(self, address: bytes) -> int:
        """Account nonce."""

    def get_balance(self, address: bytes) -> int:
        """Account balance in wei."""

    def get_code(self, address: bytes) -> bytes:
        """Account code."""


@dataclass(frozen=True, slots=True)
class IntrinsicGas:
    """Intrinsic gas of a transaction, and the EIP-3860 part of it (py-evm charges that)."""

    total: int
    initcode: int
    floor: int


def intrinsic_gas(
    data: bytes,
    is_create: bool,
    access_list: tuple[tuple[bytes, tuple[int, ...]], ...],
    authorizations: int,
    shanghai: bool,
    prague: bool,
) -> IntrinsicGas:
    """The intrinsic gas (geth ``IntrinsicGas``) and the EIP-7623 floor (0 before Prague)."""
    zeros = data.count(0)
    non_zeros = len(data) - zeros
    gas = TX_GAS_CREATE if is_create else TX_GAS
    gas += zeros * ZERO_BYTE_GAS + non_zeros * NON_ZERO_BYTE_GAS
    initcode = INITCODE_WORD_GAS * ((len(data) + 31) // 32) if is_create and shanghai else 0
    gas += initcode
    gas += sum(ACCESS_LIST_ADDRESS_GAS + ACCESS_LIST_KEY_GAS * len(keys) for _, keys in access_list)
    gas += PER_AUTH_GAS * authorizations
    floor = TX_GAS + FLOOR_PER_TOKEN * (zeros + 4 * non_zeros) if prague else 0
    return IntrinsicGas(gas, initcode, floor)


@dataclass(frozen=True, slots=True)
class TxCheck:
    """The fields of a user transaction that validity looks at."""

    index: int
    tx_type: int
    sender: bytes
    nonce: int
    gas: int
    value: int
    max_fee_per_gas: int
    max_priority_fee_per_gas: int
    is_create: bool
    data_len: int
    authorizations: int
    intrinsic: IntrinsicGas
    extra_fees: int  # L1 data fee + worst-case operator fee


def check_type(index: int, tx_type: int, isthmus: bool) -> None:
    """Blob transactions are never valid on L2; set-code transactions only from Isthmus."""
    if tx_type == BLOB_TX_TYPE:
        raise InvalidTransactionError(index, "blob transactions are not supported")
    if tx_type == SET_CODE_TX_TYPE and not isthmus:
        raise InvalidTransactionError(index, "set-code transactions before Isthmus")


def check_user_transaction(
    tx: TxCheck, accounts: AccountView, base_fee: int, gas_pool: int, shanghai: bool, prague: bool
) -> None:
    """Raise ``InvalidTransactionError`` if the user transaction cannot be included."""
    bad = _first_failure(tx, accounts, base_fee, gas_pool, shanghai, prague)
    if bad is not None:
        raise InvalidTransactionError(tx.index, bad)


def _first_failure(
    tx: TxCheck, accounts: AccountView, base_fee: int, gas_pool: int, shanghai: bool, prague: bool
) -> str | None:
    state_nonce = accounts.get_nonce(tx.sender)
    if tx.nonce != state_nonce:
        return f"nonce {tx.nonce}, sender's nonce is {state_nonce}"
    if state_nonce >= MAX_NONCE:
        return "sender nonce at maximum"
    code = accounts.get_code(tx.sender)
    if code and not (prague and code.startswith(DELEGATION_PREFIX) and len(code) == 23):
        return "sender is not an EOA (EIP-3607)"
    if tx.max_fee_per_gas.bit_length() > 256 or tx.max_priority_fee_per_gas.bit_length() > 256:
        return "fee field over 256 bits"
    if tx.max_fee_per_gas < tx.max_priority_fee_per_gas:
        return "max priority fee above max fee"
    if tx.max_fee_per_gas < base_fee:
        return f"max fee {tx.max_fee_per_gas} below base fee {base_fee}"
    if tx.gas > gas_pool:
        return f"gas {tx.gas} exceeds the block's remaining gas {gas_pool}"
    need = tx.gas * tx.max_fee_per_gas + tx.value + tx.extra_fees
    if accounts.get_balance(tx.sender) < need:
        return f"insufficient funds: need {need} wei"
    return _gas_failure(tx, shanghai)


def _gas_failure(tx: TxCheck, shanghai: bool) -> str | None:
    if tx.gas < tx.intrinsic.total:
        return f"gas {tx.gas} below intrinsic gas {tx.intrinsic.total}"
    if tx.gas < tx.intrinsic.floor:
        return f"gas {tx.gas} below the EIP-7623 floor {tx.intrinsic.floor}"
    if tx.tx_type == SET_CODE_TX_TYPE and tx.authorizations == 0:
        return "set-code transaction without authorizations"
    if shanghai and tx.is_create and tx.data_len > MAX_INITCODE_SIZE:
        return f"initcode of {tx.data_len} bytes over the EIP-3860 limit"
    return None


def deposit_failure(
    data_len: int,
    is_create: bool,
    gas: int,
    value: int,
    balance: int,
    intrinsic: IntrinsicGas,
    shanghai: bool,
) -> str | None:
    """Why a deposit fails before execution (it is still included, as a failed deposit)."""
    if gas < intrinsic.total:
        return "intrinsic gas too low"
    if gas < intrinsic.floor:
        return "gas below the EIP-7623 floor"
    if value > balance:
        return "insufficient funds for value transfer"
    if shanghai and is_create and data_len > MAX_INITCODE_SIZE:
        return "initcode too large"
    return None
