"""A tiny EVM assembler: opcodes by name, minimal PUSHes, forward labels."""

from dataclasses import dataclass, field

OPCODES = {
    "STOP": 0x00, "ADD": 0x01, "MUL": 0x02, "SUB": 0x03, "DIV": 0x04, "SDIV": 0x05, "MOD": 0x06,
    "SMOD": 0x07, "ADDMOD": 0x08, "MULMOD": 0x09, "EXP": 0x0A, "SIGNEXTEND": 0x0B, "LT": 0x10,
    "GT": 0x11, "SLT": 0x12, "SGT": 0x13, "EQ": 0x14, "ISZERO": 0x15, "AND": 0x16, "OR": 0x17,
    "XOR": 0x18, "NOT": 0x19, "BYTE": 0x1A, "SHL": 0x1B, "SHR": 0x1C, "SAR": 0x1D,
    "KECCAK256": 0x20, "ADDRESS": 0x30, "BALANCE": 0x31, "ORIGIN": 0x32, "CALLER": 0x33,
    "CALLVALUE": 0x34, "CALLDATALOAD": 0x35, "CALLDATASIZE": 0x36, "CALLDATACOPY": 0x37,
    "CODESIZE": 0x38, "CODECOPY": 0x39, "GASPRICE": 0x3A, "EXTCODESIZE": 0x3B,
    "EXTCODECOPY": 0x3C, "RETURNDATASIZE": 0x3D, "RETURNDATACOPY": 0x3E, "EXTCODEHASH": 0x3F,
    "BLOCKHASH": 0x40, "COINBASE": 0x41, "TIMESTAMP": 0x42, "NUMBER": 0x43, "PREVRANDAO": 0x44,
    "GASLIMIT": 0x45, "CHAINID": 0x46, "SELFBALANCE": 0x47, "BASEFEE": 0x48, "BLOBHASH": 0x49,
    "BLOBBASEFEE": 0x4A, "POP": 0x50, "MLOAD": 0x51, "MSTORE": 0x52, "MSTORE8": 0x53,
    "SLOAD": 0x54, "SSTORE": 0x55, "JUMP": 0x56, "JUMPI": 0x57, "PC": 0x58, "MSIZE": 0x59,
    "GAS": 0x5A, "JUMPDEST": 0x5B, "TLOAD": 0x5C, "TSTORE": 0x5D, "MCOPY": 0x5E, "PUSH0": 0x5F,
    "DUP1": 0x80, "DUP2": 0x81, "SWAP1": 0x90, "LOG0": 0xA0, "LOG1": 0xA1, "LOG2": 0xA2,
    "LOG3": 0xA3, "LOG4": 0xA4, "CREATE": 0xF0, "CALL": 0xF1, "CALLCODE": 0xF2, "RETURN": 0xF3,
    "DELEGATECALL": 0xF4, "CREATE2": 0xF5, "STATICCALL": 0xFA, "REVERT": 0xFD, "INVALID": 0xFE,
    "SELFDESTRUCT": 0xFF,
}  # fmt: skip


def push(value: int) -> bytes:
    """The shortest PUSH of ``value`` (PUSH0 for zero); ``value`` is taken modulo 2**256."""
    value %= 1 << 256
    if value == 0:
        return b"\x5f"
    size = (value.bit_length() + 7) // 8
    return bytes([0x5F + size]) + value.to_bytes(size, "big")


@dataclass
class Program:
    """Bytecode under construction; ``label``/``jump_to`` patch 2-byte forward jumps."""

    code: bytearray = field(default_factory=bytearray)
    _fixups: dict[str, list[int]] = field(default_factory=dict)
    _placed: dict[str, int] = field(default_factory=dict)

    def op(self, *names: str) -> "Program":
        """Append opcodes by name."""
        self.code += bytes(OPCODES[name] for name in names)
        return self

    def push(self, *values: int) -> "Program":
        """Push ``values`` in order (the last one ends on top of the stack)."""
        for value in values:
            self.code += push(value)
        return self

    def raw(self, data: bytes) -> "Program":
        """Append raw bytes."""
        self.code += data
        return self

    def push_label(self, name: str) -> "Program":
        """PUSH2 of a label's position (patched later when the label comes after)."""
        if name in self._placed:
            self.code += b"\x61" + self._placed[name].to_bytes(2, "big")
            return self
        self._fixups.setdefault(name, []).append(len(self.code) + 1)
        self.code += b"\x61\x00\x00"
        return self

    def label(self, name: str) -> "Program":
        """Place a JUMPDEST here and patch every push of this label."""
        here = len(self.code)
        self._placed[name] = here
        for at in self._fixups.pop(name, []):
            self.code[at:at + 2] = here.to_bytes(2, "big")
        self.code.append(OPCODES["JUMPDEST"])
        return self

    def mstore_bytes(self, offset: int, data: bytes) -> "Program":
        """Write ``data`` to memory at ``offset`` with 32-byte MSTOREs (zero-padded)."""
        for start in range(0, len(data), 32):
            word = data[start:start + 32].ljust(32, b"\x00")
            self.push(int.from_bytes(word, "big"), offset + start).op("MSTORE")
        return self

    def build(self) -> bytes:
        """The finished code (every label must have been placed)."""
        assert not self._fixups, f"labels never placed: {sorted(self._fixups)}"
        return bytes(self.code)


def returning(runtime: bytes) -> bytes:
    """Init code that deploys ``runtime`` (CODECOPY of the bytes appended after it)."""
    head_len = len(push(len(runtime))) * 2 + 12
    while True:
        head = (push(len(runtime)) + push(head_len) + push(0) + b"\x39"
                + push(len(runtime)) + push(0) + b"\xf3")
        if len(head) == head_len:
            return head + runtime
        head_len = len(head)
