"""EVM boundary types: what the OP executor hands the EVM backend and gets back.

Spec: specs/protocol/exec-engine.md (the L2 EVM is Ethereum's, per fork). These types carry no
py-evm objects, so the interpreter behind ``evm_backend`` can be replaced.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from op_program.executor.precompiles import PrecompileRules
from op_program.protocol.receipts import Log

EMPTY_CODE_HASH = bytes.fromhex("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
EMPTY_ROOT = bytes.fromhex("56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421")


class EvmRevision(Enum):
    """The Ethereum EVM rules under each OP fork."""

    PARIS = "paris"  # Bedrock, Regolith
    SHANGHAI = "shanghai"  # Canyon, Delta
    CANCUN = "cancun"  # Ecotone, Fjord, Granite, Holocene
    PRAGUE = "prague"  # Isthmus, Jovian


@dataclass(frozen=True, slots=True)
class BlockEnv:
    """The block context the EVM sees (``ancestor_hashes`` lazily yields parent, grandparent…)."""

    revision: EvmRevision
    coinbase: bytes
    number: int
    timestamp: int
    gas_limit: int
    base_fee: int
    prev_randao: bytes
    chain_id: int
    ancestor_hashes: Iterable[bytes]
    precompile_rules: PrecompileRules


@dataclass(frozen=True, slots=True)
class EvmTransaction:
    """One transaction as the EVM runs it; OP fees are folded into ``upfront_fee``.

    ``intrinsic_gas`` excludes the EIP-3860 initcode word cost, which py-evm charges itself.
    ``authorizations`` holds ``(chain_id, address, nonce, y_parity, r, s)`` tuples (EIP-7702).
    """

    sender: bytes
    to: bytes | None
    value: int
    data: bytes
    gas: int
    gas_price: int
    tip: int
    max_fee_per_gas: int
    max_priority_fee_per_gas: int
    intrinsic_gas: int
    tx_type: int
    is_deposit: bool
    upfront_fee: int = 0
    access_list: tuple[tuple[bytes, tuple[int, ...]], ...] = ()
    authorizations: tuple[tuple[int, bytes, int, int, int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class ExecutionOutcome:
    """What running one transaction did: status, gas after refunds and floor, logs."""

    success: bool
    gas_used: int
    gas_remaining: int
    logs: tuple[Log, ...]
    contract_address: bytes | None


