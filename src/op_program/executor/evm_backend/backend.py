"""The EVM backend: OP block execution on py-evm's State / TransactionExecutor (DESIGN §6).

Spec: specs/protocol/exec-engine.md (the L2 EVM is Ethereum's, per fork: Bedrock = London +
merge, Canyon = Shanghai, Ecotone = Cancun, Isthmus = Prague). Only py-evm's ``State``,
``TransactionExecutor`` and ``Computation`` are used; OP rules (fees, deposits, validity, system
calls) live in the other executor modules and reach the EVM through ``EvmBackend``. Every
py-evm error is translated here.
"""

import os
from collections.abc import Callable
from typing import Any

from eth._utils.address import generate_contract_address
from eth.db.atomic import AtomicDB
from eth.exceptions import ContractCreationCollision, PyEVMError, VMError
from eth.vm.execution_context import ExecutionContext
from eth.vm.forks.cancun.state import CancunState, CancunTransactionExecutor
from eth.vm.forks.frontier.state import FrontierTransactionExecutor
from eth.vm.forks.paris.state import ParisState, ParisTransactionExecutor
from eth.vm.forks.prague.state import PragueState, PragueTransactionExecutor
from eth.vm.forks.prague.transactions import Authorization as PyEvmAuthorization
from eth.vm.forks.shanghai.state import ShanghaiState, ShanghaiTransactionExecutor
from eth.vm.message import Message
from eth_typing import Address, BlockNumber, Hash32
from eth_utils.exceptions import ValidationError

from op_program.executor.errors import EvmFailure
from op_program.executor.evm_backend.corrected_precompiles import corrected
from op_program.executor.evm_backend.interp import ProjectComputationMixin
from op_program.executor.evm_backend.interpreter import FastComputationMixin
from op_program.executor.evm_backend.state_db import SourceDB
from op_program.executor.evm_backend.world_state import JournaledState
from op_program.executor.evm_types import (
    EMPTY_ROOT,
    BlockEnv,
    EvmRevision,
    EvmTransaction,
    ExecutionOutcome,
)
from op_program.executor.precompile_table import precompile_table
from op_program.executor.precompiles import PrecompileAccelerator, PrecompileRules
from op_program.executor.source import VerifiedSource
from op_program.process_setup import prepare_process
from op_program.protocol.receipts import Log


class _PyEvmTx:
    """The attributes py-evm's executor and state read from a transaction."""

    __slots__ = (
        "sender", "to", "value", "data", "gas", "gas_price", "tip", "max_fee_per_gas",
        "max_priority_fee_per_gas", "access_list", "type_id", "intrinsic_gas", "is_deposit",
        "upfront_fee", "authorization_list", "blob_versioned_hashes",
    )

    def __init__(self, tx: EvmTransaction) -> None:
        self.sender = tx.sender
        self.to = b"" if tx.to is None else tx.to
        self.value = tx.value
        self.data = tx.data
        self.gas = tx.gas
        self.gas_price = tx.gas_price
        self.tip = tx.tip
        self.max_fee_per_gas = tx.max_fee_per_gas
        self.max_priority_fee_per_gas = tx.max_priority_fee_per_gas
        self.access_list = tx.access_list
        self.type_id = tx.tx_type
        self.intrinsic_gas = tx.intrinsic_gas
        self.is_deposit = tx.is_deposit
        self.upfront_fee = tx.upfront_fee
        self.authorization_list = [PyEvmAuthorization(*a) for a in tx.authorizations]
        self.blob_versioned_hashes: list[bytes] = []


_RIPEMD160 = b"\x00" * 19 + b"\x03"


def touched_accounts(top: Any) -> set[bytes]:
    """The accounts EIP-161 may clear after a transaction, in one walk of the call tree.

    The same set as py-evm's ``collect_touched_accounts``: the coinbase; the SELFDESTRUCT
    beneficiaries and the called addresses of frames with no failed frame above or at them;
    and RIPEMD-160 (0x03) wherever it appears, even below a failure (the Ethereum mainnet
    quirk of EIP-716). py-evm's version asks every frame for the beneficiaries of its whole
    subtree, work quadratic in the depth of the call tree.

    The project's frames (``interp``) hand a py-evm computation the substate its successful
    children accrued instead of a subtree: their beneficiaries are already in its
    ``beneficiaries``, their called addresses in ``frames_touched``, and ``ripemd_touched``
    says whether any frame below it, failed or not, touched 0x03.
    """
    touched = {top.state.coinbase}
    pending = [(top, False)]
    while pending:
        comp, ancestor_failed = pending.pop()
        error = comp.is_error
        failed = error or ancestor_failed
        if not error:  # a failed frame's beneficiaries are none (py-evm: [])
            if not failed:
                touched.update(comp.beneficiaries)
                touched.update(getattr(comp, "frames_touched", ()))
            elif _RIPEMD160 in comp.beneficiaries:
                touched.add(_RIPEMD160)
        if getattr(comp, "ripemd_touched", False):
            touched.add(_RIPEMD160)
        to = comp.msg.to
        if to != b"" and (not failed or to == _RIPEMD160):
            touched.add(to)
        pending.extend((child, failed) for child in comp.children)
    return touched


