"""Frame opcodes over account state: storage, account reads, transient storage, logs.

Spec: EIP-2929 (cold/warm access: 2600/100 accounts, 2100/100 slots), EIP-2200 and
EIP-3529 (SSTORE gas and refunds, the 2300-gas stipend guard), EIP-1153 (TLOAD/TSTORE),
EIP-1052 (EXTCODEHASH), Yellow Paper Appendix H.2 (LOGn: 375 + 375·n + 8·bytes), EIP-214
(state changes in a static call are exceptional). Accounts and storage are read and written
through the py-evm state object (journaled, reverted with its frame).
"""

from typing import Final

from eth.exceptions import InsufficientStack, OutOfGas, WriteProtection

from op_program.executor.evm_backend.interp.frame import Frame, charge, copy_cost, expand, read
from op_program.executor.evm_backend.interp.ops_env import _copy_into, to_address

WARM_ACCESS: Final = 100
COLD_ACCOUNT_ACCESS: Final = 2600
COLD_SLOAD: Final = 2100
SSTORE_SET: Final = 20_000
SSTORE_RESET: Final = 5_000 - COLD_SLOAD
SSTORE_CLEARS_REFUND: Final = 4_800  # EIP-3529: SSTORE_RESET + ACCESS_LIST_STORAGE_KEY
CALL_STIPEND: Final = 2300
LOG_GAS: Final = 375
LOG_TOPIC_GAS: Final = 375
LOG_DATA_GAS: Final = 8


def access_account(f: Frame, address: bytes) -> None:
    """Charge the EIP-2929 access cost of ``address`` and warm it."""
    state = f.state
    if state.is_address_warm(address):
        charge(f, WARM_ACCESS)
    else:
        state.mark_address_warm(address)
        charge(f, COLD_ACCOUNT_ACCESS)


def op_balance(f: Frame, s: list[int]) -> None:
    """BALANCE (EIP-2929 access cost): balance of an account."""
    address = to_address(s.pop())
    access_account(f, address)
    s.append(f.state.get_balance(address))


def op_extcodesize(f: Frame, s: list[int]) -> None:
    """EXTCODESIZE (EIP-2929 access cost): code length of an account."""
    address = to_address(s.pop())
    access_account(f, address)
    s.append(len(f.state.get_code(address)))


def op_extcodecopy(f: Frame, s: list[int]) -> None:
    """EXTCODECOPY (EIP-2929 access cost): an account's code into memory."""
    address = to_address(s.pop())
    dst = s.pop()
    src = s.pop()
    size = s.pop()
    charge(f, copy_cost(size))
    access_account(f, address)
    expand(f, dst, size)
    # The account is loaded even for size 0, as every client does: a witness of this
    # execution must hold it for another executor (kona) to replay the block.
    code = f.state.get_code(address)
    if size:
        _copy_into(f, dst, code, src, size)


def op_extcodehash(f: Frame, s: list[int]) -> None:
    """EXTCODEHASH (EIP-1052): code hash, 0 for an empty account."""
    address = to_address(s.pop())
    access_account(f, address)
    state = f.state
    s.append(0 if state.account_is_empty(address) else
             int.from_bytes(state.get_code_hash(address), "big"))


def op_sload(f: Frame, s: list[int]) -> None:
    """SLOAD (EIP-2929): a storage word of the executing account; 2100 cold, 100 warm."""
    slot = s.pop()
    state = f.state
    address = f.address
    if state.is_storage_warm(address, slot):
        charge(f, WARM_ACCESS)
    else:
        state.mark_storage_warm(address, slot)
        charge(f, COLD_SLOAD)
    s.append(state.get_storage(address, slot))


def _sstore_refund(original: int, current: int, new: int) -> int:
    """EIP-3529 refund counter change of an SSTORE with ``current != new``."""
    refund = 0
    if original and current and not new:
        refund += SSTORE_CLEARS_REFUND
    if original and not current:
        refund -= SSTORE_CLEARS_REFUND
    if original == new:
        refund += (SSTORE_SET if not original else SSTORE_RESET) - WARM_ACCESS
    return refund


