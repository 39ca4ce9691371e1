"""The project's call frames (interp: message, creation) against py-evm's, per transaction.

Each case deploys a few contracts, runs one transaction through ``EvmBackend.execute`` with
``OP_PROGRAM_EVM=python`` and with ``pyevm`` (py-evm's own Message/Computation/apply_message
machinery) and compares everything a receipt and the next block see: status, gas used after
refunds, gas left, logs in order, the created address, and the state root (balances, nonces,
code, storage, EIP-161 clearing of touched empty accounts, self-destructed accounts). The
cases cover value transfers (to a new account, above the balance), reverting and
out-of-gas children, the depth limit, static-call violations, DELEGATECALL/CALLCODE storage
context, logs across reverted children, refunds of children, precompiles (and the RIPEMD-160
touch of EIP-716), EIP-7702 delegations, CREATE/CREATE2 (revert, collision, code deposit
failures, EIP-6780 self-destruct) and random call trees.
"""

from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from op_program.executor.evm_backend import EvmBackend
from op_program.executor.evm_types import (
    EMPTY_ROOT,
    BlockEnv,
    EvmRevision,
    EvmTransaction,
    ExecutionOutcome,
)
from op_program.executor.precompiles import PrecompileRules
from op_program.executor.source import MappingStateSource, VerifiedSource
from tests.differential.assembler import Program, returning

REVISIONS = (EvmRevision.PARIS, EvmRevision.SHANGHAI, EvmRevision.CANCUN, EvmRevision.PRAGUE)
SENDER = (0x5E0DE2).to_bytes(20, "big")
A = (0xAAAA).to_bytes(20, "big")
B = (0xBBBB).to_bytes(20, "big")
C = (0xCCCC).to_bytes(20, "big")
FRESH = (0xF2E54).to_bytes(20, "big")
RIPEMD = (3).to_bytes(20, "big")
IDENTITY = (4).to_bytes(20, "big")
SHA256 = (2).to_bytes(20, "big")
ADDRESSES = {"A": A, "B": B, "C": C, "FRESH": FRESH}


@dataclass(frozen=True)
class Account:
    """A pre-state account: code, balance and storage."""

    code: bytes = b""
    balance: int = 0
    storage: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Observed:
    """What one engine's run left behind."""

    outcome: ExecutionOutcome
    state_root: bytes


def prepared(engine: str, revision: EvmRevision, accounts: dict[bytes, Account]) -> EvmBackend:
    """A backend on ``engine`` holding SENDER's funds and ``accounts``, committed."""
    env = BlockEnv(
        revision=revision, coinbase=b"\xc0" * 20, number=1000, timestamp=1_700_000_000,
        gas_limit=30_000_000, base_fee=0, prev_randao=b"\x42" * 32, chain_id=10,
        ancestor_hashes=iter([bytes([n % 256]) * 32 for n in range(256)]),
        precompile_rules=PrecompileRules(fjord=True, granite=True, isthmus=True),
    )
    backend = EvmBackend(VerifiedSource(MappingStateSource({})), EMPTY_ROOT, env, engine=engine)
    backend.add_balance(SENDER, 10**20)
    for address, account in accounts.items():
        if account.code:
            backend.set_code(address, account.code)
        backend.add_balance(address, account.balance)
        for slot, word in account.storage:
            backend.set_storage(address, slot, word)
    backend.state_root()
    return backend


def run(engine: str, revision: EvmRevision, accounts: dict[bytes, Account],
        gas: int = 1_000_000, value: int = 0, to: bytes = A, data: bytes = b"") -> Observed:
    """Run one transaction from SENDER to ``to`` on ``engine``."""
    backend = prepared(engine, revision, accounts)
    tx = EvmTransaction(
        sender=SENDER, to=to, value=value, data=data, gas=gas, gas_price=0, tip=0,
        max_fee_per_gas=0, max_priority_fee_per_gas=0, intrinsic_gas=21_000, tx_type=2,
        is_deposit=False,
    )
    outcome = backend.execute(tx)
    return Observed(outcome, backend.state_root())


def same(revision: EvmRevision, accounts: dict[bytes, Account], **kw: object) -> Observed:
    """Both engines' runs, asserted equal; ours is returned for the non-vacuity checks."""
    ours = run("python", revision, accounts, **kw)  # type: ignore[arg-type]
    theirs = run("pyevm", revision, accounts, **kw)  # type: ignore[arg-type]
    assert ours == theirs
    return ours


# -- building blocks -------------------------------------------------------------------------

