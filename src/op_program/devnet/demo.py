"""The demo chain: a devnet with deposits, user activity and batches, ready to be proven.

Spec: protocol/overview.md (deposits from L1, sequencing, batch submission, derivation);
fault-proof/index.md (a proof from an agreed output to a claimed block). Used by
``op-program demo`` and ``bench/demo.py``.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from op_program.devnet.batcher import BatcherOptions, BatchType, Channel
from op_program.devnet.network import Devnet, DevnetOptions
from op_program.devnet.sequencer import L2Block
from op_program.protocol.compression import CompressionAlgo
from op_program.protocol.transactions import DepositTransaction


@dataclass(frozen=True, slots=True)
class DemoOptions:
    """What the demo chain looks like."""

    use_blobs: bool = False
    batch_type: BatchType = BatchType.SPAN
    compression: CompressionAlgo = CompressionAlgo.BROTLI
    fork_offsets: Mapping[str, int | None] = field(default_factory=dict)
    anvil: bool = False
    """Run the L1 on anvil (the caller closes ``DemoChain.devnet``)."""


@dataclass(frozen=True, slots=True)
class DemoChain:
    """A built demo devnet, the channels posted and the proof to run."""

    devnet: Devnet
    channels: tuple[Channel, ...]
    agreed: int
    claimed: int


def _activity(devnet: Devnet) -> list[L2Block]:
    wallet = devnet.wallet
    deploy, contract = wallet.deploy_store_and_log()
    return devnet.sequence([
        [deploy, wallet.transfer(devnet.bob.address, 10**15)],
        [wallet.store(contract, 42), wallet.failing_call(contract)],
        [wallet.withdraw(10**17, devnet.alice.address)],
    ])  # fmt: skip


def build_demo(options: DemoOptions | None = None) -> DemoChain:
    """Build the demo: two epochs of L2 activity, a deposit, and two channels on L1."""
    options = options or DemoOptions()
    devnet = Devnet(DevnetOptions(fork_offsets=options.fork_offsets, anvil=options.anvil))
    try:
        return _build(devnet, options)
    except BaseException:
        devnet.close()
        raise


def _build(devnet: Devnet, options: DemoOptions) -> DemoChain:
    batcher_options = BatcherOptions(batch_type=options.batch_type,
                                     compression=options.compression,
                                     use_blobs=options.use_blobs)  # fmt: skip
    devnet.mine_l1()
    first = _activity(devnet) + devnet.sequence_to_l1_head()
    channels = [devnet.batcher.submit(first, batcher_options)]
    devnet.deposit(DepositTransaction(bytes(32), devnet.bob.address, devnet.alice.address,
                                      10**18, 10**18, 100_000, False, b""))  # fmt: skip
    devnet.mine_l1()
    second = _activity(devnet) + devnet.sequence_to_l1_head()
    channels.append(devnet.batcher.submit(second, batcher_options))
    devnet.mine_l1()
    return DemoChain(devnet, tuple(channels), agreed=first[2].number, claimed=second[-1].number)
