"""Devnet scenarios for the end-to-end tests: each builds a chain and names the block to prove."""

from collections.abc import Callable
from dataclasses import dataclass, replace

from op_program.devnet.batcher import BatcherOptions, BatchType
from op_program.devnet.keys import DevAccount
from op_program.devnet.l2_txs import L2Wallet
from op_program.devnet.network import Devnet, DevnetOptions
from op_program.devnet.sequencer import L2Block
from op_program.protocol.compression import CompressionAlgo
from op_program.protocol.system_config import (
    UPDATE_BATCHER,
    UPDATE_DA_FOOTPRINT_GAS_SCALAR,
    UPDATE_EIP1559_PARAMS,
    UPDATE_FEE_SCALARS,
    UPDATE_GAS_LIMIT,
    UPDATE_MIN_BASE_FEE,
    UPDATE_OPERATOR_FEE_PARAMS,
    encode_ecotone_scalar,
)
from op_program.protocol.transactions import DepositTransaction

SEPOLIA = 11_155_111
GRANITE_ERA_TIME = 1_725_000_000
"""The scenarios that stop at Granite run in Granite's era: L1 is Sepolia (its chain id and
config) in 2024-08, under Cancun. Clients take that L1 config from their registry, so the 2024
Go host, which has no local key 9 and predates Prague's header field, can serve our client
(tests/crossclient)."""


@dataclass
class Scenario:
    """A built devnet and the proof to run on it."""

    devnet: Devnet
    agreed: int
    claimed: int
    l1_head: int | None = None


def user_blocks(devnet: Devnet) -> list[L2Block]:
    """Blocks with a deployment, transfers (1559, legacy), storage writes and logs (1559,
    access list, EIP-7702 delegation from Isthmus), a failing call and a withdrawal."""
    wallet = devnet.wallet
    deploy, contract = wallet.deploy_store_and_log()
    blocks = devnet.sequence([
        [deploy, wallet.transfer(devnet.bob.address, 12345)],
        [wallet.store(contract, 7), wallet.failing_call(contract)],
        [wallet.legacy_transfer(devnet.bob.address, 5), wallet.access_list_store(contract, 9)],
        [wallet.withdraw(10**18, devnet.alice.address)],
    ])  # fmt: skip
    next_time = blocks[-1].header.timestamp + devnet.rollup.block_time
    if devnet.rollup.is_isthmus(next_time):  # EIP-7702 transactions need Isthmus (Prague)
        carol = DevAccount.from_label("carol")
        blocks += devnet.sequence([[wallet.set_code_store(carol, 0, contract, 11)]])
        assert blocks[-1].receipts[-1].status == 1
    return blocks


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


def config_changes() -> Scenario:
    """SystemConfig updates mid-run: batcher, gas limit, scalars, EIP-1559, operator fee, ..."""
    devnet = Devnet()
    devnet.mine_l1()
    early = devnet.sequence_to_l1_head()
    new_batcher = DevAccount.from_label("second batcher")
    updates = [
        (UPDATE_BATCHER, bytes(12) + new_batcher.address),
        (UPDATE_GAS_LIMIT, (25_000_000).to_bytes(32, "big")),
        (UPDATE_FEE_SCALARS, bytes(32) + encode_ecotone_scalar(2000, 700_000)),
        (UPDATE_EIP1559_PARAMS, bytes(24) + (100).to_bytes(4, "big") + (4).to_bytes(4, "big")),
        (UPDATE_OPERATOR_FEE_PARAMS, bytes(20) + (1500).to_bytes(4, "big")
         + (10**9).to_bytes(8, "big")),
        (UPDATE_MIN_BASE_FEE, (2 * 10**9).to_bytes(32, "big")),
        (UPDATE_DA_FOOTPRINT_GAS_SCALAR, (500).to_bytes(32, "big")),
    ]
    # The old batcher's data must land before the update: an L1 block's batcher transactions
    # are checked against the config with that block's updates applied (op-node L1 traversal).
    devnet.batcher.submit(early)
    for update_type, payload in updates:
        devnet.update_config(update_type, payload)
    devnet.mine_l1()
    wallet = devnet.wallet
    later = devnet.sequence_to_l1_head()  # up to the epoch that applies the updates
    later += devnet.sequence([[wallet.transfer(devnet.bob.address, n)] for n in (1, 2)])
    head = later[-1].header
    assert head.gas_limit == 25_000_000
    # Jovian extraData: version 1, denominator 100, elasticity 4, min base fee 2 gwei.
    min_base_fee = (2 * 10**9).to_bytes(8, "big")
    assert head.extra_data == bytes.fromhex("01" "00000064" "00000004") + min_base_fee
    assert head.base_fee_per_gas is not None and head.base_fee_per_gas >= 2 * 10**9
    devnet.batcher.submit(later, sender=new_batcher)
    devnet.mine_l1()
    return Scenario(devnet, 0, later[-1].number)