def call(kind: str, target: bytes | int, gas: int | None = None, value: int = 0,
         args: tuple[int, int] = (0, 0), out: tuple[int, int] = (0, 0)) -> Program:
    """A call leaving its success flag on the stack (``gas`` None: all gas)."""
    p = Program().push(out[1], out[0], args[1], args[0])
    if kind in ("CALL", "CALLCODE"):
        p.push(value)
    p.push(target if isinstance(target, int) else int.from_bytes(target, "big"))
    if gas is None:
        p.op("GAS")
    else:
        p.push(gas)
    return p.op(kind)


def then(*parts: Program | bytes) -> bytes:
    """Concatenate program parts."""
    return b"".join(p.build() if isinstance(p, Program) else p for p in parts)


def sstore(slot: int) -> Program:
    """Store the stack top at ``slot``."""
    return Program().push(slot).op("SSTORE")


def log1(topic: int) -> Program:
    """LOG1 of no data with ``topic``."""
    return Program().push(topic, 0, 0).op("LOG1")


REVERT = Program().push(0, 0).op("REVERT")
STOP = Program().op("STOP")


def writer(slot: int, word: int) -> Program:
    """SSTORE(slot, word)."""
    return Program().push(word, slot).op("SSTORE")


# -- handcrafted call trees ------------------------------------------------------------------

