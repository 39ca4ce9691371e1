"""The call frame of the project's interpreter: stack, memory, gas and code analysis.

Spec: Yellow Paper §9.4 (machine state: gas, pc, memory, stack), Appendix H (memory expansion
cost ``C_mem(a) = 3a + a²/512``); EELS ``vm/gas.py`` (``calculate_memory_gas_cost``). The stack
is a plain list of ints (≤ 1024 items), memory a bytearray grown in 32-byte words. The frame
also carries the py-evm computation it runs for (message, state, logs, children): that object
stays the state interface, the hot machine state lives here.
"""

import re
from typing import Any

from eth.exceptions import OutOfGas

STACK_LIMIT = 1024
MASK = 2**256 - 1
_CODE_CACHE_LIMIT = 1024
# From an instruction boundary: any run of instructions (a PUSHn with its n data bytes, or any
# other single byte but JUMPDEST), then a JUMPDEST. Possessive, so PUSH data is never re-read
# as an instruction; a PUSH cut short by the end of the code ends the search.
_TO_NEXT_JUMPDEST = re.compile(
    b"(?:[\\x00-\\x5a\\x5c-\\x5f\\x80-\\xff]"
    + b"".join(b"|\\x%02x[\\s\\S]{%d}" % (0x5F + n, n) for n in range(1, 33))
    + b")*+\\x5b"
)
# code -> (valid JUMPDEST offsets, code + 32 zeros)
_ANALYSIS: dict[bytes, tuple[frozenset[int], bytes]] = {}


def jumpdests(code: bytes) -> frozenset[int]:
    """Offsets of the JUMPDEST instructions of ``code`` (YP §9.4.3, ``D(c)``).

    A 0x5b byte inside PUSH data is no destination. The regular expression walks from one
    JUMPDEST to the next in C; Python only loops once per JUMPDEST.
    """
    dests = []
    pos = 0
    match = _TO_NEXT_JUMPDEST.match
    while (m := match(code, pos)) is not None:
        pos = m.end()
        dests.append(pos - 1)
    return frozenset(dests)


def analyse(code: bytes) -> tuple[frozenset[int], bytes]:
    """Jump destinations and the zero-padded code (cached per code).

    The immediate of a PUSH running past the end of the code is padded with zeros on the
    right (YP §9.4.1), hence the 32 zero bytes appended.
    """
    cached = _ANALYSIS.get(code)
    if cached is not None:
        return cached
    if len(_ANALYSIS) >= _CODE_CACHE_LIMIT:
        _ANALYSIS.clear()
    result = (jumpdests(code), code + bytes(32))
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