def op_sstore(f: Frame, s: list[int]) -> None:
    """SSTORE (EIP-2200, EIP-2929, EIP-3529): write a storage word; gas by original/current/new."""
    # The checks in py-evm's order (the loop leaves the stack check to this function).
    if f.static:
        raise WriteProtection("SSTORE in a static call")
    if f.gas <= CALL_STIPEND:  # EIP-2200: never with only the stipend left
        raise OutOfGas("SSTORE with no more than the call stipend left")
    if len(s) < 2:
        raise InsufficientStack("SSTORE needs 2 stack items")
    slot = s.pop()
    new = s.pop()
    state = f.state
    address = f.address
    cost = 0
    if not state.is_storage_warm(address, slot):
        state.mark_storage_warm(address, slot)
        cost = COLD_SLOAD
    current = state.get_storage(address, slot)
    if current == new:
        charge(f, cost + WARM_ACCESS)
        return
    original = state.get_storage(address, slot, from_journal=False)
    if original == current:
        cost += SSTORE_SET if not original else SSTORE_RESET
    else:
        cost += WARM_ACCESS
    charge(f, cost)
    refund = _sstore_refund(original, current, new)
    if refund:
        f.refund += refund
    state.set_storage(address, slot, new)


def op_tload(f: Frame, s: list[int]) -> None:
    """TLOAD (EIP-1153): a transient storage word."""
    value = f.state.get_transient_storage(f.address, s.pop())
    s.append(int.from_bytes(value, "big") if value else 0)


def op_tstore(f: Frame, s: list[int]) -> None:
    """TSTORE (EIP-1153): write a transient storage word."""
    if f.static:
        raise WriteProtection("TSTORE in a static call")
    slot = s.pop()
    f.state.set_transient_storage(f.address, slot, s.pop().to_bytes(32, "big"))


def _log(f: Frame, s: list[int], count: int) -> None:
    if f.static:
        raise WriteProtection("LOG in a static call")
    start = s.pop()
    size = s.pop()
    topics = tuple(s.pop() for _ in range(count))
    charge(f, LOG_TOPIC_GAS * count + LOG_DATA_GAS * size)
    expand(f, start, size)
    counter = f.env.ctx.get_next_log_counter()
    f.logs.append((counter, f.address, topics, read(f, start, size)))


def op_log0(f: Frame, s: list[int]) -> None:
    """LOG0: a log without topics."""
    _log(f, s, 0)


def op_log1(f: Frame, s: list[int]) -> None:
    """LOG1: a log with one topic."""
    _log(f, s, 1)


def op_log2(f: Frame, s: list[int]) -> None:
    """LOG2: a log with two topics."""
    _log(f, s, 2)


def op_log3(f: Frame, s: list[int]) -> None:
    """LOG3: a log with three topics."""
    _log(f, s, 3)


def op_log4(f: Frame, s: list[int]) -> None:
    """LOG4: a log with four topics."""
    _log(f, s, 4)


STATE_OPS = {
    0x31: (op_balance, 0, 1, 1), 0x3B: (op_extcodesize, 0, 1, 1),
    0x3C: (op_extcodecopy, 0, 4, 0), 0x3F: (op_extcodehash, 0, 1, 1),
    0x54: (op_sload, 0, 1, 1), 0x55: (op_sstore, 0, 0, 0),
    0xA0: (op_log0, LOG_GAS, 2, 0), 0xA1: (op_log1, LOG_GAS, 3, 0),
    0xA2: (op_log2, LOG_GAS, 4, 0), 0xA3: (op_log3, LOG_GAS, 5, 0),
    0xA4: (op_log4, LOG_GAS, 6, 0),
}
"""opcode -> (function, static gas, stack items read, stack items written): Paris set."""
CANCUN_STATE_OPS = {0x5C: (op_tload, WARM_ACCESS, 1, 1), 0x5D: (op_tstore, WARM_ACCESS, 2, 0)}
"""Added by Cancun (EIP-1153)."""
