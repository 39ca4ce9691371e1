"""Run one code frame on either interpreter and report everything it did (differential tests).

Spec: Yellow Paper §8-9 (a message call's outcome: gas left, refund, output, logs, state;
the machine state at the halt: stack, memory). The frame runs as a top-level message to a
contract holding ``code`` in a fresh state, through the same py-evm message machinery for both
engines, so any difference comes from the interpreter itself.
"""

from dataclasses import dataclass, field

from eth.vm.message import Message
from eth_typing import Address

from op_program.executor.evm_backend.backend import EvmBackend
from op_program.executor.evm_types import EMPTY_ROOT, BlockEnv, EvmRevision
from op_program.executor.precompiles import PrecompileRules
from op_program.executor.source import MappingStateSource, VerifiedSource

CONTRACT = bytes.fromhex("00000000000000000000000000000000000c0de5")
CALLER = bytes.fromhex("00000000000000000000000000000000000ca11e")
ORIGIN = bytes.fromhex("000000000000000000000000000000000000a11c")


@dataclass(frozen=True)
class ProbeInput:
    """One frame: code, gas, call data and the pre-state of the contract."""

    revision: EvmRevision
    code: bytes
    gas: int
    data: bytes = b""
    value: int = 0
    static: bool = False
    storage: dict[int, int] = field(default_factory=dict)
    balance: int = 10**18
    blob_hashes: tuple[bytes, ...] = ()


@dataclass(frozen=True)
class FrameOutcome:
    """What the frame left behind."""

    error: str | None
    gas_left: int
    refund: int
    stack: tuple[int, ...]
    memory: bytes
    output: bytes
    logs: tuple[tuple[bytes, tuple[int, ...], bytes], ...]
    storage: tuple[tuple[int, int], ...]
    balances: tuple[int, int]
    accounts_read: frozenset[bytes] = frozenset()


def _word(value: int | bytes) -> int:
    return value if isinstance(value, int) else int.from_bytes(value, "big")


def run_frame_probe(engine: str, probe: ProbeInput, slots: tuple[int, ...]) -> FrameOutcome:
    """Run ``probe`` with ``engine`` (``python`` or ``pyevm``); read back ``slots``."""
    env = BlockEnv(
        revision=probe.revision, coinbase=b"\xc0" * 20, number=1000, timestamp=1_700_000_000,
        gas_limit=30_000_000, base_fee=7, prev_randao=b"\x42" * 32, chain_id=10,
        ancestor_hashes=iter([bytes([n % 256]) * 32 for n in range(256)]),
        precompile_rules=PrecompileRules(),
    )
    backend = EvmBackend(VerifiedSource(MappingStateSource({})), EMPTY_ROOT, env, engine=engine)
    backend.set_code(CONTRACT, probe.code)
    backend.add_balance(CONTRACT, probe.balance)
    backend.add_balance(CALLER, probe.value + 1)
    for slot, value in probe.storage.items():
        backend.set_storage(CONTRACT, slot, value)
    state = backend._state
    state.lock_changes()
    # Only the frame's own reads: the journaled state logs every account read (cached or
    # not), so the log is emptied here and taken before the outcome is read back.
    state._account_db._accessed_accounts.clear()
    message = Message(
        gas=probe.gas, to=Address(CONTRACT), sender=Address(CALLER), value=probe.value,
        data=probe.data, code=probe.code, is_static=probe.static,
    )
    context = state.get_transaction_context_class()(
        gas_price=9, origin=Address(ORIGIN), blob_versioned_hashes=list(probe.blob_hashes)
    )
    comp = state.computation_class.apply_message(state, message, context)
    accounts_read = frozenset(state._account_db._accessed_accounts)
    return FrameOutcome(
        error=None if comp.is_success else type(comp.error).__name__,
        gas_left=comp.get_gas_remaining(),
        refund=comp._gas_meter.gas_refunded,
        stack=tuple(_word(v) for v in comp._stack.values),
        memory=bytes(comp._memory._bytes),
        output=bytes(comp.output),
        logs=tuple((bytes(a), tuple(t), bytes(d)) for a, t, d in comp.get_log_entries()),
        storage=tuple((slot, state.get_storage(CONTRACT, slot)) for slot in slots),
        balances=(state.get_balance(CONTRACT), state.get_balance(CALLER)),
        accounts_read=accounts_read,
    )
