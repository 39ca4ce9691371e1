"""The devnet as one object: accounts, L1, L2 genesis, sequencer and batcher wired together.

Spec: protocol/overview.md (L1, sequencer, batcher, and the rollup node that derives the L2
chain from L1 alone); fault-proof/index.md (a proof starts from an agreed output and an L1
head). Scenarios drive it: advance L1, sequence L2 blocks, post batches, then prove a claim.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from op_program.config.chain_config import parse_chain_config
from op_program.config.rollup import BlockId, RollupConfig
from op_program.devnet.anvil import AnvilL1
from op_program.devnet.batcher import Batcher
from op_program.devnet.errors import DevnetError
from op_program.devnet.genesis import (
    GENESIS_TIME,
    L1_CHAIN_ID,
    OPTIMISM_PORTAL,
    SYSTEM_CONFIG,
    ChainParams,
    build_genesis,
)
from op_program.devnet.keys import DevAccount
from op_program.devnet.l1 import L1Block, L1Chain
from op_program.devnet.l1_txs import config_update_tx, deposit_tx
from op_program.devnet.l2_txs import L2Wallet
from op_program.devnet.preimages import PreimageStore
from op_program.devnet.proof import ProofInputs, ProofResult, prove_in_process
from op_program.devnet.sequencer import L2Block, Sequencer
from op_program.protocol.transactions import DepositTransaction

FUNDING = 10**24
L1_CHAIN_CONFIG: Mapping[str, Any] = {
    "chainId": L1_CHAIN_ID, "homesteadBlock": 0, "byzantiumBlock": 0, "londonBlock": 0,
    "shanghaiTime": 0, "cancunTime": 0, "pragueTime": 0,
    "blobSchedule": {
        "cancun": {"target": 3, "max": 6, "baseFeeUpdateFraction": 3_338_477},
        "prague": {"target": 6, "max": 9, "baseFeeUpdateFraction": 5_007_716},
    },
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class DevnetOptions:
    """Chain parameters of a devnet."""

    fork_offsets: Mapping[str, int | None] = field(default_factory=dict)
    seq_window_size: int = 20
    channel_timeout: int = 50
    anvil: bool = False
    """Use anvil (a real node, started and stopped by the devnet) as the L1."""


class Devnet:
    """A complete local OP Stack chain."""

    __slots__ = ("alice", "batcher", "batcher_account", "bob", "genesis", "l1", "owner",
                 "rogue", "sequencer", "wallet")  # fmt: skip

    def __init__(self, options: DevnetOptions | None = None) -> None:
        options = options or DevnetOptions()
        self.batcher_account = DevAccount.from_label("batcher")
        self.rogue = DevAccount.from_label("rogue batcher")
        self.alice = DevAccount.from_label("alice")
        self.bob = DevAccount.from_label("bob")
        self.owner = DevAccount.from_label("system config owner")
        if options.anvil:
            self.l1: L1Chain = AnvilL1(L1_CHAIN_ID, GENESIS_TIME,
                                       {OPTIMISM_PORTAL: 4, SYSTEM_CONFIG: 3})  # fmt: skip
        else:
            self.l1 = L1Chain(L1_CHAIN_ID, GENESIS_TIME)
        params = ChainParams(
            batcher=self.batcher_account.address, l1_genesis=BlockId(self.l1.blocks[0].hash, 0),
            fork_offsets=options.fork_offsets, seq_window_size=options.seq_window_size,
            channel_timeout=options.channel_timeout,
            funded={self.alice.address: FUNDING, self.bob.address: FUNDING},
        )  # fmt: skip
        self.genesis = build_genesis(params)
        rollup = self.genesis.rollup
        self.sequencer = Sequencer(self.genesis, self.l1, parse_chain_config(L1_CHAIN_CONFIG))
        self.batcher = Batcher(self.l1, self.batcher_account, rollup.batch_inbox_address,
                               rollup.l2_chain_id, rollup.genesis.l2_time)  # fmt: skip
        self.wallet = L2Wallet(self.alice, rollup.l2_chain_id)

    def close(self) -> None:
        """Stop the L1 node if the devnet started one."""
        if isinstance(self.l1, AnvilL1):
            self.l1.close()

    def __enter__(self) -> "Devnet":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def rollup(self) -> RollupConfig:
        """The rollup config."""
        return self.genesis.rollup

    def mine_l1(self, count: int = 1) -> list[L1Block]:
        """Mine ``count`` L1 blocks with whatever is pending."""
        return [self.l1.mine() for _ in range(count)]

    def deposit(self, deposit: DepositTransaction, sender: DevAccount | None = None) -> None:
        """Queue an L1 deposit (a portal call with its ``TransactionDeposited`` log)."""
        self.l1.include(deposit_tx(self.l1, self.rollup.deposit_contract_address,
                                   sender or self.bob, deposit))  # fmt: skip

    def update_config(self, update_type: int, payload: bytes) -> None:
        """Queue a SystemConfig update (its ``ConfigUpdate`` log)."""
        self.l1.include(config_update_tx(self.l1, self.rollup.l1_system_config_address,
                                         self.owner, update_type, payload))  # fmt: skip

    def sequence(self, txs: Sequence[Sequence[bytes]] = (), count: int = 0) -> list[L2Block]:
        """Sequence one block per entry of ``txs`` (then empty blocks up to ``count``).

        A block that may not carry user transactions is sequenced empty before the entry.
        """
        blocks = []
        for block_txs in txs:
            if block_txs and not self.sequencer.accepts_user_txs():
                blocks.append(self.sequencer.build())  # e.g. the Jovian activation block
            blocks.append(self.sequencer.build(tuple(block_txs)))
        while len(blocks) < count:
            blocks.append(self.sequencer.build())
        return blocks

    def sequence_to_l1_head(self) -> list[L2Block]:
        """Sequence empty blocks until the L2 head's origin is the L1 head."""
        blocks = []
        while self.sequencer.head.ref.l1_origin.number < self.l1.head.number:
            blocks.append(self.sequencer.build())
        return blocks

    def preimages(self) -> PreimageStore:
        """Every preimage the devnet can serve (L1 and L2)."""
        store = PreimageStore()
        self.l1.add_preimages(store)
        self.sequencer.add_preimages(store)
        return store

    def proof_inputs(self, agreed: int, claimed: int, claim: bytes | None = None,
                     l1_head: int | None = None) -> ProofInputs:  # fmt: skip
        """The inputs of a proof from L2 block ``agreed`` to ``claimed``.

        ``claim`` defaults to the sequencer's output root at ``claimed``; ``l1_head`` to the
        current L1 head.
        """
        blocks = self.sequencer.blocks
        if not 0 <= agreed < len(blocks):
            raise DevnetError(f"no L2 block {agreed}")
        if claim is None:
            if claimed >= len(blocks):
                raise DevnetError(f"no L2 block {claimed} to take the claim from")
            claim = blocks[claimed].output.root
        head = self.l1.head if l1_head is None else self.l1.header_by_number(l1_head)
        return ProofInputs(
            l1_head=head.hash, l2_head=blocks[agreed].header.hash,
            agreed_output_root=blocks[agreed].output.root, claimed_output_root=claim,
            claimed_block_number=claimed, rollup=self.rollup,
            l2_chain_config=self.genesis.l2_chain_config_json, l1_chain_config=L1_CHAIN_CONFIG,
        )  # fmt: skip

    def prove(self, agreed: int, claimed: int, claim: bytes | None = None,
              l1_head: int | None = None) -> ProofResult:  # fmt: skip
        """Prove ``claim`` about block ``claimed`` in-process; return the verdict."""
        return prove_in_process(self.preimages(), self.proof_inputs(agreed, claimed, claim,
                                                                    l1_head))  # fmt: skip
