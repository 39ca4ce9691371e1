"""Random EVM programs: sequences of stack-balanced fragments over one opcode family each.

Each fragment pushes its operands, runs one operation and stores what it produced (SSTORE, so
every difference in results, gas or memory shows in the post-state) or drops it. The families:
arithmetic and comparison, environment and block reads (BLOCKHASH near and past the 256 window),
memory (MSTORE/MLOAD/MCOPY at small and expanding offsets), storage and refunds (set, clear,
restore), transient storage, KECCAK256, logs, calls (CALL/CALLCODE/DELEGATECALL/STATICCALL to
contracts, EOAs, empty accounts, precompiles with edge inputs), CREATE/CREATE2 (colliding
salts, reverting or self-destructing init code, oversized or 0xEF runtime), bounded loops,
conditional skips, raw random bytes (stack and jump faults), and a terminator (STOP, RETURN,
REVERT, INVALID, SELFDESTRUCT).
"""

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tests.differential.assembler import Program, returning
from tests.differential.precompile_inputs import GENERATORS, precompile_input

ARITH = {"ADD": 2, "MUL": 2, "SUB": 2, "DIV": 2, "SDIV": 2, "MOD": 2, "SMOD": 2, "ADDMOD": 3,
         "MULMOD": 3, "EXP": 2, "SIGNEXTEND": 2, "LT": 2, "GT": 2, "SLT": 2, "SGT": 2, "EQ": 2,
         "ISZERO": 1, "AND": 2, "OR": 2, "XOR": 2, "NOT": 1, "BYTE": 2, "SHL": 2, "SHR": 2,
         "SAR": 2}  # fmt: skip
ENV0 = ("ADDRESS", "ORIGIN", "CALLER", "CALLVALUE", "CALLDATASIZE", "CODESIZE", "GASPRICE",
        "RETURNDATASIZE", "COINBASE", "TIMESTAMP", "NUMBER", "PREVRANDAO", "GASLIMIT", "CHAINID",
        "SELFBALANCE", "BASEFEE", "BLOBBASEFEE", "MSIZE", "GAS", "PC")  # fmt: skip
ENV1 = ("BALANCE", "EXTCODESIZE", "EXTCODEHASH", "CALLDATALOAD", "BLOBHASH")
PRECOMPILES = tuple(GENERATORS)
MAX_OFFSET = 1 << 17


@dataclass(frozen=True, slots=True)
class Targets:
    """Addresses a program may touch (contracts, EOAs, empty accounts)."""

    contracts: Sequence[bytes]
    accounts: Sequence[bytes]
    empty: Sequence[bytes]


def _word(rng: random.Random) -> int:
    choice = rng.randrange(8)
    if choice == 0:
        return rng.getrandbits(256)
    if choice == 1:
        return (1 << 256) - rng.randrange(1, 4)
    if choice == 2:
        return 1 << rng.randrange(256)
    if choice == 3:
        return (1 << 255) + rng.randrange(3)
    return rng.randrange(0, 300)