def _cases() -> dict[str, tuple[dict[bytes, Account], dict[str, object]]]:
    logging_reverter = then(log1(0xB1), writer(1, 0xB), call("CALL", C), REVERT)
    logging_ok = then(log1(0xC1), writer(1, 0xC), STOP)
    # B returns 32 bytes of 0xBB.. after storing CALLER, CALLVALUE, ADDRESS.
    context_probe = then(Program().op("CALLER").push(10).op("SSTORE").op("CALLVALUE")
                         .push(11).op("SSTORE").op("ADDRESS").push(12).op("SSTORE")
                         .push(0xBB, 0).op("MSTORE").push(32, 0).op("RETURN"))
    spin = then(Program().label("top").push_label("top").op("JUMP"))
    recursion = then(Program().push(0).op("SLOAD").push(1).op("ADD").push(0).op("SSTORE"),
                     call("CALL", A), sstore(1), STOP)
    child_runtime = then(log1(0xD1), writer(0, 1), STOP)
    init_ok = returning(child_runtime)
    init_revert = then(writer(0, 1), Program().push(0x77, 0).op("MSTORE").push(32, 0)
                       .op("REVERT"))
    init_ef = then(Program().push(0xEF, 0).op("MSTORE8").push(1, 0).op("RETURN"))
    init_big = then(Program().push(24_577, 0).op("RETURN"))
    init_selfdestruct = then(Program().push(int.from_bytes(FRESH, "big")).op("SELFDESTRUCT"))

    def creator(init: bytes, opcode: str, value: int = 0, twice: bool = False) -> bytes:
        p = Program().mstore_bytes(0, init)
        for _ in range(2 if twice else 1):
            if opcode == "CREATE2":
                p.push(0x5A17, len(init), 0, value).op("CREATE2")
            else:
                p.push(len(init), 0, value).op("CREATE")
            p.push(0).op("SSTORE").op("RETURNDATASIZE").push(1).op("SSTORE")
        return p.op("STOP").build()

    refunder = then(writer(5, 0), STOP)  # clears a set slot: an EIP-3529 refund
    return {
        "value_to_new_account": ({A: Account(then(call("CALL", FRESH, 50_000, 7), sstore(0)),
                                             balance=100)}, {}),
        "value_above_balance": ({A: Account(then(call("CALL", B, 50_000, 10**6), sstore(0),
                                                 Program().op("RETURNDATASIZE"), sstore(1)),
                                            balance=100),
                                 B: Account(STOP.build())}, {}),
        "revert_in_child_keeps_return_data": (
            {A: Account(then(call("CALL", B, out=(0, 64)), sstore(0),
                             Program().op("RETURNDATASIZE"), sstore(1),
                             Program().push(0).op("MLOAD"), sstore(2))),
             B: Account(then(writer(3, 3), Program().push(0x99, 0).op("MSTORE")
                             .push(32, 0).op("REVERT")))}, {}),
        "out_of_gas_child": ({A: Account(then(call("CALL", B, 30_000), sstore(0),
                                              Program().op("RETURNDATASIZE"), sstore(1))),
                              B: Account(spin)}, {}),
        "invalid_in_child": ({A: Account(then(call("STATICCALL", B), sstore(0))),
                              B: Account(b"\xfe")}, {}),
        "logs_across_reverted_children": (
            {A: Account(then(log1(0xA1), call("CALL", B), sstore(0), log1(0xA2),
                             call("CALL", C), sstore(2), log1(0xA3))),
             B: Account(logging_reverter), C: Account(logging_ok)}, {}),
        "delegatecall_storage_context": (
            {A: Account(then(call("DELEGATECALL", B, out=(0, 32)), sstore(0),
                             Program().push(0).op("MLOAD"), sstore(1)), balance=5),
             B: Account(context_probe)}, {"value": 3}),
        "callcode_storage_context": (
            {A: Account(then(call("CALLCODE", B, value=2, out=(0, 32)), sstore(0)), balance=5),
             B: Account(context_probe)}, {"value": 3}),
        "static_violations": (
            {A: Account(then(call("STATICCALL", B, 50_000), sstore(0),
                             call("STATICCALL", C, 50_000), sstore(1), call("CALL", C), sstore(2))),
             B: Account(writer(1, 1).build()),
             C: Account(then(call("CALL", FRESH, 10_000, 1), sstore(3)), balance=10)}, {}),
        "static_log_and_create": (
            {A: Account(then(call("STATICCALL", B), sstore(0), call("STATICCALL", C), sstore(1))),
             B: Account(log1(1).build()),
             C: Account(then(Program().push(0, 0, 0).op("CREATE"), sstore(0)))}, {}),
        "depth_limit": ({A: Account(recursion)}, {"gas": 10**14}),
        "refund_from_child_and_reverted_child": (
            {A: Account(then(call("CALL", B), sstore(0), call("CALL", C), sstore(1))),
             B: Account(refunder, storage=((5, 1),)),
             C: Account(then(writer(5, 0), REVERT), storage=((5, 1),))}, {}),
        "precompiles": (
            {A: Account(then(Program().push(0xABCDEF, 0).op("MSTORE"),
                             call("STATICCALL", IDENTITY, 1_000, args=(0, 32), out=(32, 32)),
                             sstore(0),
                             Program().push(32).op("MLOAD"), sstore(1),
                             call("CALL", SHA256, 1_000, args=(0, 32), out=(64, 32)), sstore(2),
                             Program().push(64).op("MLOAD"), sstore(3),
                             call("CALL", SHA256, 10, args=(0, 32), out=(64, 32)), sstore(4),
                             Program().op("RETURNDATASIZE"), sstore(5)))}, {}),
        "ripemd_touch_survives_failure": (
            {A: Account(then(call("CALL", B), sstore(0))),
             B: Account(then(call("CALL", RIPEMD, 10), Program().op("INVALID"))),
             RIPEMD: Account(storage=((1, 1),))}, {}),
        "ripemd_touch_by_successful_call": (
            {A: Account(then(call("CALL", RIPEMD, 1_000), sstore(0))),
             RIPEMD: Account(storage=((1, 1),))}, {}),
        "touched_empty_account_cleared": (
            {A: Account(then(call("CALL", FRESH, 10_000), sstore(0), call("CALL", B), sstore(1))),
             FRESH: Account(storage=((1, 1),)),
             B: Account(then(call("CALL", C, 10_000), REVERT)),
             C: Account(storage=((1, 1),))}, {}),
        "create_ok": ({A: Account(creator(init_ok, "CREATE", value=3), balance=10)}, {}),
        "create2_ok": ({A: Account(creator(init_ok, "CREATE2"))}, {}),
        "create_revert": ({A: Account(creator(init_revert, "CREATE"))}, {}),
        "create2_collision": ({A: Account(creator(init_ok, "CREATE2", twice=True))}, {}),
        "create_reserved_byte": ({A: Account(creator(init_ef, "CREATE"))}, {}),
        "create_code_too_big": ({A: Account(creator(init_big, "CREATE"))}, {}),
        "create_deposit_out_of_gas": ({A: Account(creator(init_ok, "CREATE"))},
                                      {"gas": 21_000 + 32_000 + 9_000 + 400}),
        "create_value_above_balance": ({A: Account(creator(init_ok, "CREATE", value=5))}, {}),
        "create_then_selfdestruct": ({A: Account(creator(init_selfdestruct, "CREATE", value=4),
                                                 balance=4)}, {}),
        "selfdestruct_existing": ({A: Account(then(call("CALL", B), sstore(0))),
                                   B: Account(Program().push(int.from_bytes(C, "big"))
                                              .op("SELFDESTRUCT").build(), balance=9,
                                              storage=((1, 1),))}, {}),
        "selfdestruct_to_ripemd": ({A: Account(then(call("CALL", B), sstore(0))),
                                    B: Account(Program().push(3).op("SELFDESTRUCT").build())},
                                   {}),
        "selfdestruct_in_static": ({A: Account(then(call("STATICCALL", B), sstore(0))),
                                    B: Account(Program().push(3).op("SELFDESTRUCT").build())},
                                   {}),
    }


