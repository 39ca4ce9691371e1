"""Frame opcodes without account state: SHA3, EXP, environment, block, memory, halts.

Spec: Yellow Paper Appendix H.2 (0x0a, 0x20, 0x30-0x4a, 0x51-0x5f, 0xf3, 0xfd, 0xfe) and
EIPs 3198 (BASEFEE), 4399 (PREVRANDAO), 1344 (CHAINID), 211 (RETURNDATA*), 4844
(BLOBHASH), 7516 (BLOBBASEFEE), 5656 (MCOPY), 3855 (PUSH0 is in the loop). Each function
takes the frame and the stack; static gas and stack height are checked by the loop, dynamic
gas is charged here before the effect (EELS ``charge_gas`` then act).
"""

from typing import Final

from eth.exceptions import InvalidInstruction, OutOfBoundsRead, Revert

from op_program.encoding.hashing import keccak256
from op_program.executor.evm_backend.interp.frame import (
    Frame,
    charge,
    copy_cost,
    expand,
    read,
)

_ADDRESS_MASK: Final = 2**160 - 1
_BLOCKHASH_WINDOW: Final = 256


def _copy_into(f: Frame, dst: int, src_data: bytes, src: int, size: int) -> None:
    """Write ``size`` bytes of ``src_data`` from ``src`` (zero-padded past its end) at ``dst``."""
    if not size:
        return
    chunk = src_data[src:src + size] if src < len(src_data) else b""
    f.mem[dst:dst + size] = chunk + bytes(size - len(chunk))


