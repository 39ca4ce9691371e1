import dataclasses

import pytest
from coincurve import PrivateKey

from op_program.encoding.hashing import keccak256
from op_program.encoding.rlp import rlp_decode, rlp_encode
from op_program.protocol.errors import InvalidSignatureError, TransactionDecodeError
from op_program.protocol.transactions import (
    AccessListEntry,
    AccessListTransaction,
    Authorization,
    BlobTransaction,
    DepositTransaction,
    DynamicFeeTransaction,
    LegacyTransaction,
    SetCodeTransaction,
    TxType,
    authorization_signing_hash,
    decode_transaction,
    recover_authority,
)
from op_program.protocol.transactions.signature import SECP256K1_N

KEY = PrivateKey(b"\x46" * 32)
KEY_ADDRESS = bytes.fromhex("9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f")
ACCESS_LIST = (AccessListEntry(b"\x11" * 20, (b"\x01" * 32, b"\x02" * 32)),
               AccessListEntry(b"\x22" * 20, ()))


def _sign(msg_hash: bytes) -> tuple[int, int, int]:
    sig = KEY.sign_recoverable(msg_hash, hasher=None)
    return sig[64], int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:64], "big")


def test_eip155_example_transaction() -> None:
    # The worked example of EIP-155 (chain id 1, key 0x4646...46).
    raw = bytes.fromhex(
        "f86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a0"
        "28ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb70330"
        "4b3800ccf555c9f3dc64214b297fb1966a3b6d83"
    )
    tx = decode_transaction(raw)
    assert isinstance(tx, LegacyTransaction)
    assert tx.chain_id == 1 and tx.nonce == 9 and tx.value == 10**18
    assert tx.signing_hash().hex() == (
        "daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53"
    )
    assert tx.encode() == raw
    assert tx.hash == keccak256(raw)
    assert tx.tx_type == 0
    assert tx.recover_sender() == KEY_ADDRESS


def test_pre_eip155_legacy_transaction() -> None:
    unsigned = LegacyTransaction(0, 10**9, 21000, None, 0, b"\x60\x00", 27, 1, 1)
    y, r, s = _sign(unsigned.signing_hash())
    tx = dataclasses.replace(unsigned, v=27 + y, r=r, s=s)
    assert tx.chain_id is None
    decoded = decode_transaction(tx.encode())
    assert decoded == tx
    assert decoded.to is None
    assert decoded.recover_sender() == KEY_ADDRESS


SignedTx = AccessListTransaction | DynamicFeeTransaction | BlobTransaction | SetCodeTransaction


def _signed(tx: SignedTx) -> SignedTx:
    y, r, s = _sign(tx.signing_hash())
    return dataclasses.replace(tx, y_parity=y, r=r, s=s)


TYPED: list[SignedTx] = [
    AccessListTransaction(10, 1, 2, 30000, b"\x33" * 20, 5, b"data", ACCESS_LIST, 0, 0, 0),
    DynamicFeeTransaction(10, 2**64 - 1, 1, 2, 30000, None, 0, b"", ACCESS_LIST, 0, 0, 0),
    BlobTransaction(1, 3, 1, 2, 30000, b"\x44" * 20, 0, b"", (), 7,
                    (b"\x01" + b"\x00" * 31,), 0, 0, 0),
    SetCodeTransaction(10, 4, 1, 2, 90000, b"\x55" * 20, 0, b"", (),
                       (Authorization(10, b"\x66" * 20, 9, 1, 2, 3),), 0, 0, 0),
]


@pytest.mark.parametrize("unsigned", TYPED, ids=lambda t: type(t).__name__)
def test_typed_transactions_round_trip_and_recover(unsigned: SignedTx) -> None:
    tx = _signed(unsigned)
    raw = tx.encode()
    assert raw[0] == tx.tx_type
    decoded = decode_transaction(raw)
    assert decoded == tx
    assert decoded.encode() == raw
    assert decoded.hash == keccak256(raw)
    assert decoded.recover_sender() == KEY_ADDRESS
    assert isinstance(decoded, type(tx))
    payload = rlp_decode(raw[1:])
    assert isinstance(payload, list)
    assert decoded.signing_hash() == keccak256(raw[:1] + rlp_encode(payload[:-3]))


def test_high_s_and_bad_parity_are_invalid_signatures() -> None:
    tx = _signed(TYPED[1])
    assert tx.recover_sender() == KEY_ADDRESS
    high_s = dataclasses.replace(tx, s=SECP256K1_N - tx.s)
    with pytest.raises(InvalidSignatureError):
        high_s.recover_sender()
    with pytest.raises(InvalidSignatureError):
        dataclasses.replace(tx, y_parity=2).recover_sender()
    with pytest.raises(InvalidSignatureError):
        dataclasses.replace(tx, r=0).recover_sender()
    legacy = LegacyTransaction(0, 1, 21000, None, 0, b"", 30, 1, 1)
    with pytest.raises(InvalidSignatureError):
        legacy.recover_sender()


