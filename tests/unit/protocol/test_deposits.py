from op_program.protocol.deposits import (
    DEPOSIT_EVENT_TOPIC,
    encode_deposit_log_data,
    user_deposit_source_hash,
    user_deposits,
)
from op_program.protocol.receipts import Log, Receipt
from op_program.protocol.transactions import DepositTransaction

PORTAL = b"\x99" * 20
BLOCK_HASH = b"\x42" * 32


def _deposit(nonce: int) -> DepositTransaction:
    return DepositTransaction(
        source_hash=bytes(32), from_address=b"\x01" * 20, to=b"\x02" * 20, mint=nonce,
        value=3, gas=100_000, is_system_tx=False, data=bytes([nonce]) * nonce,
    )


def _log(nonce: int, address: bytes = PORTAL) -> Log:
    topics, data = encode_deposit_log_data(_deposit(nonce))
    return Log(address, topics, data)


def test_user_deposits_use_block_log_index_and_skip_failed_receipts_and_other_logs() -> None:
    other = Log(PORTAL, (b"\x00" * 32,), b"")
    receipts = [
        Receipt(0, 1, 0, bytes(256), (other, _log(1))),  # log indexes 0, 1
        Receipt(0, 0, 0, bytes(256), ()),  # a failed receipt has no logs
        Receipt(0, 1, 0, bytes(256), (_log(2, b"\x98" * 20), _log(3))),  # 2, 3
    ]
    deposits, errors = user_deposits(receipts, PORTAL, BLOCK_HASH)
    assert errors == []
    assert [d.mint for d in deposits] == [1, 3]
    assert deposits[0].source_hash == user_deposit_source_hash(BLOCK_HASH, 1)
    assert deposits[1].source_hash == user_deposit_source_hash(BLOCK_HASH, 3)
    assert deposits[1].data == b"\x03" * 3


def test_malformed_deposit_logs_are_reported_not_skipped_silently() -> None:
    bad = Log(PORTAL, (DEPOSIT_EVENT_TOPIC, bytes(32), bytes(32), bytes(32)), bytes(64))
    deposits, errors = user_deposits([Receipt(0, 1, 0, bytes(256), (bad, _log(5)))], PORTAL,
                                     BLOCK_HASH)
    assert len(errors) == 1 and [d.mint for d in deposits] == [5]