def rogue_batcher() -> Scenario:
    """A rogue sender posts different batches and garbage first; only the batcher's count."""
    devnet = Devnet()
    devnet.mine_l1(2)
    blocks = user_blocks(devnet) + devnet.sequence_to_l1_head()
    extra = devnet.wallet.transfer(devnet.bob.address, 999)
    forged = [replace(blocks[0], transactions=blocks[0].transactions + (extra,)), *blocks[1:]]
    devnet.batcher.submit(forged, sender=devnet.rogue)
    devnet.batcher.post_garbage(b"\x00" + bytes(range(200)))
    devnet.batcher.post_garbage(b"\x07not a frame")
    devnet.batcher.submit(blocks)
    devnet.mine_l1()
    return Scenario(devnet, 0, blocks[-1].number)


def expired_window() -> Scenario:
    """No batches at all: once the sequencing window expires, deposit-only blocks are derived."""
    devnet = Devnet(DevnetOptions(seq_window_size=4))
    devnet.mine_l1(3)
    blocks = devnet.sequence_to_l1_head()
    devnet.mine_l1(6)
    return Scenario(devnet, 0, blocks[-1].number)


def window_expiry_after_batches() -> Scenario:
    """Batches stop after the first epoch; the rest of the chain comes from window expiry."""
    devnet = Devnet(DevnetOptions(seq_window_size=4))
    devnet.mine_l1()
    first = user_blocks(devnet) + devnet.sequence_to_l1_head()
    devnet.batcher.submit(first)
    rest = devnet.sequence_to_l1_head()  # deposit-only blocks, as derivation will fill them
    devnet.mine_l1(6)
    return Scenario(devnet, 0, rest[-1].number)


def invalid_batches() -> Scenario:
    """Batches no safe chain accepts (wrong parent, wrong epoch hash) are dropped."""
    devnet = Devnet()
    devnet.mine_l1(2)
    blocks = user_blocks(devnet) + devnet.sequence_to_l1_head()
    wrong_parent = replace(blocks[0], header=replace(blocks[0].header, parent_hash=b"\x01" * 32))
    devnet.batcher.submit([wrong_parent], BatcherOptions(batch_type=BatchType.SINGULAR))
    origin = blocks[0].ref.l1_origin
    wrong_epoch = replace(blocks[0], ref=replace(blocks[0].ref,
                                                 l1_origin=replace(origin, hash=b"\x02" * 32)))
    devnet.batcher.submit([wrong_epoch], BatcherOptions(batch_type=BatchType.SINGULAR))
    devnet.batcher.submit(blocks)
    devnet.mine_l1()
    return Scenario(devnet, 0, blocks[-1].number)


@dataclass
class InvalidTxCase:
    """The Holocene invalid-transaction scenario and what tells its block rule apart."""

    scenario: Scenario
    replaced: int
    """The L2 block whose batch holds the invalid transaction."""
    batch_txs: tuple[bytes, ...]
    """The batch's user transactions: valid, invalid (nonce far ahead), valid."""
    bad_tx_dropped: L2Block
    """The block had only the invalid transaction been dropped (not what Holocene derives)."""


def holocene_invalid_tx_case() -> InvalidTxCase:
    """Holocene: a batch with an invalid transaction between valid ones becomes deposit-only.

    The batch carries a valid transfer, the invalid one, then another valid transfer, so the
    deposit-only replacement (holocene/derivation.md) differs from dropping the bad transaction.
    """
    devnet = Devnet()
    devnet.mine_l1(1)
    first = devnet.sequence(count=1)  # the sequencer's own deposit-only replacement
    chain_id = devnet.rollup.l2_chain_id
    bob = L2Wallet(devnet.bob, chain_id)
    carol = DevAccount.from_label("carol").address
    bad_tx = L2Wallet(devnet.alice, chain_id, nonce=10**6).transfer(carol, 1)
    batch_txs = (bob.transfer(carol, 1000), bad_tx, bob.transfer(carol, 2000))
    dropped = devnet.sequencer.alternative(first[0].number, (batch_txs[0], batch_txs[2]))
    devnet.batcher.submit([replace(first[0], transactions=first[0].transactions + batch_txs)])
    rest = devnet.sequence_to_l1_head()
    devnet.batcher.submit(rest)
    devnet.mine_l1()
    return InvalidTxCase(Scenario(devnet, 0, rest[-1].number), first[0].number, batch_txs,
                         dropped)  # fmt: skip


