"""Creation opcodes CREATE, CREATE2 and SELFDESTRUCT on the project's frames.

Spec: Yellow Paper §7 and Appendix H.2 (CREATE: 32,000 gas, the address from the creator's
address and nonce; SELFDESTRUCT: 5,000 gas, 25,000 more when it sends a balance to a dead
account (EIP-161)), EIP-1014 (CREATE2: 6 gas per word of init code hashed, the address from a
salt and the init code's hash), EIP-150 (the creation gets all but one 64th of the gas left),
EIP-214 (both write state: exceptional in a static call), EIP-2929 (the new address is warm;
a cold beneficiary costs 2,600), EIP-3860 (2 gas per word of init code; init code over 49,152
bytes is an exceptional halt), EIP-7610 (an address with a nonce, code or storage collides:
the creation fails, its gas is lost), EIP-6780 (from Cancun SELFDESTRUCT only deletes a
contract created in the same transaction; otherwise it only moves the balance).

py-evm checks the init code size only once the creation is about to run (after the depth,
balance and collision checks); EELS and op-geth check it first, which is what this does.
"""

from typing import Final

from eth._utils.address import generate_contract_address
from eth.exceptions import OutOfGas, WriteProtection

from op_program.encoding.hashing import keccak256
from op_program.executor.evm_backend.interp.creation import run_create
from op_program.executor.evm_backend.interp.frame import Frame, charge, expand, read
from op_program.executor.evm_backend.interp.ops_env import to_address
from op_program.executor.evm_backend.interp.txenv import RIPEMD160

CREATE_GAS: Final = 32_000
HASH_WORD_GAS: Final = 6
INITCODE_WORD_GAS: Final = 2
MAX_INITCODE_SIZE: Final = 2 * 24_576
SELFDESTRUCT_GAS: Final = 5_000
NEW_ACCOUNT_GAS: Final = 25_000
COLD_ACCOUNT_ACCESS: Final = 2_600
DEPTH_LIMIT: Final = 1024
NONCE_LIMIT: Final = 2**64 - 1


def _create(f: Frame, s: list[int], salted: bool) -> None:
    """Shared body of CREATE (``salted`` False) and CREATE2."""
    if f.static:
        raise WriteProtection("contract creation in a static call")
    value = s.pop()
    start = s.pop()
    size = s.pop()
    salt = s.pop() if salted else 0
    words = (size + 31) >> 5
    env = f.env
    cost = CREATE_GAS
    if salted:
        cost += HASH_WORD_GAS * words
    if env.shanghai:
        cost += INITCODE_WORD_GAS * words
    charge(f, cost)
    expand(f, start, size)
    if env.shanghai and size > MAX_INITCODE_SIZE:
        raise OutOfGas(f"init code of {size} bytes is over the EIP-3860 limit")
    state = f.state
    creator = f.address
    nonce = state.get_nonce(creator)
    if state.get_balance(creator) < value or f.depth + 1 > DEPTH_LIMIT or nonce >= NONCE_LIMIT:
        f.return_data = b""
        s.append(0)
        return
    initcode = read(f, start, size)
    gas = f.gas - f.gas // 64
    f.gas -= gas
    state.increment_nonce(creator)
    if salted:
        address = keccak256(
            b"\xff" + creator + salt.to_bytes(32, "big") + keccak256(initcode)
        )[12:]
    else:
        address = bytes(generate_contract_address(creator, nonce))  # type: ignore[arg-type]
    state.mark_address_warm(address)
    if state.creation_collides(address):  # EIP-684 / EIP-7610 (the State's rule)
        f.return_data = b""
        s.append(0)
        return
    success, f.return_data, left = run_create(f, gas, address, value, initcode)
    s.append(int.from_bytes(address, "big") if success else 0)
    f.gas += left


def op_create(f: Frame, s: list[int]) -> None:
    """CREATE: a new contract at keccak(rlp([creator, nonce]))[12:]."""
    _create(f, s, False)


def op_create2(f: Frame, s: list[int]) -> None:
    """CREATE2 (EIP-1014): a new contract at keccak(0xff ‖ creator ‖ salt ‖ keccak(init))[12:]."""
    _create(f, s, True)


def op_selfdestruct(f: Frame, s: list[int]) -> bool:
    """SELFDESTRUCT: send the whole balance to the beneficiary and halt.

    Before Cancun, and from Cancun for a contract created in this transaction (EIP-6780), the
    account is also deleted at the end of the transaction (a successful frame's ``destructs``).
    """
    if f.static:
        raise WriteProtection("SELFDESTRUCT in a static call")
    beneficiary = to_address(s.pop())
    state = f.state
    if not state.is_address_warm(beneficiary):
        state.mark_address_warm(beneficiary)
        charge(f, COLD_ACCOUNT_ACCESS)
    address = f.address
    if (not state.account_exists(beneficiary) or state.account_is_empty(beneficiary)) and (
        state.get_balance(address)
    ):
        charge(f, NEW_ACCOUNT_GAS)
    env = f.env
    balance = state.get_balance(address)
    if not env.cancun or address in env.contracts_created:
        state.set_balance(beneficiary, balance + state.get_balance(beneficiary))
        state.set_balance(address, 0)
        f.destructs.append(address)
    else:
        state.delta_balance(beneficiary, balance)
        state.delta_balance(address, -balance)
    f.beneficiaries.append(beneficiary)
    if beneficiary == RIPEMD160:
        env.ripemd_touched = True
    return True


CREATE_OPS = {
    0xF0: (op_create, 0, 3, 1), 0xF5: (op_create2, 0, 4, 1),
    0xFF: (op_selfdestruct, SELFDESTRUCT_GAS, 1, 0),
}
"""opcode -> (function, static gas, stack items read, stack items written)."""