class _OpExecutorMixin:
    """OP changes to py-evm's transaction executor: fees, deposits, EIP-7610."""

    vm_state: Any

    def finalize_computation(self, transaction: _PyEvmTx, computation: Any) -> Any:
        """py-evm's refund, coinbase and EIP-161 clean-up, in address order.

        py-evm walks the touched accounts as a set; sorting keeps the order of trie updates,
        and so of state-source requests, independent of the hash seed (DESIGN §5).
        """
        computation = FrontierTransactionExecutor.finalize_computation(
            self, transaction, computation  # type: ignore[arg-type]
        )
        state = self.vm_state
        for account in sorted(touched_accounts(computation)):
            if state.account_exists(account) and state.account_is_empty(account):
                state.delete_account(account)
        return computation

    def validate_transaction(self, transaction: _PyEvmTx) -> None:
        """Validity is checked by ``executor.validity`` before the EVM runs."""

    def build_evm_message(self, transaction: _PyEvmTx) -> Message:
        state = self.vm_state
        if not transaction.is_deposit:
            cost = transaction.gas * transaction.gas_price + transaction.upfront_fee
            state.delta_balance(transaction.sender, -cost)
        state.increment_nonce(transaction.sender)
        # Pre-Cancun executors have neither hook (no EIP-7702 refunds or delegations).
        refund_hook = getattr(self, "calc_message_refund", None)
        refund = refund_hook(transaction) if refund_hook is not None else 0
        gas = transaction.gas - transaction.intrinsic_gas
        if transaction.to == b"":
            nonce = state.get_nonce(transaction.sender) - 1
            return Message(
                gas=gas, to=Address(b""), sender=Address(transaction.sender),
                value=transaction.value, data=b"", code=transaction.data,
                create_address=_create_address(transaction.sender, nonce), refund=refund,
            )
        code_hook = getattr(self, "get_code_at_address", None)
        if code_hook is not None:
            code, delegation = code_hook(transaction.to)
        else:
            code, delegation = state.get_code(transaction.to), None
        return Message(
            gas=gas, to=Address(transaction.to), sender=Address(transaction.sender),
            value=transaction.value, data=transaction.data, code=code, refund=refund,
            is_delegation=delegation is not None,
        )

    def build_computation(self, message: Message, transaction: _PyEvmTx) -> Any:
        state = self.vm_state
        if message.is_create:
            address = message.storage_address
            if state.creation_collides(address):
                state.mark_address_warm(transaction.sender)
                state.mark_address_warm(address)
                computation = state.get_computation(
                    message, state.get_transaction_context(transaction)
                )
                computation.error = ContractCreationCollision("address collision")
                return computation
        return super().build_computation(message, transaction)  # type: ignore[misc]


def _create_address(sender: bytes, nonce: int) -> Address:
    return generate_contract_address(Address(sender), nonce)


class _OpStateMixin:
    """OP changes to py-evm's State: no Ethereum system contracts, tx-supplied fee fields.

    Snapshots and transient storage (EIP-1153) go straight to the project's journaled state
    (``world_state``): one journal reverts accounts, storage, access lists and transient
    storage together, where py-evm's ``State`` kept a second journal for transient storage.
    """

    execution_context: Any
    _account_db: JournaledState

    def snapshot(self) -> int:
        """A snapshot token for ``revert`` / ``commit`` (Yellow Paper §8: a message call)."""
        return self._account_db.journal.snapshot()

    def revert(self, snapshot: int) -> None:
        """Undo every state change since ``snapshot``."""
        self._account_db.journal.revert(snapshot)

    def commit(self, snapshot: int) -> None:
        """Keep the state changes since ``snapshot``."""
        self._account_db.journal.commit(snapshot)

    def get_transient_storage(self, address: bytes, slot: int) -> bytes:
        """EIP-1153 TLOAD."""
        return self._account_db.get_transient_storage(address, slot)

    def set_transient_storage(self, address: bytes, slot: int, value: bytes) -> None:
        """EIP-1153 TSTORE."""
        self._account_db.set_transient_storage(address, slot, value)

    def clear_transient_storage(self) -> None:
        """EIP-1153: transient storage ends with the transaction."""
        self._account_db.clear_transient_storage()

    def creation_collides(self, address: bytes) -> bool:
        """Whether a creation at ``address`` collides: a nonce, code or a non-empty storage.

        The one statement of the rule for the creation transaction (``build_computation``)
        and CREATE/CREATE2 (``interp.ops_create``). EIP-684: a creation onto an account with a
        non-zero nonce or non-empty code fails (``has_code_or_nonce``); EIP-7610 adds a
        non-empty storage. Storage is the account's storage root field: the root at the
        block's parent state, or as of the last ``make_state_root``, and the blank root once
        the storage has been wiped (``delete_storage``, ``delete_account``) in this block.
        Slots written since the last state root do not change the field (op-geth's
        ``GetStorageRoot`` also reads the root last committed). The EVM only writes storage
        at an address that runs code, which then has code or a nonce (a creation's nonce is 1
        from the start, EIP-161), so storage without either comes from the pre-state (the
        accounts EIP-7610 is about) or from an irregular state transition.
        """
        return bool(self.has_code_or_nonce(address)) or (  # type: ignore[attr-defined]
            self._account_db.storage_root_of(address) != EMPTY_ROOT
        )

    def set_system_contracts(self) -> None:
        """OP deploys system contracts by upgrade transactions, never implicitly."""

    def get_tip(self, transaction: _PyEvmTx) -> int:
        return transaction.tip

    def get_gas_price(self, transaction: _PyEvmTx) -> int:
        return transaction.gas_price

    def get_transaction_context(self, transaction: _PyEvmTx) -> Any:
        return self.get_transaction_context_class()(  # type: ignore[attr-defined]
            gas_price=transaction.gas_price, origin=transaction.sender
        )