def op_exp(f: Frame, s: list[int]) -> None:
    """EXP: base ** exponent mod 2^256; 50 gas per exponent byte (EIP-160)."""
    base = s.pop()
    exponent = s.pop()
    charge(f, 50 * ((exponent.bit_length() + 7) // 8))
    s.append(pow(base, exponent, 2**256))


def op_sha3(f: Frame, s: list[int]) -> None:
    """KECCAK256: hash of memory[start:start+size]; 6 gas per word."""
    start = s.pop()
    size = s.pop()
    charge(f, 6 * ((size + 31) >> 5))
    expand(f, start, size)
    s.append(int.from_bytes(keccak256(read(f, start, size)), "big"))


def op_address(f: Frame, s: list[int]) -> None:
    """ADDRESS: the executing account."""
    s.append(int.from_bytes(f.address, "big"))


def op_origin(f: Frame, s: list[int]) -> None:
    """ORIGIN: the transaction sender."""
    s.append(int.from_bytes(f.env.origin, "big"))


def op_caller(f: Frame, s: list[int]) -> None:
    """CALLER: the message sender."""
    s.append(int.from_bytes(f.caller, "big"))


def op_callvalue(f: Frame, s: list[int]) -> None:
    """CALLVALUE: the message value."""
    s.append(f.value)


def op_calldataload(f: Frame, s: list[int]) -> None:
    """CALLDATALOAD: 32 bytes of call data from start, zero-padded."""
    start = s.pop()
    data = f.data
    if start >= len(data):
        s.append(0)
        return
    word = bytes(data[start:start + 32])
    s.append(int.from_bytes(word, "big") << (8 * (32 - len(word))))


def op_calldatasize(f: Frame, s: list[int]) -> None:
    """CALLDATASIZE: length of the call data."""
    s.append(len(f.data))


def op_calldatacopy(f: Frame, s: list[int]) -> None:
    """CALLDATACOPY: call data into memory, zero-padded; 3 gas per word."""
    dst = s.pop()
    src = s.pop()
    size = s.pop()
    charge(f, copy_cost(size))
    expand(f, dst, size)
    _copy_into(f, dst, f.data, src, size)


def op_codesize(f: Frame, s: list[int]) -> None:
    """CODESIZE: length of the running code."""
    s.append(len(f.code))


def op_codecopy(f: Frame, s: list[int]) -> None:
    """CODECOPY: running code into memory, zero-padded."""
    dst = s.pop()
    src = s.pop()
    size = s.pop()
    charge(f, copy_cost(size))
    expand(f, dst, size)
    _copy_into(f, dst, f.code, src, size)


def op_gasprice(f: Frame, s: list[int]) -> None:
    """GASPRICE: the transaction's effective gas price."""
    s.append(f.env.gas_price)


def op_returndatasize(f: Frame, s: list[int]) -> None:
    """RETURNDATASIZE (EIP-211): length of the last call's return data."""
    s.append(len(f.return_data))


def op_returndatacopy(f: Frame, s: list[int]) -> None:
    """RETURNDATACOPY (EIP-211): return data into memory; reading past its end halts."""
    dst = s.pop()
    src = s.pop()
    size = s.pop()
    data = f.return_data
    if src + size > len(data):  # EIP-211: reading past the return data is exceptional
        raise OutOfBoundsRead("RETURNDATACOPY past the end of the return data")
    charge(f, copy_cost(size))
    expand(f, dst, size)
    _copy_into(f, dst, data, src, size)


def op_blockhash(f: Frame, s: list[int]) -> None:
    """BLOCKHASH: hash of one of the 256 previous blocks, else 0."""
    number = s.pop()
    current = f.state.block_number
    if number >= current or number + _BLOCKHASH_WINDOW < current:
        s.append(0)
        return
    value = f.state.get_ancestor_hash(number)
    s.append(int.from_bytes(value, "big") if value else 0)


def op_coinbase(f: Frame, s: list[int]) -> None:
    """COINBASE: the block's fee recipient."""
    s.append(int.from_bytes(f.state.coinbase, "big"))


def op_timestamp(f: Frame, s: list[int]) -> None:
    """TIMESTAMP: the block's time."""
    s.append(f.state.timestamp)


def op_number(f: Frame, s: list[int]) -> None:
    """NUMBER: the block's number."""
    s.append(f.state.block_number)


def op_prevrandao(f: Frame, s: list[int]) -> None:
    """PREVRANDAO (EIP-4399): the block's mix hash."""
    s.append(int.from_bytes(f.state.mix_hash, "big"))


def op_gaslimit(f: Frame, s: list[int]) -> None:
    """GASLIMIT: the block's gas limit."""
    s.append(f.state.gas_limit)


def op_chainid(f: Frame, s: list[int]) -> None:
    """CHAINID (EIP-1344): the chain id."""
    s.append(f.state.execution_context.chain_id)


def op_selfbalance(f: Frame, s: list[int]) -> None:
    """SELFBALANCE (EIP-1884): balance of the executing account."""
    s.append(f.state.get_balance(f.address))


def op_basefee(f: Frame, s: list[int]) -> None:
    """BASEFEE (EIP-3198): the block's base fee."""
    s.append(f.state.base_fee)


def op_blobhash(f: Frame, s: list[int]) -> None:
    """BLOBHASH (EIP-4844): the transaction's versioned hash at index, else 0."""
    index = s.pop()
    hashes = f.env.ctx.blob_versioned_hashes
    s.append(int.from_bytes(hashes[index], "big") if index < len(hashes) else 0)


def op_blobbasefee(f: Frame, s: list[int]) -> None:
    """BLOBBASEFEE (EIP-7516): the block's blob base fee."""
    s.append(f.state.blob_base_fee)


def op_mload(f: Frame, s: list[int]) -> None:
    """MLOAD: the 32-byte word at memory[start]."""
    start = s.pop()
    if start + 32 > len(f.mem):
        expand(f, start, 32)
    s.append(int.from_bytes(f.mem[start:start + 32], "big"))


def op_mstore(f: Frame, s: list[int]) -> None:
    """MSTORE: write a 32-byte word at memory[start]."""
    start = s.pop()
    value = s.pop()
    if start + 32 > len(f.mem):
        expand(f, start, 32)
    f.mem[start:start + 32] = value.to_bytes(32, "big")


def op_mstore8(f: Frame, s: list[int]) -> None:
    """MSTORE8: write the low byte at memory[start]."""
    start = s.pop()
    value = s.pop()
    expand(f, start, 1)
    f.mem[start] = value & 0xFF


def op_pc(f: Frame, s: list[int]) -> None:
    """PC: offset of this instruction."""
    s.append(f.pc)


def op_msize(f: Frame, s: list[int]) -> None:
    """MSIZE: memory size in bytes (a multiple of 32)."""
    s.append(len(f.mem))


def op_gas(f: Frame, s: list[int]) -> None:
    """GAS: gas left after this instruction."""
    s.append(f.gas)


def op_mcopy(f: Frame, s: list[int]) -> None:
    """MCOPY (EIP-5656): copy memory within memory; 3 gas per word."""
    dst = s.pop()
    src = s.pop()
    size = s.pop()
    charge(f, copy_cost(size))
    if size:
        expand(f, max(dst, src), size)
        f.mem[dst:dst + size] = f.mem[src:src + size]


def op_stop(f: Frame, s: list[int]) -> bool:
    """STOP: halt with empty output."""
    return True


def op_return(f: Frame, s: list[int]) -> bool:
    """RETURN: halt with memory[start:start+size] as output."""
    start = s.pop()
    size = s.pop()
    expand(f, start, size)
    f.output = read(f, start, size)
    return True


def op_revert(f: Frame, s: list[int]) -> bool:
    """REVERT (EIP-140): halt, undo state changes, keep the gas left and the output."""
    start = s.pop()
    size = s.pop()
    expand(f, start, size)
    f.output = read(f, start, size)  # the frame keeps its gas left in f.gas (EIP-140)
    raise Revert(f.output)


def op_invalid(f: Frame, s: list[int]) -> bool:
    """INVALID and every undefined byte: exceptional halt."""
    raise InvalidInstruction(f"invalid opcode 0x{f.code[f.pc]:02x} at pc {f.pc}")


def to_address(value: int) -> bytes:
    """The 20-byte address in the low bytes of a stack word."""
    return (value & _ADDRESS_MASK).to_bytes(20, "big")


ENV_OPS = {
    0x00: (op_stop, 0, 0, 0), 0x0A: (op_exp, 10, 2, 1), 0x20: (op_sha3, 30, 2, 1),
    0x30: (op_address, 2, 0, 1), 0x32: (op_origin, 2, 0, 1), 0x33: (op_caller, 2, 0, 1),
    0x34: (op_callvalue, 2, 0, 1), 0x35: (op_calldataload, 3, 1, 1),
    0x36: (op_calldatasize, 2, 0, 1), 0x37: (op_calldatacopy, 3, 3, 0),
    0x38: (op_codesize, 2, 0, 1), 0x39: (op_codecopy, 3, 3, 0), 0x3A: (op_gasprice, 2, 0, 1),
    0x3D: (op_returndatasize, 2, 0, 1), 0x3E: (op_returndatacopy, 3, 3, 0),
    0x40: (op_blockhash, 20, 1, 1), 0x41: (op_coinbase, 2, 0, 1),
    0x42: (op_timestamp, 2, 0, 1), 0x43: (op_number, 2, 0, 1), 0x44: (op_prevrandao, 2, 0, 1),
    0x45: (op_gaslimit, 2, 0, 1), 0x46: (op_chainid, 2, 0, 1),
    0x47: (op_selfbalance, 5, 0, 1), 0x48: (op_basefee, 2, 0, 1),
    0x51: (op_mload, 3, 1, 1), 0x52: (op_mstore, 3, 2, 0), 0x53: (op_mstore8, 3, 2, 0),
    0x58: (op_pc, 2, 0, 1), 0x59: (op_msize, 2, 0, 1), 0x5A: (op_gas, 2, 0, 1),
    0xF3: (op_return, 0, 2, 0), 0xFD: (op_revert, 0, 2, 0), 0xFE: (op_invalid, 0, 0, 0),
}
"""opcode -> (function, static gas, stack items read, stack items written): Paris set."""
CANCUN_ENV_OPS = {
    0x49: (op_blobhash, 3, 1, 1), 0x4A: (op_blobbasefee, 2, 0, 1), 0x5E: (op_mcopy, 3, 3, 0),
}
"""Added by Cancun (EIP-4844, EIP-7516, EIP-5656)."""