def test_authorization_recovery() -> None:
    unsigned = Authorization(10, b"\x77" * 20, 3, 0, 0, 0)
    msg = authorization_signing_hash(unsigned)
    assert msg == keccak256(b"\x05" + rlp_encode([10, b"\x77" * 20, 3]))
    y, r, s = _sign(msg)
    auth = dataclasses.replace(unsigned, y_parity=y, r=r, s=s)
    assert recover_authority(auth) == KEY_ADDRESS
    assert recover_authority(dataclasses.replace(auth, s=SECP256K1_N - s)) is None
    assert recover_authority(dataclasses.replace(auth, y_parity=5)) is None


def test_deposit_transaction() -> None:
    tx = DepositTransaction(b"\x01" * 32, b"\x02" * 20, None, 10, 5, 100000, True, b"\xde\xad")
    raw = tx.encode()
    assert raw[0] == TxType.DEPOSIT
    assert raw == b"\x7e" + rlp_encode(
        [b"\x01" * 32, b"\x02" * 20, b"", 10, 5, 100000, 1, b"\xde\xad"]
    )
    decoded = decode_transaction(raw)
    assert decoded == tx
    assert decoded.recover_sender() == b"\x02" * 20
    assert decoded.hash == keccak256(raw)


def _typed_raw(tx_type: int, fields: list[object]) -> bytes:
    return bytes((tx_type,)) + rlp_encode(fields)  # type: ignore[arg-type]


DEPOSIT_FIELDS: list[object] = [b"\x01" * 32, b"\x02" * 20, b"", 0, 0, 1, 0, b""]


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x05\xc0",  # unknown type
        b"\x7f\xc0",
        b"\x02",  # type without payload
        b"\x02\x83abc",  # payload not a list
        _typed_raw(0x7E, DEPOSIT_FIELDS[:-1]),  # missing field
        _typed_raw(0x7E, [*DEPOSIT_FIELDS[:6], 2, b""]),  # bad bool
        _typed_raw(0x7E, [*DEPOSIT_FIELDS[:5], b"\x00\x01", 0, b""]),  # leading zero
        _typed_raw(0x7E, [*DEPOSIT_FIELDS[:5], 2**64, 0, b""]),  # gas above uint64
        _typed_raw(0x7E, [DEPOSIT_FIELDS[0], b"\x02" * 19, *DEPOSIT_FIELDS[2:]]),
        _typed_raw(0x03, [1, 0, 1, 1, 21000, b"", 0, b"", [], 1, [], 0, 1, 1]),  # blob create
        _typed_raw(0x03, [[1], [], [], []]),  # blob network wrapper
        _typed_raw(0x01, [1, 0, 1, 21000, b"", 0, b"", [[b"\x01" * 20]], 0, 1, 1]),
        rlp_encode([0, 1, 21000, b"", 0, b""]),  # legacy missing signature
        rlp_encode([0, 1, 21000, b"", 0, b"", 27, 1, 1]) + b"\x00",  # trailing byte
    ],
)
def test_malformed_transactions(raw: bytes) -> None:
    with pytest.raises(TransactionDecodeError):
        decode_transaction(raw)


def test_peek_recipient_matches_the_decoded_to_field() -> None:
    """The real witness's L1 transactions: the header-only read agrees with decoding."""
    from op_program.errors import DecodeError
    from op_program.mpt.ordered import ordered_trie_values
    from op_program.protocol.header import Header
    from op_program.protocol.transactions import peek_recipient
    from tests.unit.client.witness import witness

    table, _ = witness()
    raws: list[bytes] = []
    for value in table.values():
        try:
            root = Header.decode(value).transactions_root
            raws += ordered_trie_values(root, lambda h: table[b"\x02" + h[1:]])
        except (DecodeError, KeyError):
            continue  # not a header, or a block whose body the witness does not hold
    checked: dict[int, int] = {}
    for raw in raws:
        tx = decode_transaction(raw)
        peeked = peek_recipient(raw)
        if tx.tx_type == TxType.BLOB:
            assert peeked is None  # blob transactions are always decoded (their blobs count)
        else:
            assert peeked == (tx.to or b""), raw.hex()[:80]
        checked[tx.tx_type] = checked.get(tx.tx_type, 0) + 1
    assert all(checked.get(t, 0) > 0 for t in (0, 1, 2, 3)), checked


@pytest.mark.parametrize("raw", [
    b"", b"\x04" + rlp_encode([b"\x01"] * 13), b"\x05\xc0", b"\x02\x80", b"\x02\xc3\x01\x02",
    b"\x02\xc2\x01", bytes.fromhex("c6010203c0c0c0"),
])
def test_peek_recipient_gives_up_on_what_it_cannot_read(raw: bytes) -> None:
    from op_program.protocol.transactions import peek_recipient

    assert peek_recipient(raw) is None
