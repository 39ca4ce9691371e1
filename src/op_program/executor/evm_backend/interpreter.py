"""A faster py-evm interpreter loop with the same semantics (DESIGN §12: the loop dominates).

Spec: the Ethereum yellow paper §9 (execution): static gas is charged before each instruction;
PUSH, DUP and SWAP are done inline; jump-destination analysis is shared by every computation
running the same code.
"""

from typing import Any

from eth.exceptions import FullStack, Halt, InsufficientStack, OutOfGas
from eth.vm.logic.invalid import InvalidOpcode
from eth.vm.opcode import _FastOpcode

from op_program.executor.evm_backend.computation_base import ComputationBase

# py-evm's loop pays for a generator, a keyword call and three calls per opcode to charge gas;
# this loop has the same semantics with the static gas charged inline (DESIGN §12: the
# interpreter loop is most of block time). Jump-destination analysis is shared per code.

_OpTable = list[tuple[int, Any, int, Any]]  # (static gas, function, kind, argument)
_GENERIC, _SLOW, _PUSH, _DUP, _SWAP, _BINARY, _UNARY, _POP = range(8)
_MAX = 2**256 - 1
# Pure stack operations done inline: mnemonic -> f(top, second) (py-evm operand order).
_BINARY_OPS: dict[str, Any] = {
    "ADD": lambda a, b: (a + b) & _MAX,
    "SUB": lambda a, b: (a - b) & _MAX,
    "MUL": lambda a, b: (a * b) & _MAX,
    "LT": lambda a, b: int(a < b),
    "GT": lambda a, b: int(a > b),
    "EQ": lambda a, b: int(a == b),
    "AND": lambda a, b: a & b,
    "OR": lambda a, b: a | b,
    "XOR": lambda a, b: a ^ b,
    "SHL": lambda a, b: (b << a) & _MAX if a < 256 else 0,
    "SHR": lambda a, b: b >> a if a < 256 else 0,
}
_UNARY_OPS: dict[str, Any] = {
    "ISZERO": lambda a: int(a == 0),
    "NOT": lambda a: _MAX - a,
}
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
        elif fn.mnemonic in _BINARY_OPS:
            table.append((fn.gas_cost, fn.logic_fn, _BINARY, _BINARY_OPS[fn.mnemonic]))
        elif fn.mnemonic in _UNARY_OPS:
            table.append((fn.gas_cost, fn.logic_fn, _UNARY, _UNARY_OPS[fn.mnemonic]))
        elif fn.mnemonic == "POP":
            table.append((fn.gas_cost, fn.logic_fn, _POP, 0))
        else:
            table.append((fn.gas_cost, fn.logic_fn, _GENERIC, 0))
    _OP_TABLES[id(opcodes)] = (opcodes, table)
    return table


def _run_code(computation: Any) -> None:  # noqa: PLR0912, PLR0915 - one flat hot loop
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
            if kind == _BINARY:
                code.program_counter = pc
                if len(values) < 2:
                    raise InsufficientStack("Wanted 2 stack items")
                a = values.pop()
                b = values.pop()
                values.append(arg(
                    a if a.__class__ is int else int.from_bytes(a, "big"),
                    b if b.__class__ is int else int.from_bytes(b, "big"),
                ))
            elif kind == _PUSH:
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
            elif kind == _UNARY:
                code.program_counter = pc
                if not values:
                    raise InsufficientStack("Wanted 1 stack item")
                a = values.pop()
                values.append(arg(a if a.__class__ is int else int.from_bytes(a, "big")))
            elif kind == _POP:
                code.program_counter = pc
                if not values:
                    raise InsufficientStack("Wanted 1 stack item")
                values.pop()
            else:
                code.program_counter = pc
                fn(computation)
        except Halt:
            return


class FastComputationMixin(ComputationBase):
    """py-evm Computation with the loop above and a direct gas meter."""

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

    @classmethod
    def run_code(cls, computation: Any) -> None:
        """Run the frame in this module's loop over py-evm's opcode functions."""
        _run_code(computation)