def holocene_invalid_tx() -> Scenario:
    """Holocene: a batch with an invalid transaction becomes a deposit-only block."""
    return holocene_invalid_tx_case().scenario


def trace_extension() -> Scenario:
    """The claimed block is the agreed block: nothing to derive."""
    scenario = batched(BatcherOptions())
    return Scenario(scenario.devnet, scenario.claimed, scenario.claimed)


def fork_activations() -> Scenario:
    """Ecotone .. Jovian activate after a Delta genesis (with their upgrade deposits)."""
    offsets = {"ecotone": 4, "fjord": 6, "granite": 8, "holocene": 10, "isthmus": 12,
               "jovian": 16}
    return batched(BatcherOptions(compression=CompressionAlgo.ZLIB),
                   DevnetOptions(fork_offsets=offsets))


def fork_activations_to_granite() -> Scenario:
    """Ecotone, Fjord and Granite activate after a Delta genesis; no later fork is scheduled.

    The chain the 2024 Go op-program (which knows no fork past Granite) can judge. User
    transactions land in the Ecotone activation block, where the L1 fee is the "first Ecotone
    block" case (executor/fees/l1_cost.py): op-geth's Bedrock formula, as we do.
    """
    offsets: dict[str, int | None] = {"ecotone": 4, "fjord": 6, "granite": 8, "holocene": None,
                                      "isthmus": None, "jovian": None}
    return batched(BatcherOptions(compression=CompressionAlgo.ZLIB),
                   DevnetOptions(fork_offsets=offsets, l1_chain_id=SEPOLIA,
                                 genesis_time=GRANITE_ERA_TIME))


def out_of_order_frames() -> Scenario:
    """Before Holocene the channel bank reassembles frames that arrive in reverse order."""
    offsets: dict[str, int | None] = {"holocene": 10**6, "isthmus": None, "jovian": None}
    return batched(BatcherOptions(max_frame_data=300, reverse_frames=True),
                   DevnetOptions(fork_offsets=offsets, l1_chain_id=SEPOLIA,
                                 genesis_time=GRANITE_ERA_TIME))


def holocene_out_of_order_frames() -> Scenario:
    """Holocene drops frames out of order; the batcher's repost in order is what counts."""
    devnet = Devnet()
    devnet.mine_l1(2)
    blocks = user_blocks(devnet) + devnet.sequence_to_l1_head()
    # Were the reversed frames assembled, these different blocks would be derived instead.
    extra = devnet.wallet.transfer(devnet.bob.address, 777)
    forged = [replace(blocks[0], transactions=blocks[0].transactions + (extra,)), *blocks[1:]]
    devnet.batcher.submit(forged, BatcherOptions(max_frame_data=300, reverse_frames=True))
    devnet.batcher.submit(blocks, BatcherOptions(max_frame_data=300))
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
    "config-changes": config_changes,
    "rogue-batcher-and-garbage": rogue_batcher,
    "expired-sequencing-window": expired_window,
    "window-expiry-after-batches": window_expiry_after_batches,
    "invalid-batches-dropped": invalid_batches,
    "holocene-invalid-tx-deposit-only": holocene_invalid_tx,
    "trace-extension": trace_extension,
    "fork-activations": fork_activations,
    "fork-activations-to-granite": fork_activations_to_granite,
    "out-of-order-frames-pre-holocene": out_of_order_frames,
    "out-of-order-frames-holocene-repost": holocene_out_of_order_frames,
}  # fmt: skip
GRANITE_SCENARIOS = frozenset(("fork-activations-to-granite", "out-of-order-frames-pre-holocene"))
"""Scenarios whose devnet stops at Granite, on the L1 of that era (GRANITE_ERA_TIME): those the
2024 Go op-program (host and client, no fork past Granite) can judge."""
