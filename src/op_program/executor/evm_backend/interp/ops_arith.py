"""Stack-only opcodes: arithmetic, comparison, bitwise (Yellow Paper Appendix H.2, 0x01-0x1d).

Each function takes the stack (a list of ints, top last) and does what the YP's ``μ's'`` says;
the loop has already checked the stack height and charged the static gas. EXP charges its
per-byte gas itself, so it is a frame opcode (see ``ops_env``). Signed values are two's
complement over 256 bits (EELS ``vm/instructions/arithmetic.py``).
"""

from typing import Final

from op_program.executor.evm_backend.interp.frame import MASK

_SIGN: Final = 2**255
_MOD: Final = 2**256


def _signed(x: int) -> int:
    return x - _MOD if x & _SIGN else x


def op_add(s: list[int]) -> None:
    """ADD: a + b mod 2^256."""
    s.append((s.pop() + s.pop()) & MASK)


def op_mul(s: list[int]) -> None:
    """MUL: a * b mod 2^256."""
    s.append((s.pop() * s.pop()) & MASK)


def op_sub(s: list[int]) -> None:
    """SUB: a - b mod 2^256."""
    a = s.pop()
    s.append((a - s.pop()) & MASK)


def op_div(s: list[int]) -> None:
    """DIV: a // b, 0 when b = 0."""
    a = s.pop()
    b = s.pop()
    s.append(a // b if b else 0)


def op_sdiv(s: list[int]) -> None:
    """SDIV: signed division truncating toward zero, 0 when b = 0."""
    a = _signed(s.pop())
    b = _signed(s.pop())
    if b == 0:
        s.append(0)
        return
    q = abs(a) // abs(b)
    s.append((-q if (a < 0) != (b < 0) else q) & MASK)


def op_mod(s: list[int]) -> None:
    """MOD: a mod b, 0 when b = 0."""
    a = s.pop()
    b = s.pop()
    s.append(a % b if b else 0)


def op_smod(s: list[int]) -> None:
    """SMOD: signed remainder with the sign of a, 0 when b = 0."""
    a = _signed(s.pop())
    b = _signed(s.pop())
    if b == 0:
        s.append(0)
        return
    r = abs(a) % abs(b)
    s.append((-r if a < 0 else r) & MASK)


def op_addmod(s: list[int]) -> None:
    """ADDMOD: (a + b) mod n without 256-bit wrap, 0 when n = 0."""
    a = s.pop()
    b = s.pop()
    n = s.pop()
    s.append((a + b) % n if n else 0)


def op_mulmod(s: list[int]) -> None:
    """MULMOD: (a * b) mod n without 256-bit wrap, 0 when n = 0."""
    a = s.pop()
    b = s.pop()
    n = s.pop()
    s.append((a * b) % n if n else 0)


def op_signextend(s: list[int]) -> None:
    """SIGNEXTEND: extend the sign bit of byte b (from the right) of x."""
    b = s.pop()
    x = s.pop()
    if b >= 31:
        s.append(x)
        return
    bits = 8 * (b + 1)
    low = x & ((1 << bits) - 1)
    s.append(low | (MASK ^ ((1 << bits) - 1)) if low >> (bits - 1) else low)


def op_lt(s: list[int]) -> None:
    """LT: unsigned a < b."""
    a = s.pop()
    s.append(1 if a < s.pop() else 0)


def op_gt(s: list[int]) -> None:
    """GT: unsigned a > b."""
    a = s.pop()
    s.append(1 if a > s.pop() else 0)


def op_slt(s: list[int]) -> None:
    """SLT: signed a < b."""
    a = _signed(s.pop())
    s.append(1 if a < _signed(s.pop()) else 0)


def op_sgt(s: list[int]) -> None:
    """SGT: signed a > b."""
    a = _signed(s.pop())
    s.append(1 if a > _signed(s.pop()) else 0)


def op_eq(s: list[int]) -> None:
    """EQ: a == b."""
    s.append(1 if s.pop() == s.pop() else 0)


def op_iszero(s: list[int]) -> None:
    """ISZERO: a == 0."""
    s[-1] = 0 if s[-1] else 1


def op_and(s: list[int]) -> None:
    """AND: bitwise and."""
    s.append(s.pop() & s.pop())


def op_or(s: list[int]) -> None:
    """OR: bitwise or."""
    s.append(s.pop() | s.pop())


def op_xor(s: list[int]) -> None:
    """XOR: bitwise xor."""
    s.append(s.pop() ^ s.pop())


def op_not(s: list[int]) -> None:
    """NOT: bitwise complement."""
    s[-1] = MASK ^ s[-1]


def op_byte(s: list[int]) -> None:
    """BYTE: byte i of x counted from the most significant."""
    i = s.pop()
    x = s.pop()
    s.append((x >> (8 * (31 - i))) & 0xFF if i < 32 else 0)


def op_shl(s: list[int]) -> None:
    """SHL (EIP-145): x << shift, 0 for shift >= 256."""
    shift = s.pop()
    x = s.pop()
    s.append((x << shift) & MASK if shift < 256 else 0)


def op_shr(s: list[int]) -> None:
    """SHR (EIP-145): logical x >> shift."""
    shift = s.pop()
    x = s.pop()
    s.append(x >> shift if shift < 256 else 0)


def op_sar(s: list[int]) -> None:
    """SAR (EIP-145): arithmetic x >> shift."""
    shift = s.pop()
    x = _signed(s.pop())
    s.append((x >> shift if shift < 256 else (-1 if x < 0 else 0)) & MASK)


def op_pop(s: list[int]) -> None:
    """POP: drop the top item."""
    s.pop()


ARITH_OPS = {
    0x01: (op_add, 3, 2, 1), 0x02: (op_mul, 5, 2, 1), 0x03: (op_sub, 3, 2, 1),
    0x04: (op_div, 5, 2, 1), 0x05: (op_sdiv, 5, 2, 1), 0x06: (op_mod, 5, 2, 1),
    0x07: (op_smod, 5, 2, 1), 0x08: (op_addmod, 8, 3, 1), 0x09: (op_mulmod, 8, 3, 1),
    0x0B: (op_signextend, 5, 2, 1),
    0x10: (op_lt, 3, 2, 1), 0x11: (op_gt, 3, 2, 1), 0x12: (op_slt, 3, 2, 1),
    0x13: (op_sgt, 3, 2, 1), 0x14: (op_eq, 3, 2, 1), 0x15: (op_iszero, 3, 1, 1),
    0x16: (op_and, 3, 2, 1), 0x17: (op_or, 3, 2, 1), 0x18: (op_xor, 3, 2, 1),
    0x19: (op_not, 3, 1, 1), 0x1A: (op_byte, 3, 2, 1), 0x1B: (op_shl, 3, 2, 1),
    0x1C: (op_shr, 3, 2, 1), 0x1D: (op_sar, 3, 2, 1), 0x50: (op_pop, 2, 1, 0),
}
"""opcode -> (function, static gas, stack items read, stack items written)."""


# Fused pairs (``blocks`` builds them): one call instead of two operations (the most frequent
# pairs, DUPn+ADD and SWAPn+POP, and ISZERO are inline kinds of the loop instead). After ``PUSH v``
# the pushed constant is the top operand ``a`` of the binary opcode that follows and the item
# below it is ``b``; the result replaces ``b``. After ``DUPn`` (index ``i = -n`` before the
# DUP) ``a`` is ``s[i]``, ``b`` the top item, which the result replaces.


def push_add(s: list[int], v: int) -> None:
    """PUSH v; ADD."""
    s[-1] = (v + s[-1]) & MASK


def push_mul(s: list[int], v: int) -> None:
    """PUSH v; MUL."""
    s[-1] = (v * s[-1]) & MASK


def push_sub(s: list[int], v: int) -> None:
    """PUSH v; SUB: v - b."""
    s[-1] = (v - s[-1]) & MASK


def push_div(s: list[int], v: int) -> None:
    """PUSH v; DIV: v // b, 0 when b = 0."""
    b = s[-1]
    s[-1] = v // b if b else 0


def push_lt(s: list[int], v: int) -> None:
    """PUSH v; LT: v < b."""
    s[-1] = 1 if v < s[-1] else 0


def push_gt(s: list[int], v: int) -> None:
    """PUSH v; GT: v > b."""
    s[-1] = 1 if v > s[-1] else 0


def push_eq(s: list[int], v: int) -> None:
    """PUSH v; EQ."""
    s[-1] = 1 if v == s[-1] else 0


def push_and(s: list[int], v: int) -> None:
    """PUSH v; AND."""
    s[-1] &= v


def push_or(s: list[int], v: int) -> None:
    """PUSH v; OR."""
    s[-1] |= v


def push_xor(s: list[int], v: int) -> None:
    """PUSH v; XOR."""
    s[-1] ^= v


def push_shl(s: list[int], v: int) -> None:
    """PUSH v; SHL: b << v (v is the shift)."""
    s[-1] = (s[-1] << v) & MASK if v < 256 else 0


def push_shr(s: list[int], v: int) -> None:
    """PUSH v; SHR: b >> v (v is the shift)."""
    s[-1] = s[-1] >> v if v < 256 else 0


def dup_sub(s: list[int], i: int) -> None:
    """DUPn; SUB: s[i] - top."""
    s[-1] = (s[i] - s[-1]) & MASK


def dup_mul(s: list[int], i: int) -> None:
    """DUPn; MUL."""
    s[-1] = (s[i] * s[-1]) & MASK


def dup_lt(s: list[int], i: int) -> None:
    """DUPn; LT: s[i] < top."""
    s[-1] = 1 if s[i] < s[-1] else 0


def dup_gt(s: list[int], i: int) -> None:
    """DUPn; GT: s[i] > top."""
    s[-1] = 1 if s[i] > s[-1] else 0


def dup_eq(s: list[int], i: int) -> None:
    """DUPn; EQ."""
    s[-1] = 1 if s[i] == s[-1] else 0


def dup_and(s: list[int], i: int) -> None:
    """DUPn; AND."""
    s[-1] &= s[i]


def dup_or(s: list[int], i: int) -> None:
    """DUPn; OR."""
    s[-1] |= s[i]


def dup_iszero(s: list[int], i: int) -> None:
    """DUPn; ISZERO: pushes whether s[i] is zero."""
    s.append(0 if s[i] else 1)


PUSH_FUSED = {
    op_add: push_add, op_mul: push_mul, op_sub: push_sub, op_div: push_div, op_lt: push_lt,
    op_gt: push_gt, op_eq: push_eq, op_and: push_and, op_or: push_or, op_xor: push_xor,
    op_shl: push_shl, op_shr: push_shr,
}
"""Binary opcode function -> its fusion with a preceding PUSH (argument: the value)."""
DUP_FUSED = {
    op_sub: dup_sub, op_mul: dup_mul, op_lt: dup_lt, op_gt: dup_gt,
    op_eq: dup_eq, op_and: dup_and, op_or: dup_or, op_iszero: dup_iszero,
}
"""Opcode function -> its fusion with a preceding DUPn (argument: DUP's index ``-n``)."""
