"""The State's one creation-collision rule (EIP-684, EIP-7610) and its two callers.

``creation_collides`` answers for an account with only storage, only code, only a nonce, only
a balance, or nothing; for storage wiped earlier in the block (the blank root, no collision);
and for slots written in the block but not yet in a state root (the account's root field is
unchanged, as op-geth's ``GetStorageRoot``). The creation transaction and CREATE/CREATE2 of the
project's frames must both ask it: with the method replaced on the State, both obey the
replacement and ask about the address the creation targets.
"""

from collections.abc import Callable
from typing import Any

import pytest

from op_program.encoding.hashing import keccak256
from op_program.executor.evm_backend import EvmBackend
from op_program.executor.evm_types import EMPTY_ROOT, BlockEnv, EvmRevision, EvmTransaction
from op_program.executor.precompiles import PrecompileRules
from op_program.executor.source import MappingStateSource, VerifiedSource
from tests.unit.executor import harness as h

STORAGE_ONLY = (0x5107).to_bytes(20, "big")
CODE_ONLY = (0xC0DE).to_bytes(20, "big")
NONCE_ONLY = (0x0CE).to_bytes(20, "big")
BALANCE_ONLY = (0xBA1).to_bytes(20, "big")
NOTHING = (0xE3).to_bytes(20, "big")
SENDER = (0x5E0DE2).to_bytes(20, "big")
GAS = 1_000_000  # CREATE keeps a 64th: enough left for the SSTORE after a collision
CREATOR = (0xC3EA).to_bytes(20, "big")
# Init code returning the one-byte code 0x01.
INITCODE = bytes.fromhex("600160005360016000f3")
# PUSH10 INITCODE, PUSH1 0, MSTORE (init code at memory 22..31), CREATE(value 0, offset 22,
# size 10), SSTORE the new address (or 0) at slot 0.
CREATOR_CODE = (
    b"\x69" + INITCODE + bytes.fromhex("600052" "600a" "6016" "6000" "f0" "600055" "00")
)


def _setup(backend: EvmBackend) -> None:
    backend.set_storage(STORAGE_ONLY, 1, 1)
    backend.set_code(CODE_ONLY, b"\x00")
    backend.increment_nonce(NONCE_ONLY)
    backend.add_balance(BALANCE_ONLY, 1)
    backend.add_balance(SENDER, 10**18)
    backend.set_code(CREATOR, CREATOR_CODE)


def _backend(engine: str = "python") -> EvmBackend:
    """A backend over the pre-state of ``_setup``, read through the verified source."""
    root, nodes = h.make_state(_setup)
    env = BlockEnv(
        revision=EvmRevision.PRAGUE, coinbase=bytes(20), number=1, timestamp=1,
        gas_limit=h.GAS_LIMIT, base_fee=0, prev_randao=bytes(32), chain_id=h.CHAIN_ID,
        ancestor_hashes=iter(()), precompile_rules=PrecompileRules(),
    )
    return EvmBackend(VerifiedSource(MappingStateSource(nodes)), root, env, engine=engine)


def _state(backend: EvmBackend) -> Any:
    """The project's py-evm ``State`` subclass the backend runs on."""
    return backend._state


def _collides(backend: EvmBackend, address: bytes) -> bool:
    return bool(_state(backend).creation_collides(address))


def test_pre_state_accounts() -> None:
    backend = _backend()
    assert _collides(backend, STORAGE_ONLY)  # EIP-7610
    assert _collides(backend, CODE_ONLY)  # EIP-684
    assert _collides(backend, NONCE_ONLY)  # EIP-684
    assert not _collides(backend, BALANCE_ONLY)
    assert not _collides(backend, NOTHING)
    assert backend.get_nonce(STORAGE_ONLY) == 0 and backend.get_code(STORAGE_ONLY) == b""


@pytest.mark.parametrize("wipe", ["delete_storage", "delete_account"])
def test_storage_wiped_earlier_in_the_block_no_longer_collides(wipe: str) -> None:
    backend = _backend()
    state = _state(backend)
    state.lock_changes()  # a later transaction of the same block
    getattr(state, wipe)(STORAGE_ONLY)
    state.lock_changes()
    assert not _collides(backend, STORAGE_ONLY)
    backend.state_root()
    assert not _collides(backend, STORAGE_ONLY)
    assert backend.storage_root(STORAGE_ONLY) == EMPTY_ROOT


def test_storage_written_in_the_block_counts_once_in_a_state_root() -> None:
    backend = _backend()
    backend.set_storage(NOTHING, 3, 7)
    assert backend.get_storage(NOTHING, 3) == 7
    assert not _collides(backend, NOTHING)  # the root field is the last committed root
    backend.state_root()
    assert _collides(backend, NOTHING)


def test_a_nonce_or_code_given_in_the_block_collides_at_once() -> None:
    backend = _backend()
    backend.increment_nonce(NOTHING)
    backend.set_code(BALANCE_ONLY, b"\x00")
    assert _collides(backend, NOTHING)
    assert _collides(backend, BALANCE_ONLY)


def _replace_rule(backend: EvmBackend, answer: bool) -> list[bytes]:
    """Make the backend's State answer ``answer`` for every address; the addresses asked."""
    asked: list[bytes] = []

    def collides(address: bytes) -> bool:
        asked.append(bytes(address))
        return answer

    replacement: Callable[[bytes], bool] = collides
    _state(backend).creation_collides = replacement
    return asked


def _tx(to: bytes | None, data: bytes, intrinsic: int) -> EvmTransaction:
    return EvmTransaction(
        sender=SENDER, to=to, value=0, data=data, gas=GAS, gas_price=0, tip=0,
        max_fee_per_gas=0, max_priority_fee_per_gas=0, intrinsic_gas=intrinsic, tx_type=2,
        is_deposit=False,
    )


@pytest.mark.parametrize("engine", ["python", "pyevm"])
@pytest.mark.parametrize("collides", [False, True])
def test_the_creation_transaction_asks_the_state(engine: str, collides: bool) -> None:
    backend = _backend(engine)
    asked = _replace_rule(backend, collides)
    outcome = backend.execute(_tx(None, INITCODE, 53_000))
    target = keccak256(bytes.fromhex("d694") + SENDER + b"\x80")[12:]
    assert asked == [target]
    assert outcome.success is not collides
    if collides:
        assert outcome.gas_used == GAS  # EIP-7610: the creation's gas is lost
        assert backend.get_code(target) == b""
    else:
        assert outcome.contract_address == target and backend.get_code(target) == b"\x01"
    assert backend.get_nonce(SENDER) == 1


@pytest.mark.parametrize("collides", [False, True])
def test_create_in_the_projects_frames_asks_the_state(collides: bool) -> None:
    backend = _backend("python")
    asked = _replace_rule(backend, collides)
    outcome = backend.execute(_tx(CREATOR, b"", 21_000))
    target = keccak256(bytes.fromhex("d694") + CREATOR + b"\x80")[12:]
    assert outcome.success and asked == [target]
    created = backend.get_storage(CREATOR, 0)
    assert created == (0 if collides else int.from_bytes(target, "big"))
    assert backend.get_code(target) == (b"" if collides else b"\x01")
    assert backend.get_nonce(CREATOR) == 1  # the creator's nonce rises either way
