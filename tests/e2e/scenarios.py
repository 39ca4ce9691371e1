"""Devnet scenarios for the end-to-end tests: each builds a chain and names the block to prove."""

from collections.abc import Callable
from dataclasses import dataclass

from op_program.devnet.batcher import BatcherOptions, BatchType
from op_program.devnet.network import Devnet, DevnetOptions
from op_program.devnet.sequencer import L2Block
from op_program.protocol.compression import CompressionAlgo
from op_program.protocol.transactions import DepositTransaction


@dataclass
class Scenario:
    """A built devnet and the proof to run on it."""

    devnet: Devnet
    agreed: int
    claimed: int
    l1_head: int | None = None


def user_blocks(devnet: Devnet) -> list[L2Block]:
    """Blocks with a deployment, transfer, storage write, log, failing call and withdrawal."""
    wallet = devnet.wallet
    deploy, contract = wallet.deploy_store_and_log()
    return devnet.sequence([
        [deploy, wallet.transfer(devnet.bob.address, 12345)],
        [wallet.store(contract, 7), wallet.failing_call(contract)],
        [wallet.withdraw(10**18, devnet.alice.address)],
    ])  # fmt: skip


def batched(options: BatcherOptions, devnet_options: DevnetOptions | None = None) -> Scenario:
    """User blocks up to the L1 head, posted in one channel with ``options``."""
    devnet = Devnet(devnet_options)
    devnet.mine_l1(2)
    blocks = user_blocks(devnet) + devnet.sequence_to_l1_head()
    devnet.batcher.submit(blocks, options)
    devnet.mine_l1()
    return Scenario(devnet, 0, blocks[-1].number)


def deposits() -> Scenario:
    """User deposits (one mints and calls, one fails on L2) in an epoch's first block."""
    devnet = Devnet()
    carol = devnet.alice.address
    devnet.deposit(DepositTransaction(bytes(32), devnet.bob.address, carol, 10**18, 5, 100_000,
                                      False, b""))  # fmt: skip
    # Value above mint plus balance: the deposit is included and fails (status 0), mint stays.
    poor = bytes.fromhex("00000000000000000000000000000000000000aa")
    devnet.deposit(DepositTransaction(bytes(32), poor, carol, 1, 10**30, 50_000, False, b""))
    devnet.deposit(DepositTransaction(bytes(32), devnet.bob.address, None, 0, 0, 200_000, False,
                                      bytes.fromhex("600160005500")))  # fmt: skip
    devnet.mine_l1(2)
    blocks = devnet.sequence_to_l1_head()
    devnet.batcher.submit(blocks, BatcherOptions())
    devnet.mine_l1()
    return Scenario(devnet, 0, blocks[-1].number)


SCENARIOS: dict[str, Callable[[], Scenario]] = {
    "calldata-singular-zlib": lambda: batched(
        BatcherOptions(BatchType.SINGULAR, CompressionAlgo.ZLIB)),
    "calldata-span-brotli": lambda: batched(BatcherOptions(BatchType.SPAN, CompressionAlgo.BROTLI)),
    "blobs-span-zlib": lambda: batched(
        BatcherOptions(BatchType.SPAN, CompressionAlgo.ZLIB, use_blobs=True)),
    "blobs-singular-brotli": lambda: batched(
        BatcherOptions(BatchType.SINGULAR, CompressionAlgo.BROTLI, use_blobs=True)),
    "frames-across-txs-and-blocks": lambda: batched(
        BatcherOptions(max_frame_data=200, frames_per_tx=2, txs_per_l1_block=2)),
    "deposits": deposits,
}  # fmt: skip
