"""Sequencer: builds L2 blocks with the project's executor from L1 origins and user transactions.

Spec: protocol/derivation.md "Deriving Payload Attributes" (the attributes of each block come
from its L1 origin: L1-info deposit, user deposits in the first block of an epoch, upgrade
deposits at fork activation), protocol/exec-engine.md (block building), "Sequencing"
(the epoch advances when the next L1 block is not later than the L2 block time). Every state
node, code and header the chain creates is kept, so the devnet can serve any of them.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType

from op_program.client.output import message_passer_storage_root
from op_program.client.program import UPGRADES
from op_program.config.chain_config import ChainConfig
from op_program.config.rollup import BlockId
from op_program.derive.attributes_builder import AttributesBuilder
from op_program.derive.batch_validity import check_transactions
from op_program.derive.l2_blocks import l2_block_ref, system_config_of_block
from op_program.derive.types import L2BlockRef
from op_program.devnet.errors import DevnetError
from op_program.devnet.genesis import L2Genesis
from op_program.devnet.l1 import L1Chain
from op_program.devnet.preimages import PreimageStore
from op_program.encoding.hashing import keccak256
from op_program.errors import OpProgramError
from op_program.executor.builder import build_block
from op_program.executor.source import MappingStateSource
from op_program.mpt.ordered import ordered_trie_root_and_nodes
from op_program.protocol.attributes import PayloadAttributes
from op_program.protocol.header import Header
from op_program.protocol.output_root import OutputV0
from op_program.protocol.receipts import Receipt
from op_program.protocol.system_config import SystemConfig

DEPOSIT_TX_TYPE = 0x7E


@dataclass(frozen=True, slots=True)
class L2Block:
    """A sequenced L2 block with its origin, receipts and output."""

    header: Header
    transactions: tuple[bytes, ...]
    receipts: tuple[Receipt, ...]
    ref: L2BlockRef
    output: OutputV0
    attributes: PayloadAttributes | None = None
    """The payload attributes the block was built from (None for genesis)."""

    @property
    def number(self) -> int:
        """The block number."""
        return self.header.number

    @property
    def user_transactions(self) -> tuple[bytes, ...]:
        """The batch transactions (everything but deposits)."""
        return tuple(tx for tx in self.transactions if tx[0] != DEPOSIT_TX_TYPE)


class Sequencer:
    """The devnet's L2 chain: genesis plus the blocks it sequences on the L1 chain."""

    __slots__ = ("_attributes", "_l1", "_nodes", "blocks", "genesis", "rollup")

    def __init__(self, genesis: L2Genesis, l1: L1Chain, l1_config: ChainConfig) -> None:
        self.genesis = genesis
        self.rollup = genesis.rollup
        self._l1 = l1
        self._attributes = AttributesBuilder(self.rollup, l1_config, l1, UPGRADES)
        self._nodes: dict[bytes, bytes] = {keccak256(v): v for v in genesis.preimages}
        self._nodes[genesis.header.hash] = genesis.header.encode()
        output = self._output(genesis.header, None)
        ref = l2_block_ref(self.rollup, genesis.header, ())
        self.blocks: list[L2Block] = [L2Block(genesis.header, (), (), ref, output)]

    @property
    def head(self) -> L2Block:
        """The latest block."""
        return self.blocks[-1]

    def _output(self, header: Header, passer_root: bytes | None) -> OutputV0:
        root = passer_root or message_passer_storage_root(header, self._nodes.__getitem__, False)
        return OutputV0(header.state_root, root, header.hash)

    def system_config(self) -> SystemConfig:
        """The system config of the head block."""
        head = self.head
        return system_config_of_block(self.rollup, head.header, head.transactions)

    def next_epoch(self) -> BlockId:
        """The head's L1 origin, or the next L1 block if it is due (not after the L2 time)."""
        origin = self.head.ref.l1_origin
        timestamp = self.head.header.timestamp + self.rollup.block_time
        if origin.number + 1 < len(self._l1.blocks):
            candidate = self._l1.blocks[origin.number + 1]
            if candidate.header.timestamp <= timestamp:
                return BlockId(candidate.hash, candidate.number)
        return origin

    def accepts_user_txs(self) -> bool:
        """Whether the next block may carry user transactions (not an upgrade-only block)."""
        timestamp = self.head.header.timestamp + self.rollup.block_time
        return check_transactions(self.rollup, timestamp, (b"\x02",)) is None

    def build(self, user_txs: tuple[bytes, ...] = (), epoch: BlockId | None = None) -> L2Block:
        """Sequence the next block on ``epoch`` (default: ``next_epoch()``) with ``user_txs``.

        Raises:
            DevnetError: the executor rejects the block (e.g. an invalid user transaction).
        """
        block, new_nodes = self._execute(self.head, epoch or self.next_epoch(), user_txs)
        self._nodes.update(new_nodes)
        self._nodes[block.header.hash] = block.header.encode()
        self.blocks.append(block)
        return block

    def alternative(self, number: int, user_txs: tuple[bytes, ...]) -> L2Block:
        """Block ``number`` as it would be with ``user_txs`` instead (same parent and epoch).

        The chain is left unchanged: scenarios use it to compute the output root of a block
        that derivation must not produce.

        Raises:
            DevnetError: no such block, or the executor rejects the block.
        """
        if not 0 < number < len(self.blocks):
            raise DevnetError(f"no L2 block {number} to replace")
        epoch = self.blocks[number].ref.l1_origin
        block, _ = self._execute(self.blocks[number - 1], epoch, user_txs)
        return block

    def _execute(self, parent: L2Block, epoch: BlockId,
                 user_txs: tuple[bytes, ...]) -> tuple[L2Block, dict[bytes, bytes]]:
        try:
            config = system_config_of_block(self.rollup, parent.header, parent.transactions)
            attrs = self._attributes.prepare(parent.ref, epoch, config)
            attrs = replace(attrs, transactions=attrs.transactions + tuple(user_txs))
            result = build_block(self.rollup, parent.header, attrs, MappingStateSource(self._nodes))
        except OpProgramError as exc:
            raise DevnetError(f"cannot sequence L2 block {parent.number + 1}: {exc}") from exc
        header = result.header
        passer_root = result.message_passer_storage_root
        if passer_root is None:
            nodes = {**self._nodes, **result.new_nodes}
            passer_root = message_passer_storage_root(header, nodes.__getitem__, False)
        ref = l2_block_ref(self.rollup, header, result.transactions)
        block = L2Block(header, result.transactions, result.receipts, ref,
                        OutputV0(header.state_root, passer_root, header.hash), attrs)  # fmt: skip
        return block, dict(result.new_nodes)

    def execution_witness(self, parent_hash: bytes, attributes: PayloadAttributes) -> list[bytes]:
        """Every state node, code and header read while building ``attributes`` on a block.

        Raises:
            DevnetError: unknown parent, or attributes the executor rejects.
        """
        parent = self._nodes.get(parent_hash)
        if parent is None:
            raise DevnetError(f"unknown L2 block 0x{parent_hash.hex()}")
        try:
            result = build_block(self.rollup, Header.decode(parent), attributes,
                                 MappingStateSource(self._nodes))  # fmt: skip
        except OpProgramError as exc:
            raise DevnetError(f"cannot execute the payload: {exc}") from exc
        return list(result.witness.values())

    def preimages_by_hash(self) -> Mapping[bytes, bytes]:
        """Every state node, code and header the chain holds, keyed by keccak256 (read-only)."""
        return MappingProxyType(self._nodes)

    def preimage(self, digest: bytes) -> bytes | None:
        """The state node, code or header whose keccak256 is ``digest`` (None if unknown)."""
        return self._nodes.get(digest)

    def add_preimages(self, store: PreimageStore, up_to: int | None = None) -> None:
        """Store headers, tx trie nodes, outputs, state nodes and code of blocks 0..``up_to``."""
        last = len(self.blocks) - 1 if up_to is None else up_to
        store.add_keccak_all(self._nodes.values())
        for block in self.blocks[: last + 1]:
            store.add_keccak(block.header.encode())
            store.add_keccak(block.output.encode())
            store.add_keccak_all(ordered_trie_root_and_nodes(list(block.transactions))[1])
