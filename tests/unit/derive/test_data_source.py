from collections.abc import Sequence

from op_program.derive.stages.data_source import calldata_items, open_data
from op_program.derive.types import L1BlockRef
from op_program.protocol.blob import decode_blob, encode_blob

from .chain import BATCHER, OTHER_KEY, L1Chain, blob_tx, legacy_tx
from .stubs import rollup

INBOX = b"\xff" * 20
H1, H2, H3 = (bytes([1]) + bytes([n]) * 31 for n in (1, 2, 3))


def test_calldata_filtering_by_inbox_and_batcher() -> None:
    txs = [
        legacy_tx(INBOX, b"a"),
        legacy_tx(b"\x01" * 20, b"wrong inbox"),
        legacy_tx(INBOX, b"wrong signer", key=OTHER_KEY),
        legacy_tx(INBOX, b"b", nonce=1),
        b"\x05garbage",
    ]
    items, hashes = calldata_items(txs, INBOX, BATCHER, with_blobs=False)
    assert [i.calldata for i in items] == [b"a", b"b"] and hashes == []


def test_blob_txs_count_as_calldata_before_ecotone() -> None:
    txs = [blob_tx(INBOX, [H1], data=b"cd")]
    items, hashes = calldata_items(txs, INBOX, BATCHER, with_blobs=False)
    assert [i.calldata for i in items] == [b"cd"] and hashes == []


def test_set_code_transactions_are_not_batcher_transactions() -> None:
    import dataclasses

    from op_program.protocol.transactions import SetCodeTransaction

    from .chain import BATCHER_KEY, _sign

    unsigned = SetCodeTransaction(1, 0, 1, 1, 100_000, INBOX, 0, b"data", (), (), 0, 1, 1)
    r, s, recid = _sign(unsigned, BATCHER_KEY)
    tx = dataclasses.replace(unsigned, y_parity=recid, r=r, s=s)
    assert tx.recover_sender() == BATCHER  # signed by the batcher, to the inbox, yet ignored
    items, _ = calldata_items([tx.encode()], INBOX, BATCHER, with_blobs=True)
    assert items == []


def test_blob_indices_count_every_blob_in_the_block() -> None:
    txs = [
        blob_tx(INBOX, [H1, H2], key=OTHER_KEY),  # not the batcher: indices 0, 1
        legacy_tx(INBOX, b"calldata"),
        blob_tx(INBOX, [H3], data=b"ignored calldata"),  # index 2
    ]
    items, hashes = calldata_items(txs, INBOX, BATCHER, with_blobs=True)
    assert hashes == [(2, H3)]
    assert [i.calldata for i in items] == [b"calldata", None]


class Blobs:
    def __init__(self, blobs: dict[bytes, bytes]) -> None:
        self.blobs = blobs
        self.asked: list[tuple[int, Sequence[tuple[int, bytes]]]] = []

    def get_blobs(self, l1_timestamp: int, hashes: Sequence[tuple[int, bytes]]) -> list[bytes]:
        self.asked.append((l1_timestamp, list(hashes)))
        return [self.blobs[h] for _, h in hashes]


def test_open_data_decodes_blobs_and_skips_bad_ones() -> None:
    cfg = rollup(batch_inbox_address="0x" + "ff" * 20, canyon_time=0, delta_time=0, ecotone_time=0)
    chain = L1Chain(3)
    chain.txs[2] = [
        legacy_tx(INBOX, b"first"),
        blob_tx(INBOX, [H1, H2]),
        legacy_tx(INBOX, b"x", nonce=1),
    ]
    chain.seal()
    bad = bytearray(encode_blob(b"ok"))
    bad[1] = 1  # unknown encoding version
    blobs = Blobs({H1: encode_blob(b"blob data"), H2: bytes(bad)})

    block = L1BlockRef.from_header(chain.headers[2])
    out = open_data(cfg, chain, blobs, decode_blob, block, BATCHER)
    assert out == [b"first", b"blob data", b"x"]  # the bad blob is skipped
    assert blobs.asked == [(block.timestamp, [(0, H1), (1, H2)])]


def test_open_data_without_blobs_does_not_fetch() -> None:
    cfg = rollup(batch_inbox_address="0x" + "ff" * 20)
    chain = L1Chain(2)
    chain.txs[1] = [legacy_tx(INBOX, b"only")]
    chain.seal()
    blobs = Blobs({})
    out = open_data(
        cfg, chain, blobs, lambda b: b, L1BlockRef.from_header(chain.headers[1]), BATCHER
    )
    assert out == [b"only"] and blobs.asked == []


def test_blob_retrieval_activates_with_ecotone_by_l1_block_time() -> None:
    chain = L1Chain(3)
    chain.txs[1] = [blob_tx(INBOX, [H1])]
    chain.txs[2] = [blob_tx(INBOX, [H1])]
    chain.seal()
    cfg = rollup(
        batch_inbox_address="0x" + "ff" * 20,
        canyon_time=0,
        delta_time=0,
        ecotone_time=chain.headers[2].timestamp,
    )
    blobs = Blobs({H1: encode_blob(b"data")})
    before = L1BlockRef.from_header(chain.headers[1])
    after = L1BlockRef.from_header(chain.headers[2])
    assert open_data(cfg, chain, blobs, decode_blob, before, BATCHER) == [b""]  # calldata
    assert open_data(cfg, chain, blobs, decode_blob, after, BATCHER) == [b"data"]