def _offset(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.75:
        return rng.randrange(0, 0x400)
    if roll < 0.97:
        return rng.randrange(0, MAX_OFFSET)
    return rng.choice((1 << 32, 1 << 64, (1 << 256) - 1))  # out of gas on expansion


def _size(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.3:
        return 0
    if roll < 0.9:
        return rng.randrange(1, 0x100)
    return rng.randrange(0x100, 0x4000)


def _slot(rng: random.Random) -> int:
    return rng.randrange(0, 12) if rng.random() < 0.9 else rng.getrandbits(256)


class Generator:
    """Builds random programs; ``depth`` bounds nested init/runtime code."""

    def __init__(self, rng: random.Random, targets: Targets,
                 env_ops: Sequence[str] = ENV0) -> None:  # fmt: skip
        self.rng = rng
        self.targets = targets
        self.env_ops = tuple(env_ops)
        self._init_codes: list[bytes] = []
        """Init codes used before: reusing one with a reused salt makes CREATE2 collide."""

    def address(self) -> bytes:
        """A call target: contract, EOA, empty account or precompile."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.45 and self.targets.contracts:
            return rng.choice(self.targets.contracts)
        if roll < 0.6:
            return rng.choice(self.targets.accounts)
        if roll < 0.7:
            return rng.choice(self.targets.empty)
        return rng.choice(PRECOMPILES).to_bytes(20, "big")

    def _store(self, p: Program) -> None:
        """Consume the top of the stack: SSTORE it to a slot, or drop it."""
        if self.rng.random() < 0.8:
            p.push(_slot(self.rng)).op("SSTORE")
        else:
            p.op("POP")

    def arith(self, p: Program) -> None:
        name, arity = self.rng.choice(list(ARITH.items()))
        p.push(*(_word(self.rng) for _ in range(arity))).op(name)
        self._store(p)

    def env(self, p: Program) -> None:
        rng = self.rng
        if rng.random() < 0.5:
            p.op(rng.choice(self.env_ops))
        elif rng.random() < 0.3:
            # BLOCKHASH of NUMBER - k: the parent, older, beyond 256, the current block.
            p.push(rng.choice((0, 1, 2, 3, 255, 256, 257, rng.randrange(600))))
            p.op("NUMBER", "SUB", "BLOCKHASH")
        else:
            name = rng.choice(ENV1)
            arg = int.from_bytes(self.address(), "big") if name in ENV1[:3] else _word(rng)
            p.push(arg).op(name)
        self._store(p)

    def memory(self, p: Program) -> None:
        rng = self.rng
        roll = rng.randrange(5)
        if roll == 0:
            p.push(_word(rng), _offset(rng)).op(rng.choice(("MSTORE", "MSTORE8")))
        elif roll == 1:
            p.push(_offset(rng)).op("MLOAD")
            self._store(p)
        elif roll == 2:
            p.push(_size(rng), _offset(rng), _offset(rng)).op("MCOPY")
        elif roll == 3:
            name = rng.choice(("CALLDATACOPY", "CODECOPY", "RETURNDATACOPY"))
            src = rng.randrange(0, 64) if name == "RETURNDATACOPY" else _offset(rng)
            p.push(_size(rng) % 96 if name == "RETURNDATACOPY" else _size(rng), src,
                   _offset(rng)).op(name)  # fmt: skip
        else:
            p.push(_size(rng), _offset(rng), _offset(rng), int.from_bytes(self.address(), "big"))
            p.op("EXTCODECOPY")

    def storage(self, p: Program) -> None:
        rng = self.rng
        roll = rng.randrange(6)
        value = rng.choice((0, 0, 1, 2, _word(rng)))
        if roll <= 2:
            p.push(value, _slot(rng)).op("SSTORE")  # set, clear (refund), rewrite
        elif roll == 3:
            p.push(_slot(rng)).op("SLOAD")
            self._store(p)
        elif roll == 4:
            p.push(value, _slot(rng)).op("TSTORE")
        else:
            p.push(_slot(rng)).op("TLOAD")
            self._store(p)

    def keccak(self, p: Program) -> None:
        p.push(_size(self.rng), _offset(self.rng)).op("KECCAK256")
        self._store(p)

    def log(self, p: Program) -> None:
        topics = self.rng.randrange(5)
        p.push(*(_word(self.rng) for _ in range(topics)))
        p.push(_size(self.rng), _offset(self.rng)).op(f"LOG{topics}")

    def call(self, p: Program) -> None:
        rng = self.rng
        target = self.address()
        kind = rng.choice(("CALL", "CALL", "CALLCODE", "DELEGATECALL", "STATICCALL"))
        address = int.from_bytes(target, "big")
        arg_offset, arg_size = _offset(rng) if rng.random() < 0.1 else 0x200, _size(rng)
        if address in GENERATORS and rng.random() < 0.85:
            data = precompile_input(address, rng)
            arg_offset, arg_size = 0x200, len(data)
            p.mstore_bytes(0x200, data)
        ret_size, ret_offset = rng.choice((0, 32, 64, 128)), rng.randrange(0, 0x200)
        p.push(ret_size, ret_offset, arg_size, arg_offset)
        if kind in ("CALL", "CALLCODE"):
            p.push(rng.choice((0, 0, 0, 1, rng.randrange(10**6))))
        p.push(address)
        if rng.random() < 0.5:
            p.op("GAS")
        else:
            p.push(rng.choice((0, 100, 2_300, 5_000, 30_000, rng.randrange(400_000))))
        p.op(kind)
        self._store(p)
        if ret_size and rng.random() < 0.7:  # what the callee returned, into storage
            p.push(ret_offset).op("MLOAD").push(rng.randrange(12, 20)).op("SSTORE")
        if rng.random() < 0.4:
            p.op("RETURNDATASIZE")
            self._store(p)

    def init_code(self, depth: int) -> bytes:
        """Init code: deploys a runtime, runs a program first, or fails (often one seen before,
        so CREATE2 with a reused salt hits an existing account)."""
        rng = self.rng
        if self._init_codes and rng.random() < 0.4:
            return rng.choice(self._init_codes)
        code = self._new_init_code(depth)
        self._init_codes.append(code)
        return code

    def _new_init_code(self, depth: int) -> bytes:
        rng = self.rng
        roll = rng.random()
        if roll < 0.4:
            runtime = self.program(depth + 1, max_fragments=6)
            return returning(runtime)
        if roll < 0.6:
            return self.program(depth + 1, max_fragments=6)
        if roll < 0.7:
            return returning(b"\xef" + rng.randbytes(rng.randrange(4)))  # EIP-3541
        if roll < 0.75:
            return Program().push(0x6001, 0).op("RETURN").build()  # 24577 bytes: EIP-170
        if roll < 0.85:
            body = Program()
            self.storage(body)
            return body.push(0, 0).op("REVERT").build()
        return returning(b"")

    def create(self, p: Program, depth: int) -> None:
        rng = self.rng
        code = self.init_code(depth)
        p.mstore_bytes(0x600, code)
        value = rng.choice((0, 0, 1, rng.randrange(1000)))
        if rng.random() < 0.5:
            p.push(rng.choice((0, 1, 2)), len(code), 0x600, value).op("CREATE2")  # collisions
        else:
            p.push(len(code), 0x600, value).op("CREATE")
        if rng.random() < 0.5:
            p.op("DUP1", "EXTCODESIZE")
            self._store(p)
        self._store(p)

    def loop(self, p: Program, depth: int) -> None:
        rng = self.rng
        name = f"loop{len(p.code)}"
        end = f"end{len(p.code)}"
        p.push(rng.randrange(1, 40))
        p.label(name)
        p.op("DUP1", "ISZERO").push_label(end).op("JUMPI")
        self.fragment(p, depth + 1, allow_control=False)
        p.push(1).op("SWAP1", "SUB").push_label(name).op("JUMP")
        p.label(end).op("POP")

    def skip(self, p: Program, depth: int) -> None:
        name = f"skip{len(p.code)}"
        p.push(self.rng.choice((0, 1))).push_label(name).op("JUMPI")
        self.fragment(p, depth + 1, allow_control=False)
        p.label(name)

    def chaos(self, p: Program) -> None:
        p.raw(self.rng.randbytes(self.rng.randrange(1, 6)))

    def fragment(self, p: Program, depth: int, allow_control: bool = True) -> None:
        """Append one random fragment."""
        choices: list[tuple[float, Callable[[Program], None]]] = [
            (4, self.arith), (3, self.env), (4, self.memory), (5, self.storage),
            (1, self.keccak), (2, self.log), (4 if depth < 3 else 0.5, self.call),
        ]
        if depth < 2:
            choices.append((1.5, lambda q: self.create(q, depth)))
        if allow_control:
            choices += [(0.5, lambda q: self.loop(q, depth)), (1, lambda q: self.skip(q, depth)),
                        (0.15, self.chaos)]  # fmt: skip
        weights = [w for w, _ in choices]
        self.rng.choices([f for _, f in choices], weights)[0](p)

    def terminate(self, p: Program) -> None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.35:
            p.op("STOP")
        elif roll < 0.6:
            p.push(rng.choice((0, 32, 64)), rng.randrange(0, 0x100)).op("RETURN")
        elif roll < 0.8:
            p.push(rng.choice((0, 32)), rng.randrange(0, 0x100)).op("REVERT")
        elif roll < 0.88:
            p.op("INVALID")
        else:
            p.push(int.from_bytes(self.address(), "big")).op("SELFDESTRUCT")

    def program(self, depth: int = 0, max_fragments: int = 24) -> bytes:
        """A random program of up to ``max_fragments`` fragments and a terminator."""
        p = Program()
        for _ in range(self.rng.randrange(1, max_fragments + 1)):
            self.fragment(p, depth)
        self.terminate(p)
        return p.build()
