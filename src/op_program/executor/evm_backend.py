"""EVM backend: the one adapter between the OP executor and py-evm (DESIGN §6).

Spec: specs/protocol/exec-engine.md (the L2 EVM is Ethereum's, per fork: Bedrock = London +
merge, Canyon = Shanghai, Ecotone = Cancun, Isthmus = Prague). Only py-evm's ``State``,
``TransactionExecutor`` and ``Computation`` are used; OP rules (fees, deposits, validity, system
calls) live in the other executor modules and reach the EVM through ``EvmBackend``. Trie nodes
and code come from a ``VerifiedSource`` on a miss; every py-evm error is translated here.
"""

from collections.abc import Callable
from typing import Any

from eth._utils.address import generate_contract_address
from eth.db.account import AccountDB
from eth.db.atomic import AtomicDB
from eth.db.backends.base import BaseDB
from eth.exceptions import (
    ContractCreationCollision,
    FullStack,
    Halt,
    InsufficientStack,
    OutOfGas,
    PyEVMError,
    VMError,
)
from eth.vm.computation import NO_RESULT
from eth.vm.execution_context import ExecutionContext
from eth.vm.forks.cancun.state import CancunState, CancunTransactionExecutor
from eth.vm.forks.paris.state import ParisState, ParisTransactionExecutor
from eth.vm.forks.prague.state import PragueState, PragueTransactionExecutor
from eth.vm.forks.prague.transactions import Authorization as PyEvmAuthorization
from eth.vm.forks.shanghai.state import ShanghaiState, ShanghaiTransactionExecutor
from eth.vm.logic.invalid import InvalidOpcode
from eth.vm.message import Message
from eth.vm.opcode import _FastOpcode
from eth_typing import Address, BlockNumber, Hash32
from eth_utils.exceptions import ValidationError

from op_program.executor.errors import EvmFailure, ExecutorError, MissingStateError
from op_program.executor.evm_types import (
    EMPTY_CODE_HASH,
    EMPTY_ROOT,
    BlockEnv,
    EvmRevision,
    EvmTransaction,
    ExecutionOutcome,
)
from op_program.executor.precompile_table import precompile_table
from op_program.executor.precompiles import PrecompileAccelerator, PrecompileRules
from op_program.executor.source import VerifiedSource
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


class _SourceDB(BaseDB):
    """py-evm's backing key-value store: local nodes plus the verified state source."""

    def __init__(self, source: VerifiedSource) -> None:
        self.store: dict[bytes, bytes] = {}
        self.written: dict[bytes, bytes] = {}
        self.source = source
        self.code_mode = False
        self.pruning = False
        self.failure: ExecutorError | None = None

    def __getitem__(self, key: bytes) -> bytes:
        value = self.store.get(key)
        if value is None:
            try:
                value = self.source.code(key) if self.code_mode else self.source.node(key)
            except MissingStateError as exc:
                if self.pruning:
                    # Trie pruning probes old nodes nobody needs; a KeyError there is harmless,
                    # and a node really needed surfaces as py-evm's missing-node error.
                    raise KeyError(key) from exc
                self.failure = exc  # py-evm swallows some exceptions (EIP-7702 auths)
                raise
            except ExecutorError as exc:
                self.failure = exc
                raise
            self.store[key] = value
        return value

    def __setitem__(self, key: bytes, value: bytes) -> None:
        self.store[key] = value
        self.written[key] = value

    def __delitem__(self, key: bytes) -> None:
        # Pruning never removes what the witness or earlier blocks may still need.
        pass

    def _exists(self, key: bytes) -> bool:
        return key in self.store


class _OpAccountDB(AccountDB):
    """AccountDB that asks the source for code (``code_by_hash``) rather than for a node."""

    source_db: _SourceDB

    def get_code(self, address: Address) -> bytes:
        # Same as AccountDB.get_code minus its witness bookkeeping, which copies the set of
        # every key read on each call (quadratic over a block).
        code_hash = self.get_code_hash(address)
        if code_hash == EMPTY_CODE_HASH:
            return b""
        self.source_db.code_mode = True
        try:
            code: bytes = self._journaldb[code_hash]
        finally:
            self.source_db.code_mode = False
        return code

    def storage_root_of(self, address: bytes) -> bytes:
        root: bytes = self._get_storage_root(Address(address))
        return root


