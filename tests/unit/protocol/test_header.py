import dataclasses
from typing import Any

import pytest

from op_program.encoding.hashing import keccak256
from op_program.encoding.rlp import rlp_decode, rlp_encode
from op_program.protocol.errors import HeaderDecodeError
from op_program.protocol.header import EMPTY_OMMERS_HASH, Header

EMPTY_ROOT = bytes.fromhex("56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421")

MAINNET_GENESIS = Header(
    parent_hash=bytes(32),
    ommers_hash=EMPTY_OMMERS_HASH,
    coinbase=bytes(20),
    state_root=bytes.fromhex("d7f8974fb5ac78d9ac099b9ad5018bedc2ce0a72dad1827a1709da30580f0544"),
    transactions_root=EMPTY_ROOT,
    receipts_root=EMPTY_ROOT,
    logs_bloom=bytes(256),
    difficulty=0x400000000,
    number=0,
    gas_limit=5000,
    gas_used=0,
    timestamp=0,
    extra_data=bytes.fromhex("11bbe8db4e347b4e8c937c1c8370e4b5ed33adb3db69cbdb7a38e1e50b1b82fa"),
    mix_hash=bytes(32),
    nonce=bytes.fromhex("0000000000000042"),
)


def _prague() -> Header:
    return dataclasses.replace(
        MAINNET_GENESIS,
        difficulty=0,
        number=123,
        base_fee_per_gas=7,
        withdrawals_root=EMPTY_ROOT,
        blob_gas_used=0,
        excess_blob_gas=131072,
        parent_beacon_block_root=b"\x11" * 32,
        requests_hash=b"\x22" * 32,
    )


def test_ommers_hash_constant() -> None:
    assert keccak256(rlp_encode([])) == EMPTY_OMMERS_HASH


def test_mainnet_genesis_hash() -> None:
    assert MAINNET_GENESIS.hash.hex() == (
        "d4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3"
    )


@pytest.mark.parametrize("trailing", range(7))
def test_decode_encode_every_fork_shape(trailing: int) -> None:
    full = _prague()
    names = ["base_fee_per_gas", "withdrawals_root", "blob_gas_used", "excess_blob_gas",
             "parent_beacon_block_root", "requests_hash"]
    cleared: dict[str, Any] = {name: None for name in names[trailing:]}
    header = dataclasses.replace(full, **cleared)
    raw = header.encode()
    assert len(rlp_decode(raw)) == 15 + trailing
    decoded = Header.decode(raw)
    assert decoded == header
    assert decoded.encode() == raw
    assert decoded.hash == keccak256(raw)


def test_replace_does_not_reuse_the_cached_encoding() -> None:
    header = Header.decode(_prague().encode())
    changed = dataclasses.replace(header, number=124)
    assert Header.decode(changed.encode()).number == 124
    assert changed.hash != header.hash


def test_gap_in_optional_fields_cannot_be_encoded() -> None:
    header = dataclasses.replace(_prague(), withdrawals_root=None)
    with pytest.raises(ValueError):
        header.encode()


@pytest.mark.parametrize(
    "mutate",
    [
        lambda f: f[:14],  # too few fields
        lambda f: [*f, b"\x01" * 32],  # 22 fields
        lambda f: [f[0][:31], *f[1:]],  # short parent hash
        lambda f: [*f[:8], b"\x00\x01", *f[9:]],  # non-canonical number
        lambda f: [*f[:12], [b""], *f[13:]],  # extra data as a list
        lambda f: [*f[:14], b"\x00" * 7, *f[15:]],  # 7-byte nonce
    ],
)
def test_malformed_headers_are_rejected(mutate: object) -> None:
    fields = rlp_decode(_prague().encode())
    assert isinstance(fields, list)
    raw = rlp_encode(mutate(fields))  # type: ignore[operator]
    with pytest.raises(HeaderDecodeError):
        Header.decode(raw)


def test_rpc_round_trip() -> None:
    header = _prague()
    rpc = header.to_rpc()
    assert rpc["hash"] == "0x" + header.hash.hex()
    assert rpc["sha3Uncles"] == "0x" + EMPTY_OMMERS_HASH.hex()
    assert rpc["number"] == "0x7b"
    assert Header.from_rpc(rpc) == header
    later = ("requestsHash", "excessBlobGas", "blobGasUsed", "parentBeaconBlockRoot",
             "withdrawalsRoot", "baseFeePerGas")
    legacy: dict[str, str | None] = {k: v for k, v in rpc.items() if k not in later}
    legacy["withdrawalsRoot"] = None  # explicit null is the same as absent
    assert Header.from_rpc(legacy).base_fee_per_gas is None


@pytest.mark.parametrize(
    "change",
    [
        {"miner": None},
        {"stateRoot": "0x1234"},
        {"number": "12"},
        {"nonce": "0x00"},
    ],
)
def test_rpc_malformed(change: dict[str, object]) -> None:
    rpc: dict[str, object] = dict(_prague().to_rpc())
    for key, value in change.items():
        if value is None:
            del rpc[key]
        else:
            rpc[key] = value
    with pytest.raises(HeaderDecodeError):
        Header.from_rpc(rpc)
