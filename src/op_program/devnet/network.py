"""The devnet as one object: accounts, L1, L2 genesis, sequencer and batcher wired together.

Spec: protocol/overview.md (L1, sequencer, batcher, and the rollup node that derives the L2
chain from L1 alone); fault-proof/index.md (a proof starts from an agreed output and an L1
head). Scenarios drive it: advance L1, sequence L2 blocks, post batches, then prove a claim.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from op_program.config.chain_config import parse_chain_config
from op_program.config.registry import l1_chain_config_by_chain_id
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
    chain_config_json,
)
from op_program.devnet.keys import DevAccount
from op_program.devnet.l1 import L1Block, L1Chain
from op_program.devnet.l1_txs import config_update_tx, deposit_tx
from op_program.devnet.l2_txs import L2Wallet
from op_program.devnet.preimages import PreimageStore
from op_program.devnet.proof import ProofInputs, ProofResult, prove_in_process
from op_program.devnet.sequencer import L2Block, Sequencer
from op_program.errors import ConfigError
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


DEVNET_L1_SPAN = 10**6
"""Seconds of L1 time a devnet may cover (scenarios use minutes): over this window a known L1's
fork schedule must not change for the devnet to carry that L1's chain id."""


@dataclass(frozen=True, slots=True)
class DevnetL1Rules:
    """The chain config a devnet's L1 carries and the rules its blocks follow."""

    chain_config: Mapping[str, Any]
    prague: bool
    """Prague (EIP-7685 requests hash, EIP-7691 blob schedule) or Cancun."""


def devnet_l1_rules(chain_id: int, genesis_time: int) -> DevnetL1Rules:
    """The devnet L1's chain config JSON and rules for L1 chain id ``chain_id``.

    Under the devnet's own chain id (900901, unknown to every client) the L1 follows
    ``L1_CHAIN_CONFIG`` (Prague from genesis) and a proof carries that config in local key 9
    (fault-proof/index.md, custom chains). A known L1's chain id (e.g. Sepolia's) makes clients
    use their built-in config for it instead; that is only sound if the devnet's blocks follow
    that config, so the devnet takes the known L1's real config, checks that its schedule does
    not change over the devnet's span (the devnet L1 implements one rule set: Cancun or
    Prague, not Osaka), and builds Cancun or Prague blocks accordingly.

    Raises:
        DevnetError: the chain id is unknown, or its rules change or are unsupported there.
    """
    if chain_id == L1_CHAIN_ID:
        return DevnetL1Rules(L1_CHAIN_CONFIG, prague=True)
    try:
        known = l1_chain_config_by_chain_id(chain_id)
    except ConfigError as exc:
        raise DevnetError(f"L1 chain id {chain_id}: {exc}") from exc
    start, end = genesis_time, genesis_time + DEVNET_L1_SPAN
    names = [name for name, _ in known.time_forks]
    changing = [n for n in names if known.is_time_fork(n, start) != known.is_time_fork(n, end)]
    if changing or known.blob_params_at(start) != known.blob_params_at(end):
        raise DevnetError(f"L1 chain {chain_id} changes rules during the devnet "
                          f"({', '.join(changing) or 'blob schedule'})")  # fmt: skip
    if not known.is_time_fork("cancunTime", start) or known.is_time_fork("osakaTime", start):
        raise DevnetError(f"the devnet L1 follows Cancun or Prague, not L1 chain {chain_id}'s "
                          f"rules at time {start}")  # fmt: skip
    return DevnetL1Rules(chain_config_json(known), known.is_time_fork("pragueTime", start))


@dataclass(frozen=True, slots=True)
class DevnetOptions:
    """Chain parameters of a devnet."""

    fork_offsets: Mapping[str, int | None] = field(default_factory=dict)
    seq_window_size: int = 20
    channel_timeout: int = 50
    anvil: bool = False
    """Use anvil (a real node, started and stopped by the devnet) as the L1."""
    l1_chain_id: int = L1_CHAIN_ID
    """The devnet's own L1 chain id, or a known L1's (``devnet_l1_rules``): then clients read
    the L1 config from their registry, not local key 9, which pre-2025 op-program hosts do not
    serve."""
    genesis_time: int = GENESIS_TIME
    """L1 and L2 genesis timestamp (selects a known L1's fork, e.g. Sepolia before Prague)."""


class Devnet:
    """A complete local OP Stack chain."""

    __slots__ = ("alice", "batcher", "batcher_account", "bob", "genesis", "l1",
                 "l1_chain_config", "owner", "rogue", "sequencer", "wallet")  # fmt: skip

    def __init__(self, options: DevnetOptions | None = None) -> None:
        options = options or DevnetOptions()
        self.batcher_account = DevAccount.from_label("batcher")
        self.rogue = DevAccount.from_label("rogue batcher")
        self.alice = DevAccount.from_label("alice")
        self.bob = DevAccount.from_label("bob")
        self.owner = DevAccount.from_label("system config owner")
        rules = devnet_l1_rules(options.l1_chain_id, options.genesis_time)
        self.l1_chain_config = rules.chain_config
        if options.anvil:
            self.l1: L1Chain = AnvilL1(options.l1_chain_id, options.genesis_time,
                                       {OPTIMISM_PORTAL: 4, SYSTEM_CONFIG: 3},
                                       prague=rules.prague)  # fmt: skip
        else:
            self.l1 = L1Chain(options.l1_chain_id, options.genesis_time, prague=rules.prague)
        params = ChainParams(
            batcher=self.batcher_account.address, l1_genesis=BlockId(self.l1.blocks[0].hash, 0),
            l1_chain_id=options.l1_chain_id,
            fork_offsets=options.fork_offsets, seq_window_size=options.seq_window_size,
            channel_timeout=options.channel_timeout,
            funded={self.alice.address: FUNDING, self.bob.address: FUNDING},
        )  # fmt: skip
        self.genesis = build_genesis(params, options.genesis_time)
        rollup = self.genesis.rollup
        self.sequencer = Sequencer(self.genesis, self.l1,
                                   parse_chain_config(self.l1_chain_config))
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
            l2_chain_config=self.genesis.l2_chain_config_json, l1_chain_config=self.l1_chain_config,
        )  # fmt: skip

    def prove(self, agreed: int, claimed: int, claim: bytes | None = None,
              l1_head: int | None = None) -> ProofResult:  # fmt: skip
        """Prove ``claim`` about block ``claimed`` in-process; return the verdict."""
        return prove_in_process(self.preimages(), self.proof_inputs(agreed, claimed, claim,
                                                                    l1_head))  # fmt: skip
