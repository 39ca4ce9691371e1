"""The call frame of the project's interpreter: stack, memory, gas and code analysis.

Spec: Yellow Paper §9.4 (machine state: gas, pc, memory, stack), Appendix H (memory expansion
cost ``C_mem(a) = 3a + a²/512``); EELS ``vm/gas.py`` (``calculate_memory_gas_cost``). The stack
is a plain list of ints (≤ 1024 items), memory a bytearray grown in 32-byte words. The frame
also carries the py-evm computation it runs for (message, state, logs, children): that object
stays the state interface, the hot machine state lives here.
"""

from typing import Any

from eth.exceptions import OutOfGas

STACK_LIMIT = 1024
MASK = 2**256 - 1
_JUMPDEST = 0x5B
_PUSH1 = 0x60
_PUSH32 = 0x7F
_CODE_CACHE_LIMIT = 1024
# code -> (valid JUMPDEST offsets, PUSH immediate by offset); shared by every frame of a code.
_ANALYSIS: dict[bytes, tuple[frozenset[int], dict[int, int]]] = {}


def analyse(code: bytes) -> tuple[frozenset[int], dict[int, int]]:
    """Valid jump destinations and the value each PUSHn at an offset pushes (cached per code).

    A JUMPDEST byte inside PUSH data is no destination (Yellow Paper §9.4.3, ``D(c)``); the
    immediate of a PUSH running past the end of the code is padded with zeros on the right.
    """
    cached = _ANALYSIS.get(code)
    if cached is not None:
        return cached
    dests: set[int] = set()
    pushes: dict[int, int] = {}
    size = len(code)
    pc = 0
    while pc < size:
        op = code[pc]
        if op == _JUMPDEST:
            dests.add(pc)
        elif _PUSH1 <= op <= _PUSH32:
            n = op - _PUSH1 + 1
            data = code[pc + 1:pc + 1 + n]
            pushes[pc] = int.from_bytes(data, "big") << (8 * (n - len(data)))
            pc += n
        pc += 1
    if len(_ANALYSIS) >= _CODE_CACHE_LIMIT:
        _ANALYSIS.clear()
    result = (frozenset(dests), pushes)
    _ANALYSIS[code] = result
    return result


class Frame:
    """Machine state of one message call; ``comp`` is its py-evm computation."""

    __slots__ = ("comp", "msg", "state", "code", "mem", "gas", "pc", "address", "static")

    def __init__(self, comp: Any) -> None:
        self.comp = comp
        msg = comp.msg
        self.msg = msg
        self.state = comp.state
        self.code: bytes = bytes(msg.code)
        self.mem: bytearray = comp._memory._bytes
        self.gas: int = comp._gas_meter.gas_remaining
        self.pc = 0
        self.address: bytes = msg.storage_address
        self.static: bool = msg.is_static


def charge(f: Frame, amount: int) -> None:
    """Charge dynamic gas; running out is an exceptional halt (YP §9.4.2, Z condition)."""
    if amount > f.gas:
        raise OutOfGas(f"out of gas: needed {amount}, remaining {f.gas}")
    f.gas -= amount


def _words_cost(words: int) -> int:
    return 3 * words + words * words // 512


def expand(f: Frame, start: int, size: int) -> None:
    """Charge and perform memory expansion to cover ``[start, start + size)`` (size may be 0).

    A zero-size access never expands memory, whatever its offset (YP eq. 328, ``M``).
    """
    if not size:
        return
    end = start + size
    mem = f.mem
    cur = len(mem)
    if end <= cur:
        return
    words = (end + 31) >> 5
    cost = _words_cost(words) - _words_cost(cur >> 5)
    if cost > f.gas:
        raise OutOfGas(f"out of gas: memory expansion to {end} bytes costs {cost}")
    f.gas -= cost
    grow = (words << 5) - cur
    try:
        mem.extend(bytes(grow))
    except BufferError:  # a live memoryview pins the buffer: continue on a copy
        mem = f.mem = f.comp._memory._bytes = mem + bytes(grow)


def expand2(f: Frame, start_a: int, size_a: int, start_b: int, size_b: int) -> None:
    """Memory expansion covering two regions at once (CALL's input and output)."""
    end_a = start_a + size_a if size_a else 0
    end_b = start_b + size_b if size_b else 0
    if end_a >= end_b:
        if size_a:
            expand(f, start_a, size_a)
    elif size_b:
        expand(f, start_b, size_b)


def read(f: Frame, start: int, size: int) -> bytes:
    """Bytes of memory (already expanded) as an immutable copy."""
    return bytes(f.mem[start:start + size]) if size else b""


def copy_cost(size: int) -> int:
    """3 gas per word copied (CALLDATACOPY, CODECOPY, RETURNDATACOPY, MCOPY, EXTCODECOPY)."""
    return 3 * ((size + 31) >> 5)
