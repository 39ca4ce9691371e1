import pytest

from op_program.encoding.hashing import keccak256
from op_program.encoding.rlp import rlp_encode
from op_program.protocol.errors import ReceiptDecodeError
from op_program.protocol.receipts import Log, Receipt, decode_receipt, logs_bloom

LOG = Log(b"\x11" * 20, (b"\x01" * 32, b"\x02" * 32), b"data")


def _bits(bloom: bytes) -> set[int]:
    value = int.from_bytes(bloom, "big")
    return {i for i in range(2048) if value >> i & 1}


def test_bloom_sets_the_yellow_paper_bits() -> None:
    expected: set[int] = set()
    for item in (LOG.address, *LOG.topics):
        digest = keccak256(item)
        for pair in range(3):
            expected.add(int.from_bytes(digest[2 * pair : 2 * pair + 2], "big") % 2048)
    bloom = logs_bloom([LOG])
    assert len(bloom) == 256
    assert _bits(bloom) == expected
    # Bit i lives in byte 255 - i // 8.
    some_bit = min(expected)
    assert bloom[255 - some_bit // 8] & (1 << (some_bit % 8))
    assert logs_bloom([]) == bytes(256)


@pytest.mark.parametrize("tx_type", [0, 1, 2, 3, 4])
def test_receipt_round_trip(tx_type: int) -> None:
    receipt = Receipt(tx_type, 1, 21000, logs_bloom([LOG]), (LOG,))
    raw = receipt.encode()
    body = rlp_encode([1, 21000, receipt.logs_bloom, [[LOG.address, list(LOG.topics), b"data"]]])
    assert raw == (body if tx_type == 0 else bytes((tx_type,)) + body)
    decoded = decode_receipt(raw)
    assert decoded == receipt
    assert decoded.encode() == raw
    assert decoded.encode_for_trie() == raw


def test_deposit_receipts_and_the_receipts_root_quirk() -> None:
    regolith = Receipt(0x7E, 1, 5, bytes(256), (), deposit_nonce=9)
    canyon = Receipt(0x7E, 0, 5, bytes(256), (), deposit_nonce=9, deposit_receipt_version=1)
    for receipt in (regolith, canyon):
        assert decode_receipt(receipt.encode()) == receipt
    assert regolith.encode() == b"\x7e" + rlp_encode([1, 5, bytes(256), [], 9])
    # Before Canyon the receipts root omits the deposit nonce (op-geth EncodeIndex).
    assert regolith.encode_for_trie() == b"\x7e" + rlp_encode([1, 5, bytes(256), []])
    assert canyon.encode_for_trie() == canyon.encode()
    bedrock = Receipt(0x7E, 1, 5, bytes(256), ())
    assert decode_receipt(bedrock.encode()).deposit_nonce is None


def test_wrapped_and_post_state_receipts() -> None:
    receipt = Receipt(2, 0, 7, bytes(256), ())
    assert decode_receipt(rlp_encode(receipt.encode())) == receipt
    legacy = rlp_encode([b"\x99" * 32, 7, bytes(256), []])
    decoded = decode_receipt(legacy)
    assert decoded.post_state == b"\x99" * 32
    assert decoded.encode() == legacy


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x05" + rlp_encode([1, 1, bytes(256), []]),  # unknown type
        rlp_encode([2, 1, bytes(256), []]),  # status 2
        rlp_encode([1, 1, bytes(255), []]),  # short bloom
        rlp_encode([1, 1, bytes(256), [], 5]),  # deposit nonce on a legacy receipt
        b"\x7e" + rlp_encode([1, 1, bytes(256), [], 5, 1, 1]),  # too many fields
        rlp_encode([1, 1, bytes(256), [[b"\x11" * 20, [b"\x01" * 31], b""]]]),  # short topic
        rlp_encode(rlp_encode([1, 1, bytes(256), []])),  # wrapped legacy receipt
        rlp_encode(b""),
    ],
)
def test_malformed_receipts(raw: bytes) -> None:
    with pytest.raises(ReceiptDecodeError):
        decode_receipt(raw)