class _OpExecutorMixin:
    """OP changes to py-evm's transaction executor: fees, deposits, EIP-7610."""

    vm_state: Any

    def validate_transaction(self, transaction: _PyEvmTx) -> None:
        """Validity is checked by ``executor.validity`` before the EVM runs."""

    def build_evm_message(self, transaction: _PyEvmTx) -> Message:
        state = self.vm_state
        if not transaction.is_deposit:
            cost = transaction.gas * transaction.gas_price + transaction.upfront_fee
            state.delta_balance(transaction.sender, -cost)
        state.increment_nonce(transaction.sender)
        refund = self.calc_message_refund(transaction)  # type: ignore[attr-defined]
        gas = transaction.gas - transaction.intrinsic_gas
        if transaction.to == b"":
            nonce = state.get_nonce(transaction.sender) - 1
            return Message(
                gas=gas, to=Address(b""), sender=Address(transaction.sender),
                value=transaction.value, data=b"", code=transaction.data,
                create_address=_create_address(transaction.sender, nonce), refund=refund,
            )
        code, delegation = self.get_code_at_address(transaction.to)  # type: ignore[attr-defined]
        return Message(
            gas=gas, to=Address(transaction.to), sender=Address(transaction.sender),
            value=transaction.value, data=transaction.data, code=code, refund=refund,
            is_delegation=delegation is not None,
        )

    def build_computation(self, message: Message, transaction: _PyEvmTx) -> Any:
        state = self.vm_state
        if message.is_create:
            address = message.storage_address
            # EIP-7610: a non-empty storage also makes the creation collide.
            if state.get_nonce(address) or state.get_code_hash(address) != EMPTY_CODE_HASH or (
                state._account_db.storage_root_of(address) != EMPTY_ROOT
            ):
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
    """OP changes to py-evm's State: no Ethereum system contracts, tx-supplied fee fields."""

    execution_context: Any

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


# -- interpreter loop ----------------------------------------------------------------------
# py-evm's loop pays for a generator, a keyword call and three calls per opcode to charge gas;
# this loop has the same semantics with the static gas charged inline (DESIGN §12: the
# interpreter loop is most of block time). Jump-destination analysis is shared per code.

_OpTable = list[tuple[int, Any, int, int]]  # (static gas, function, kind, argument)
_GENERIC, _SLOW, _PUSH, _DUP, _SWAP = range(5)
_OP_TABLES: dict[int, tuple[Any, _OpTable]] = {}
_JUMPDESTS: dict[bytes, tuple[set[int], set[int]]] = {}
_JUMPDEST_CACHE_LIMIT = 4096
_STACK_LIMIT = 1024


def _op_table(opcodes: dict[int, Any]) -> _OpTable:
    cached = _OP_TABLES.get(id(opcodes))
    if cached is not None and cached[0] is opcodes:
        return cached[1]
    table: _OpTable = []
    for value in range(256):
        fn = opcodes.get(value)
        if fn is None:
            table.append((0, InvalidOpcode(value), _SLOW, 0))
        elif type(fn) is not _FastOpcode:
            table.append((0, fn, _SLOW, 0))
        elif 0x60 <= value <= 0x7F:
            table.append((fn.gas_cost, fn.logic_fn, _PUSH, value - 0x5F))
        elif 0x80 <= value <= 0x8F:
            table.append((fn.gas_cost, fn.logic_fn, _DUP, value - 0x7F))
        elif 0x90 <= value <= 0x9F:
            table.append((fn.gas_cost, fn.logic_fn, _SWAP, value - 0x8F))
        else:
            table.append((fn.gas_cost, fn.logic_fn, _GENERIC, 0))
    _OP_TABLES[id(opcodes)] = (opcodes, table)
    return table


def _run_code(computation: Any) -> None:  # noqa: PLR0915 - one flat hot loop, on purpose
    code = computation.code
    raw = code._raw_code_bytes
    size = len(raw)
    meter = computation._gas_meter
    values = computation._stack.values
    table = _op_table(computation.opcodes)
    while True:
        pc = code.program_counter
        if pc < size:
            gas, fn, kind, arg = table[raw[pc]]
            pc += 1
        else:
            gas, fn, kind, arg = table[0]  # running off the end of the code is STOP
        try:
            if kind == _SLOW:
                code.program_counter = pc
                fn(computation)
                continue
            if gas > meter.gas_remaining:
                raise OutOfGas(f"Out of gas: needed {gas}, remaining {meter.gas_remaining}")
            meter.gas_remaining -= gas
            if kind == _PUSH:
                end = pc + arg
                code.program_counter = end
                if len(values) >= _STACK_LIMIT:
                    raise FullStack("Stack limit reached")
                data = raw[pc:end]
                values.append(data if len(data) == arg else data.ljust(arg, b"\x00"))
            elif kind == _DUP:
                code.program_counter = pc
                if len(values) >= _STACK_LIMIT:
                    raise FullStack("Stack limit reached")
                if arg > len(values):
                    raise InsufficientStack(f"DUP{arg} on {len(values)} items")
                values.append(values[-arg])
            elif kind == _SWAP:
                code.program_counter = pc
                if arg >= len(values):
                    raise InsufficientStack(f"SWAP{arg} on {len(values)} items")
                values[-1], values[-arg - 1] = values[-arg - 1], values[-1]
            else:
                code.program_counter = pc
                fn(computation)
        except Halt:
            return


