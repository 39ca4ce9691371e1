"""Block header: the RLP header of Ethereum and OP Stack blocks, every field up to Prague/Isthmus.

Spec: Ethereum yellow paper §4.3 plus EIP-1559 (baseFeePerGas), EIP-4895 (withdrawalsRoot),
EIP-4844 (blobGasUsed, excessBlobGas), EIP-4788 (parentBeaconBlockRoot), EIP-7685 (requestsHash);
OP Stack: specs/protocol/isthmus/exec-engine.md (withdrawalsRoot = message-passer storage root).
Fields added by later forks are trailing and optional: absent fields are ``None`` and are not
encoded, so decode → encode is byte-exact for headers of every fork.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, Final

from op_program.encoding.errors import HexDecodeError, RLPDecodeError
from op_program.encoding.hashing import keccak256
from op_program.encoding.hex import bytes_to_hex, hex_to_bytes, hex_to_int, int_to_hex
from op_program.encoding.rlp import (
    RLPEncodable,
    as_fixed,
    as_uint,
    rlp_decode_list,
    rlp_encode,
)
from op_program.protocol.errors import HeaderDecodeError

EMPTY_OMMERS_HASH = bytes.fromhex(
    "1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347"
)
"""keccak256(rlp([])): the ommers hash of every post-merge block."""

_REQUIRED: Final = 15
_OPTIONAL = ("base_fee_per_gas", "withdrawals_root", "blob_gas_used", "excess_blob_gas",
             "parent_beacon_block_root", "requests_hash")
_OPTIONAL_KINDS = ("uint", 32, "uint", "uint", 32, 32)
_RPC_NAMES = {
    "parent_hash": "parentHash", "ommers_hash": "sha3Uncles", "coinbase": "miner",
    "state_root": "stateRoot", "transactions_root": "transactionsRoot",
    "receipts_root": "receiptsRoot", "logs_bloom": "logsBloom", "difficulty": "difficulty",
    "number": "number", "gas_limit": "gasLimit", "gas_used": "gasUsed",
    "timestamp": "timestamp", "extra_data": "extraData", "mix_hash": "mixHash",
    "nonce": "nonce", "base_fee_per_gas": "baseFeePerGas",
    "withdrawals_root": "withdrawalsRoot", "blob_gas_used": "blobGasUsed",
    "excess_blob_gas": "excessBlobGas", "parent_beacon_block_root": "parentBeaconBlockRoot",
    "requests_hash": "requestsHash",
}
# Field kinds: an int is a fixed byte length, "uint" a quantity, "bytes" free-length data.
_KINDS: dict[str, int | str] = {
    "parent_hash": 32, "ommers_hash": 32, "coinbase": 20, "state_root": 32,
    "transactions_root": 32, "receipts_root": 32, "logs_bloom": 256, "difficulty": "uint",
    "number": "uint", "gas_limit": "uint", "gas_used": "uint", "timestamp": "uint",
    "extra_data": "bytes", "mix_hash": 32, "nonce": 8,
    **dict(zip(_OPTIONAL, _OPTIONAL_KINDS, strict=True)),
}


@dataclass(frozen=True, slots=True)
class Header:
    """A block header. Optional fields are ``None`` for blocks before the fork that added them."""

    parent_hash: bytes
    ommers_hash: bytes
    coinbase: bytes
    state_root: bytes
    transactions_root: bytes
    receipts_root: bytes
    logs_bloom: bytes
    difficulty: int
    number: int
    gas_limit: int
    gas_used: int
    timestamp: int
    extra_data: bytes
    mix_hash: bytes
    nonce: bytes
    base_fee_per_gas: int | None = None
    withdrawals_root: bytes | None = None
    blob_gas_used: int | None = None
    excess_blob_gas: int | None = None
    parent_beacon_block_root: bytes | None = None
    requests_hash: bytes | None = None
    _encoded: bytes | None = field(default=None, init=False, repr=False, compare=False)

    RPC_NAMES: ClassVar[Mapping[str, str]] = _RPC_NAMES

    @property
    def prev_randao(self) -> bytes:
        """The ``mixHash`` field under its post-merge name (EIP-4399)."""
        return self.mix_hash

    @property
    def hash(self) -> bytes:
        """The block hash: keccak256 of the RLP-encoded header."""
        return keccak256(self.encode())

    def _values(self) -> list[RLPEncodable]:
        values: list[RLPEncodable] = [
            self.parent_hash, self.ommers_hash, self.coinbase, self.state_root,
            self.transactions_root, self.receipts_root, self.logs_bloom, self.difficulty,
            self.number, self.gas_limit, self.gas_used, self.timestamp, self.extra_data,
            self.mix_hash, self.nonce,
        ]
        optional = [getattr(self, name) for name in _OPTIONAL]
        while optional and optional[-1] is None:
            optional.pop()
        if None in optional:
            raise ValueError("header has a later-fork field set but an earlier one missing")
        values.extend(optional)
        return values

    def encode(self) -> bytes:
        """Return the RLP encoding of the header (the block-hash preimage)."""
        cached = self._encoded
        if cached is not None:
            return cached
        encoded = rlp_encode(self._values())
        object.__setattr__(self, "_encoded", encoded)
        return encoded

    @classmethod
    def decode(cls, raw: bytes) -> "Header":
        """Decode an RLP-encoded header.

        Raises:
            HeaderDecodeError: not canonical RLP, wrong field count or a malformed field.
        """
        try:
            items = rlp_decode_list(raw, "header")
            if not _REQUIRED <= len(items) <= _REQUIRED + len(_OPTIONAL):
                raise HeaderDecodeError(f"header has {len(items)} fields")
            values: list[Any] = []
            for name, item in zip(_KINDS, items, strict=False):
                kind = _KINDS[name]
                if kind == "uint":
                    values.append(as_uint(item, name))
                elif kind == "bytes":
                    if not isinstance(item, bytes):
                        raise HeaderDecodeError(f"{name}: expected bytes")
                    values.append(item)
                else:
                    assert isinstance(kind, int)
                    values.append(as_fixed(item, kind, name))
        except RLPDecodeError as exc:
            raise HeaderDecodeError(f"invalid header: {exc}") from exc
        header = cls(*values)
        object.__setattr__(header, "_encoded", bytes(raw))
        return header

    @classmethod
    def from_rpc(cls, block: Mapping[str, Any]) -> "Header":
        """Build a header from a JSON-RPC block object (camelCase keys, hex quantities).

        Keys of later-fork fields may be absent or ``null``. Extra keys (``hash``,
        ``transactions``, ...) are ignored.

        Raises:
            HeaderDecodeError: a required key is missing or a value is malformed.
        """
        values: dict[str, Any] = {}
        try:
            for name, kind in _KINDS.items():
                text = block.get(_RPC_NAMES[name])
                if text is None:
                    if name in _OPTIONAL:
                        continue
                    raise HeaderDecodeError(f"RPC header lacks {_RPC_NAMES[name]!r}")
                if kind == "uint":
                    values[name] = hex_to_int(text)
                elif kind == "bytes":
                    values[name] = hex_to_bytes(text)
                else:
                    assert isinstance(kind, int)
                    values[name] = hex_to_bytes(text, kind)
            header = cls(**values)
            header.encode()
        except (HexDecodeError, ValueError) as exc:
            raise HeaderDecodeError(f"invalid RPC header: {exc}") from exc
        return header

    def to_rpc(self) -> dict[str, str]:
        """Return the JSON-RPC form of the header fields plus its ``hash``."""
        out: dict[str, str] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name == "_encoded" or value is None:
                continue
            rpc_name = _RPC_NAMES[item.name]
            out[rpc_name] = int_to_hex(value) if isinstance(value, int) else bytes_to_hex(value)
        out["hash"] = bytes_to_hex(self.hash)
        return out