CASES = _cases()


@pytest.mark.parametrize("revision", REVISIONS)
@pytest.mark.parametrize("name", sorted(CASES))
def test_call_trees_agree_with_py_evm(revision: EvmRevision, name: str) -> None:
    accounts, kw = CASES[name]
    same(revision, accounts, **kw)


def _storage(revision: EvmRevision, name: str, address: bytes, slot: int) -> int:
    """A storage word after the case ran on the project's engine."""
    accounts, kw = CASES[name]
    backend = prepared("python", revision, accounts)
    backend.execute(EvmTransaction(
        sender=SENDER, to=A, value=int(kw.get("value", 0)),  # type: ignore[call-overload]
        data=b"", gas=int(kw.get("gas", 1_000_000)),  # type: ignore[call-overload]
        gas_price=0, tip=0, max_fee_per_gas=0, max_priority_fee_per_gas=0,
        intrinsic_gas=21_000, tx_type=2, is_deposit=False,
    ))
    return backend.get_storage(address, slot)


def test_cases_are_not_vacuous() -> None:
    """The cases reach what they name: the checks above compare real effects."""
    cancun = EvmRevision.CANCUN
    assert _storage(cancun, "depth_limit", A, 0) == 1025  # 1 + 1024 nested frames ran
    assert _storage(cancun, "revert_in_child_keeps_return_data", A, 2) == 0x99
    assert _storage(cancun, "out_of_gas_child", A, 0) == 0
    assert _storage(cancun, "logs_across_reverted_children", A, 2) == 1
    assert _storage(cancun, "delegatecall_storage_context", A, 12) == int.from_bytes(A, "big")
    assert _storage(cancun, "delegatecall_storage_context", A, 11) == 3
    assert _storage(cancun, "precompiles", A, 1) == 0xABCDEF
    assert _storage(cancun, "static_violations", A, 2) == 1  # C's own CALL with value worked
    assert _storage(cancun, "create2_collision", A, 0) == 0  # the second CREATE2 collided
    assert _storage(cancun, "create_ok", A, 0) != 0
    assert _storage(cancun, "create_revert", A, 1) == 32  # the revert data came back
    ours = run("python", cancun, CASES["logs_across_reverted_children"][0])
    assert [log.topics[0][-1] for log in ours.outcome.logs] == [0xA1, 0xA2, 0xC1, 0xA3]


def test_delegation_designators_agree_with_py_evm() -> None:
    """EIP-7702: a call to a delegated account runs the delegate's code; a designator
    pointing at a precompile runs nothing and succeeds."""
    accounts = {
        A: Account(then(call("CALL", B), sstore(0), call("CALL", C, out=(0, 32)), sstore(1),
                        Program().op("RETURNDATASIZE"), sstore(2))),
        B: Account(b"\xef\x01\x00" + FRESH),
        FRESH: Account(writer(7, 7).build()),
        C: Account(b"\xef\x01\x00" + IDENTITY),
    }
    same(EvmRevision.PRAGUE, accounts)
    assert _storage_of(accounts, B, 7) == 7


def _storage_of(accounts: dict[bytes, Account], address: bytes, slot: int) -> int:
    env = BlockEnv(
        revision=EvmRevision.PRAGUE, coinbase=b"\xc0" * 20, number=1000,
        timestamp=1_700_000_000, gas_limit=30_000_000, base_fee=0, prev_randao=b"\x42" * 32,
        chain_id=10, ancestor_hashes=iter(()), precompile_rules=PrecompileRules(),
    )
    backend = EvmBackend(VerifiedSource(MappingStateSource({})), EMPTY_ROOT, env,
                         engine="python")
    backend.add_balance(SENDER, 10**20)
    for account_address, account in accounts.items():
        if account.code:
            backend.set_code(account_address, account.code)
    backend.execute(EvmTransaction(
        sender=SENDER, to=A, value=0, data=b"", gas=1_000_000, gas_price=0, tip=0,
        max_fee_per_gas=0, max_priority_fee_per_gas=0, intrinsic_gas=21_000, tx_type=2,
        is_deposit=False,
    ))
    return backend.get_storage(address, slot)


# -- random call trees -----------------------------------------------------------------------

