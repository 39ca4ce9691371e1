"""The real OP Mainnet batcher transaction through L1 retrieval, frames, channel bank and reader.

Vector: tests/fixtures/vectors/kona-raw-batcher-tx (one EIP-1559 transaction from the OP Mainnet
batcher to the batch inbox: one frame, a zlib channel, one span batch of 27 blocks).
"""

from collections.abc import Sequence
from dataclasses import replace

import pytest

from op_program.config.registry import network_by_name
from op_program.derive.errors import EndOfDataError, NotEnoughDataError
from op_program.derive.stages.channel_bank import ChannelBank
from op_program.derive.stages.channel_reader import ChannelReader
from op_program.derive.stages.data_source import open_data
from op_program.derive.stages.frame_queue import FrameQueue
from op_program.derive.stages.l1_retrieval import L1Retrieval
from op_program.derive.stages.l1_traversal import L1Traversal
from op_program.derive.types import L1BlockRef
from op_program.protocol.batches import SpanBatch
from op_program.protocol.header import Header
from op_program.protocol.system_config import SystemConfig
from tests.fixture_paths import fixtures_path

pytestmark = pytest.mark.conformance
OP_MAINNET_BATCHER = bytes.fromhex("6887246668a3b87F54DeB3b94Ba47a6f63F32985")
BLOCK = L1BlockRef(b"\x10" * 32, 19426590, b"\x0f" * 32, 1710000000)  # before Ecotone (calldata)


class OneBlock:
    def __init__(self, raw_tx: bytes) -> None:
        self.raw_tx = raw_tx

    @property
    def head(self) -> Header:
        raise AssertionError("not used")

    def header_by_hash(self, block_hash: bytes) -> Header:
        raise AssertionError("not used")

    def header_by_number(self, number: int) -> Header:
        raise AssertionError("not used")

    def transactions_by_hash(self, block_hash: bytes) -> tuple[Header, Sequence[bytes]]:
        return None, [self.raw_tx]  # type: ignore[return-value]

    def receipts_by_hash(self, block_hash: bytes) -> tuple[Header, Sequence[bytes]]:
        raise AssertionError("not used")


class NoBlobs:
    def get_blobs(self, l1_timestamp: int, hashes: Sequence[tuple[int, bytes]]) -> list[bytes]:
        raise AssertionError("no blobs before Ecotone")


def test_real_batcher_tx_yields_a_27_block_span_batch() -> None:
    raw = fixtures_path("vectors", "kona-raw-batcher-tx", "raw_batcher_tx.hex").read_bytes()
    rollup = network_by_name("op-mainnet").rollup
    l1 = OneBlock(raw)
    traversal: L1Traversal[SystemConfig] = L1Traversal(l1, lambda c, r, t: c, SystemConfig(b""))
    traversal.reset(BLOCK, SystemConfig(OP_MAINNET_BATCHER))

    def opener(block: L1BlockRef, batcher: bytes) -> list[bytes]:
        return open_data(rollup, l1, NoBlobs(), lambda b: b, block, batcher)

    retrieval = L1Retrieval(traversal, opener)
    frames = FrameQueue(retrieval, rollup.is_holocene)
    reader = ChannelReader(rollup, ChannelBank(rollup, frames))
    batches = []
    while True:
        try:
            batches.append(reader.next_batch())
        except NotEnoughDataError:
            continue
        except EndOfDataError:
            break
    assert len(batches) == 1 and isinstance(batches[0], SpanBatch)
    span = batches[0]
    assert len(span.elements) == 27
    assert span.parent_check.hex() == "4a78c6069d413ac5cd75401310076b7acbc10cea"
    assert span.l1_origin_check.hex() == "4fcd7915716bdcf8ba963e591577721000dd2bf7"
    assert span.elements[-1].epoch_num == 19426585
    assert span.elements[0].timestamp == rollup.genesis.l2_time + 24269254
    times = [e.timestamp for e in span.elements]
    assert times == list(range(times[0], times[0] + 2 * 27, 2))


def test_other_sender_is_not_the_batcher() -> None:
    raw = fixtures_path("vectors", "kona-raw-batcher-tx", "raw_batcher_tx.hex").read_bytes()
    rollup = network_by_name("op-mainnet").rollup
    assert open_data(rollup, OneBlock(raw), NoBlobs(), lambda b: b, BLOCK, b"\x01" * 20) == []
    other_inbox = replace(rollup, batch_inbox_address=b"\x02" * 20)
    assert (
        open_data(other_inbox, OneBlock(raw), NoBlobs(), lambda b: b, BLOCK, OP_MAINNET_BATCHER)
        == []
    )
    data = open_data(rollup, OneBlock(raw), NoBlobs(), lambda b: b, BLOCK, OP_MAINNET_BATCHER)
    assert [len(d) for d in data] == [119823]