_BASES: dict[EvmRevision, tuple[type[Any], type[Any]]] = {
    EvmRevision.PARIS: (ParisState, ParisTransactionExecutor),
    EvmRevision.SHANGHAI: (ShanghaiState, ShanghaiTransactionExecutor),
    EvmRevision.CANCUN: (CancunState, CancunTransactionExecutor),
    EvmRevision.PRAGUE: (PragueState, PragueTransactionExecutor),
}
_STATE_CLASSES: dict[tuple[EvmRevision, PrecompileRules, str], type[Any]] = {}
EVM_ENGINE_VARIABLE = "OP_PROGRAM_EVM"
EVM_ENGINES = ("pyevm", "python")
DEFAULT_EVM_ENGINE = "python"


def evm_engine() -> str:
    """The interpreter selected by ``OP_PROGRAM_EVM``: ``python`` (default) or ``pyevm``.

    ``python`` is the project's loop (``interp``); ``pyevm`` is py-evm's computation with the
    older fast loop of ``interpreter.py``.
    The project's loop became the default once it reproduced all 17 real blocks, the anvil
    differentials and the opcode differential against py-evm. An unknown value is a
    configuration error, never a silent fallback.
    """
    engine = os.environ.get(EVM_ENGINE_VARIABLE, DEFAULT_EVM_ENGINE).strip().lower()
    if engine not in EVM_ENGINES:
        raise ValueError(f"{EVM_ENGINE_VARIABLE}={engine!r}: expected one of {EVM_ENGINES}")
    return engine


def _state_class(revision: EvmRevision, rules: PrecompileRules, engine: str) -> type[Any]:
    key = (revision, rules, engine)
    cls = _STATE_CLASSES.get(key)
    if cls is None:
        state_base, executor_base = _BASES[revision]
        computation_base = state_base.computation_class
        mixin = ProjectComputationMixin if engine == "python" else FastComputationMixin
        computation = type(
            f"Op{computation_base.__name__}", (mixin, computation_base),
            {"_precompiles": precompile_table(
                corrected(computation_base.get_precompiles()), rules, VMError
            ), "op_revision": revision},
        )
        executor = type(f"Op{executor_base.__name__}", (_OpExecutorMixin, executor_base), {})
        cls = type(
            f"Op{state_base.__name__}", (_OpStateMixin, state_base),
            {"computation_class": computation, "transaction_executor_class": executor,
             "account_db_class": JournaledState},
        )
        _STATE_CLASSES[key] = cls
    return cls


# -- the backend ---------------------------------------------------------------------------

SYSTEM_CALL_GAS = 30_000_000