class _FastComputationMixin:
    """py-evm Computation with the loop above and a direct gas meter."""

    _gas_meter: Any

    def __init__(self, state: Any, message: Any, transaction_context: Any) -> None:
        super().__init__(state, message, transaction_context)  # type: ignore[call-arg]
        code = self.code  # type: ignore[attr-defined]
        key = bytes(message.code)
        sets = _JUMPDESTS.get(key)
        if sets is None:
            if len(_JUMPDESTS) >= _JUMPDEST_CACHE_LIMIT:
                _JUMPDESTS.clear()
            sets = _JUMPDESTS[key] = (set(), set())
        code.valid_positions, code.invalid_positions = sets

    def consume_gas(self, amount: int, reason: str) -> None:
        meter = self._gas_meter
        if amount > meter.gas_remaining:
            raise OutOfGas(f"Out of gas: needed {amount}, remaining {meter.gas_remaining}")
        if amount < 0:
            raise ValidationError("Gas consumption amount must be positive")
        meter.gas_remaining -= amount

    @classmethod
    def apply_computation(
        cls, state: Any, message: Any, transaction_context: Any, parent_computation: Any = None
    ) -> Any:
        with cls(state, message, transaction_context) as computation:  # type: ignore[attr-defined]
            if computation.is_origin_computation:
                computation.contracts_created = []
                if message.is_create:
                    cls.consume_initcode_gas_cost(computation)  # type: ignore[attr-defined]
            if parent_computation is not None:
                computation.contracts_created = parent_computation.contracts_created
            if message.is_create:
                computation.contracts_created.append(message.storage_address)
            precompile = computation.precompiles.get(message.code_address, NO_RESULT)
            if precompile is not NO_RESULT:
                if not message.is_delegation:
                    precompile(computation)
                return computation
            _run_code(computation)
        return computation


_BASES: dict[EvmRevision, tuple[type[Any], type[Any]]] = {
    EvmRevision.PARIS: (ParisState, ParisTransactionExecutor),
    EvmRevision.SHANGHAI: (ShanghaiState, ShanghaiTransactionExecutor),
    EvmRevision.CANCUN: (CancunState, CancunTransactionExecutor),
    EvmRevision.PRAGUE: (PragueState, PragueTransactionExecutor),
}
_STATE_CLASSES: dict[tuple[EvmRevision, PrecompileRules], type[Any]] = {}


def _state_class(revision: EvmRevision, rules: PrecompileRules) -> type[Any]:
    key = (revision, rules)
    cls = _STATE_CLASSES.get(key)
    if cls is None:
        state_base, executor_base = _BASES[revision]
        computation_base = state_base.computation_class
        computation = type(
            f"Op{computation_base.__name__}", (_FastComputationMixin, computation_base),
            {"_precompiles": precompile_table(
                computation_base.get_precompiles(), rules, VMError
            )},
        )
        executor = type(f"Op{executor_base.__name__}", (_OpExecutorMixin, executor_base), {})
        cls = type(
            f"Op{state_base.__name__}", (_OpStateMixin, state_base),
            {"computation_class": computation, "transaction_executor_class": executor,
             "account_db_class": _OpAccountDB},
        )
        _STATE_CLASSES[key] = cls
    return cls


# -- the backend ---------------------------------------------------------------------------

SYSTEM_CALL_GAS = 30_000_000


class EvmBackend:
    """A py-evm state over the verified state source, for one block."""

    def __init__(
        self,
        source: VerifiedSource,
        state_root: bytes,
        env: BlockEnv,
        accelerator: PrecompileAccelerator | None = None,
    ) -> None:
        self._db = _SourceDB(source)
        self._env = env
        context = ExecutionContext(
            coinbase=Address(env.coinbase), timestamp=env.timestamp,
            block_number=BlockNumber(env.number), difficulty=0,
            mix_hash=Hash32(env.prev_randao), gas_limit=env.gas_limit,
            prev_hashes=(Hash32(h) for h in env.ancestor_hashes), chain_id=env.chain_id,
            base_fee_per_gas=env.base_fee, excess_blob_gas=0,
        )
        cls = _state_class(env.revision, env.precompile_rules)
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

    def _roots(self, fn: Callable[[], Any]) -> Any:
        self._db.pruning = True
        try:
            return self._call(fn)
        except EvmFailure as exc:
            missing = getattr(exc.__cause__, "missing_node_hash", None)
            if isinstance(missing, bytes):
                raise MissingStateError("trie node", missing) from exc
            raise
        finally:
            self._db.pruning = False

    def state_root(self) -> bytes:
        """Commit all changes and return the new state root."""
        self._state.lock_changes()
        return bytes(self._roots(self._state.make_state_root))

    def storage_root(self, address: bytes) -> bytes:
        """The storage root of ``address`` (after ``state_root``)."""
        return bytes(self._call(self._state._account_db.storage_root_of, address))

    def persist(self) -> dict[bytes, bytes]:
        """Write every new trie node and code to the store; return them (hash -> value)."""
        self._roots(self._state.persist)
        return dict(self._db.written)