D = (0xDDDD).to_bytes(20, "big")  # an EIP-7702 designator to B (Prague; INVALID code before)
E = (0xEEEE).to_bytes(20, "big")  # a designator to the identity precompile
_TARGETS = [A, B, C, D, E, FRESH, IDENTITY, SHA256, RIPEMD, (1).to_bytes(20, "big")]
_KINDS = ["CALL", "CALLCODE", "DELEGATECALL", "STATICCALL"]


@st.composite
def _action(draw: st.DrawFn, slot: int) -> bytes:
    kind = draw(st.integers(0, 9))
    if kind <= 3:
        target = draw(st.sampled_from(_TARGETS))
        op = draw(st.sampled_from(_KINDS))
        value = draw(st.sampled_from([0, 0, 1]))
        gas_choice = draw(st.integers(0, 2))
        p = Program().push(32, 0, 32, 0)
        if op in ("CALL", "CALLCODE"):
            p.push(value)
        p.push(int.from_bytes(target, "big"))
        if gas_choice == 0:  # a quarter of the gas left: the call tree stays shallow
            p.push(2).op("GAS").op("SHR")
        else:
            p.push([300, 8_000][gas_choice - 1])
        return then(p.op(op), sstore(slot), Program().op("RETURNDATASIZE"), sstore(slot + 1))
    if kind == 4:
        return then(log1(draw(st.integers(0, 255))))
    if kind == 5:
        return then(writer(draw(st.integers(0, 3)), draw(st.sampled_from([0, 1, 2]))))
    if kind == 6:
        init = draw(st.sampled_from([returning(then(log1(7), STOP)), then(REVERT), b"\xfe",
                                     then(Program().push(int.from_bytes(B, "big"))
                                          .op("SELFDESTRUCT"))]))
        p = Program().mstore_bytes(0, init)
        if draw(st.booleans()):
            p.push(draw(st.integers(0, 3)), len(init), 0, draw(st.sampled_from([0, 1])))
            p.op("CREATE2")
        else:
            p.push(len(init), 0, draw(st.sampled_from([0, 1]))).op("CREATE")
        return then(p, sstore(slot))
    if kind == 7:
        return then(Program().op("CALLER").op("CALLVALUE").op("ADD"), sstore(slot))
    if kind == 8:
        return then(Program().push(1, 0).op("MSTORE").push(32, 0).op("RETURN"))
    return then(Program().push(int.from_bytes(draw(st.sampled_from(_TARGETS)), "big"))
                .op("SELFDESTRUCT"))


@st.composite
def _program(draw: st.DrawFn) -> bytes:
    actions = [draw(_action(0x100 + 2 * i)) for i in range(draw(st.integers(1, 5)))]
    end = draw(st.sampled_from([STOP.build(), REVERT.build(), b"\xfe", b""]))
    return b"".join(actions) + end


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(REVISIONS), _program(), _program(), _program(),
       st.sampled_from([0, 5]), st.sampled_from([60_000, 400_000]))
def test_random_call_trees_agree_with_py_evm(
    revision: EvmRevision, code_a: bytes, code_b: bytes, code_c: bytes, value: int, gas: int,
) -> None:
    accounts = {A: Account(code_a, balance=3), B: Account(code_b, balance=2,
                                                          storage=((1, 1), (2, 2))),
                C: Account(code_c), FRESH: Account(storage=((0, 1),)),
                D: Account(b"\xef\x01\x00" + B), E: Account(b"\xef\x01\x00" + IDENTITY)}
    same(revision, accounts, value=value, gas=gas)


def test_only_the_transaction_frame_is_a_py_evm_computation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Message calls and creations below the transaction run on the project's frames: py-evm
    builds one Computation and one Message per transaction, however many frames run."""
    from eth.vm import computation, message

    counts = {"computation": 0, "message": 0}
    real_computation = computation.BaseComputation.__init__
    real_message = message.Message.__init__

    def counted_computation(self: object, *args: object, **kw: object) -> None:
        counts["computation"] += 1
        real_computation(self, *args, **kw)  # type: ignore[arg-type]

    def counted_message(self: object, *args: object, **kw: object) -> None:
        counts["message"] += 1
        real_message(self, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(computation.BaseComputation, "__init__", counted_computation)
    monkeypatch.setattr(message.Message, "__init__", counted_message)
    accounts, kw = CASES["logs_across_reverted_children"]
    run("python", EvmRevision.CANCUN, accounts, **kw)  # type: ignore[arg-type]
    run("python", EvmRevision.CANCUN, CASES["create_ok"][0])
    assert counts == {"computation": 2, "message": 2}
    run("pyevm", EvmRevision.CANCUN, accounts, **kw)  # type: ignore[arg-type]
    assert counts["computation"] > 4  # py-evm's engine: one per frame