class EvmBackend:
    """A py-evm state over the verified state source, for one block.

    Constructing one makes the process-wide settings the EVM needs (``prepare_process``:
    recursion limit, eth_hash back-end) unless an entry point already did.
    """

    def __init__(
        self,
        source: VerifiedSource,
        state_root: bytes,
        env: BlockEnv,
        accelerator: PrecompileAccelerator | None = None,
        engine: str | None = None,
    ) -> None:
        prepare_process()
        self._db = SourceDB(source)
        self._env = env
        context = ExecutionContext(
            coinbase=Address(env.coinbase), timestamp=env.timestamp,
            block_number=BlockNumber(env.number), difficulty=0,
            mix_hash=Hash32(env.prev_randao), gas_limit=env.gas_limit,
            prev_hashes=(Hash32(h) for h in env.ancestor_hashes), chain_id=env.chain_id,
            base_fee_per_gas=env.base_fee, excess_blob_gas=0,
        )
        cls = _state_class(env.revision, env.precompile_rules, engine or evm_engine())
        self._state = cls(AtomicDB(self._db), context, state_root)
        self._state._account_db.source_db = self._db
        self._state.op_accelerator = accelerator

    def _guard(self) -> None:
        failure = self._db.failure
        if failure is not None:
            raise failure

    def _call(self, fn: Callable[..., Any], *args: Any) -> Any:
        try:
            result = fn(*args)
        except (PyEVMError, ValidationError) as exc:
            self._guard()
            raise EvmFailure(f"EVM failure: {exc!r}") from exc
        self._guard()
        return result

    # -- reads ---------------------------------------------------------------------------

    def get_balance(self, address: bytes) -> int:
        """Balance in wei."""
        return int(self._call(self._state.get_balance, address))

    def get_nonce(self, address: bytes) -> int:
        """Account nonce."""
        return int(self._call(self._state.get_nonce, address))

    def get_code(self, address: bytes) -> bytes:
        """Account code (fetched by hash through the source)."""
        return bytes(self._call(self._state.get_code, address))

    def get_storage(self, address: bytes, slot: int) -> int:
        """A storage word as an integer."""
        return int(self._call(self._state.get_storage, address, slot))

    # -- writes --------------------------------------------------------------------------

    def add_balance(self, address: bytes, amount: int) -> None:
        """Credit ``amount`` wei (a no-op for 0: geth would only touch, then clear, it)."""
        if amount:
            self._call(self._state.delta_balance, address, amount)

    def increment_nonce(self, address: bytes) -> None:
        """Bump the nonce (a failed deposit keeps its nonce increment)."""
        self._call(self._state.increment_nonce, address)

    def set_code(self, address: bytes, code: bytes) -> None:
        """Install code at ``address`` (irregular state transitions such as Canyon's)."""
        self._call(self._state.set_code, address, code)

    def set_storage(self, address: bytes, slot: int, value: int) -> None:
        """Write a storage word directly (irregular state transitions, test pre-states)."""
        self._call(self._state.set_storage, address, slot, value)

    def snapshot(self) -> Any:
        """A checkpoint to roll back to (failed deposits)."""
        return self._state.snapshot()

    def revert(self, snapshot: Any) -> None:
        """Roll back to ``snapshot``."""
        self._state.revert(snapshot)

    def commit(self, snapshot: Any) -> None:
        """Keep the changes made since ``snapshot``."""
        self._state.commit(snapshot)

    # -- execution -----------------------------------------------------------------------

    def execute(self, tx: EvmTransaction) -> ExecutionOutcome:
        """Run one (already validated) transaction and settle gas with sender and coinbase."""
        self._state.lock_changes()
        computation = self._call(self._state.apply_transaction, _PyEvmTx(tx))
        remaining = computation.get_gas_remaining()
        spent = tx.gas - remaining
        refund = min(computation.get_gas_refund(), spent // 5)
        gas_used = spent - refund + getattr(computation, "data_floor_gas", 0)
        success = not computation.is_error
        logs = tuple(
            Log(address, tuple(t.to_bytes(32, "big") for t in topics), bytes(data))
            for address, topics, data in computation.get_log_entries()
        ) if success else ()
        created = computation.msg.storage_address if tx.to is None and success else None
        return ExecutionOutcome(success, gas_used, remaining, logs, created)

    def system_call(self, sender: bytes, to: bytes, data: bytes) -> None:
        """A gas-free call by a system address (EIP-4788 / EIP-2935 contract updates)."""
        self._state.lock_changes()
        state = self._state
        if state.get_code(to) == b"":
            return
        message = Message(
            gas=SYSTEM_CALL_GAS, to=Address(to), sender=Address(sender), value=0, data=data,
            code=state.get_code(to),
        )
        context = state.get_transaction_context_class()(gas_price=0, origin=sender)
        self._call(state.computation_class.apply_message, state, message, context)
        state.clear_transient_storage()

    # -- roots ---------------------------------------------------------------------------

    def state_root(self) -> bytes:
        """Commit all changes and return the new state root."""
        self._state.lock_changes()
        return bytes(self._call(self._state.make_state_root))

    def storage_root(self, address: bytes) -> bytes:
        """The storage root of ``address`` (after ``state_root``)."""
        return bytes(self._call(self._state._account_db.storage_root_of, address))

    def persist(self) -> dict[bytes, bytes]:
        """Write every new trie node and code to the store; return them (hash -> value)."""
        self._call(self._state.persist)
        return dict(self._db.written)
