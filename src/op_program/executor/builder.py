"""Block building: execute payload attributes on a parent header into the exact OP block.

Spec: specs/protocol/exec-engine.md (engine API, deposits first, fee vaults), canyon (empty
withdrawals root, create2deployer), ecotone (EIP-4788 beacon roots call, blob gas fields 0),
holocene (extraData from ``eip1559Params``), isthmus (EIP-2935 history call, withdrawals root =
L2ToL1MessagePasser storage root, requestsHash = sha256("")), jovian (min base fee, DA
footprint in blobGasUsed). The result carries the output root (protocol/proposals.md).
"""

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from op_program.config.rollup import RollupConfig
from op_program.encoding.hashing import keccak256
from op_program.executor import block_header
from op_program.executor.errors import InvalidAttributesError, InvalidTransactionError
from op_program.executor.evm_backend import EvmBackend
from op_program.executor.evm_types import EMPTY_ROOT, BlockEnv
from op_program.executor.fees.l1_cost import da_footprint, read_l1_fee_params
from op_program.executor.precompiles import PrecompileAccelerator
from op_program.executor.rules import block_rules
from op_program.executor.source import StateSource, VerifiedSource
from op_program.executor.system import apply_system_calls
from op_program.executor.transactions import (
    BlockContext,
    apply_deposit,
    apply_user_transaction,
    decode,
)
from op_program.mpt.account import Account
from op_program.mpt.lookup import trie_get
from op_program.mpt.ordered import ordered_trie_root
from op_program.protocol.attributes import PayloadAttributes
from op_program.protocol.header import Header
from op_program.protocol.output_root import output_root_v0
from op_program.protocol.predeploys import L1_BLOCK, L2_TO_L1_MESSAGE_PASSER
from op_program.protocol.receipts import Receipt, logs_bloom
from op_program.protocol.transactions import DepositTransaction

BLOCKHASH_WINDOW = 256


@dataclass(frozen=True, slots=True)
class BlockResult:
    """A built block: its header, receipts, output root and the preimages involved.

    ``new_nodes`` maps hash → value for every trie node and code the block created (later
    blocks need them); ``witness`` maps hash → value for every preimage that was fetched.
    """

    header: Header
    receipts: tuple[Receipt, ...]
    transactions: tuple[bytes, ...]
    new_nodes: Mapping[bytes, bytes]
    witness: Mapping[bytes, bytes]
    message_passer_storage_root: bytes | None = None

    @property
    def block_hash(self) -> bytes:
        """The hash of the built block."""
        return self.header.hash

    def output_root(self, node_by_hash: Callable[[bytes], bytes]) -> bytes:
        """The L2 output root of this block (protocol/proposals.md, version 0).

        From Isthmus the message-passer storage root is in the header. Before, it is read
        from the new state: nodes the block created first, then ``node_by_hash``.

        Raises:
            MissingStateError: a state node on the way is unavailable.
            TrieDecodeError: a malformed state node.
        """
        storage_root = self.message_passer_storage_root
        if storage_root is None:
            storage_root = _storage_root_of(
                self.header.state_root, L2_TO_L1_MESSAGE_PASSER, self.new_nodes, node_by_hash
            )
        return output_root_v0(self.header.state_root, storage_root, self.header.hash)


def _storage_root_of(
    state_root: bytes, address: bytes, new_nodes: Mapping[bytes, bytes],
    node_by_hash: Callable[[bytes], bytes],
) -> bytes:
    def lookup(node_hash: bytes) -> bytes:
        node = new_nodes.get(node_hash)
        return node if node is not None else node_by_hash(node_hash)

    raw = trie_get(state_root, keccak256(address), lookup)
    return EMPTY_ROOT if raw is None else Account.decode(raw).storage_root


def _ancestor_hashes(parent: Header, source: VerifiedSource) -> Iterator[bytes]:
    """Yield the hashes of the parent, grandparent, … (BLOCKHASH), fetching lazily.

    Like geth's ``GetHashFn``, a header is fetched only to learn *its* parent's hash, and only
    when that older hash is asked for, so the witness holds no header it does not need.
    """
    yield parent.hash
    header = parent
    for depth in range(1, BLOCKHASH_WINDOW):
        if header.number == 0:
            return
        yield header.parent_hash
        if depth == BLOCKHASH_WINDOW - 1:
            return
        header = Header.decode(source.header(header.parent_hash))


def _execute(ctx: BlockContext, txs: tuple[bytes, ...]) -> tuple[list[Receipt], int, int]:
    """Apply every transaction; return receipts, gas used and the DA footprint (Jovian)."""
    receipts: list[Receipt] = []
    cumulative = footprint = 0
    for index, raw in enumerate(txs):
        tx = decode(index, raw)
        if isinstance(tx, DepositTransaction):
            applied = apply_deposit(ctx, tx, cumulative, index)
        else:
            if ctx.rules.jovian:
                footprint += _da_footprint(ctx.backend, raw)
                if footprint > ctx.gas_limit:
                    raise InvalidTransactionError(index, "block DA footprint over the gas limit")
            applied = apply_user_transaction(ctx, tx, raw, cumulative, index)
        cumulative += applied.gas_used
        receipts.append(applied.receipt)
    return receipts, cumulative, footprint


def _da_footprint(backend: EvmBackend, raw: bytes) -> int:
    """Jovian DA footprint of one user transaction, with the scalar L1Block holds now."""
    scalar = read_l1_fee_params(
        lambda slot: backend.get_storage(L1_BLOCK, slot), True, True
    ).da_footprint_gas_scalar
    return da_footprint(raw, scalar)


def build_block(
    config: RollupConfig,
    parent: Header,
    attributes: PayloadAttributes,
    source: StateSource,
    accelerator: PrecompileAccelerator | None = None,
) -> BlockResult:
    """Build the L2 block that op-geth builds from ``attributes`` on top of ``parent``.

    Raises:
        InvalidAttributesError: the attributes cannot make a valid block (an
            ``InvalidTransactionError`` names the transaction and the rule it breaks).
        MissingStateError: the state source lacks a needed trie node, code or header.
        WrongPreimageError: the state source returned bytes that do not hash to the key.
    """
    rules = block_rules(config, attributes.timestamp)
    fields = block_header.header_fields(config, parent, attributes, rules)
    verified = VerifiedSource(source)
    env = BlockEnv(
        revision=rules.revision, coinbase=attributes.suggested_fee_recipient,
        number=parent.number + 1, timestamp=attributes.timestamp, gas_limit=fields.gas_limit,
        base_fee=fields.base_fee, prev_randao=attributes.prev_randao, chain_id=config.l2_chain_id,
        ancestor_hashes=_ancestor_hashes(parent, verified),
        precompile_rules=rules.precompiles,
    )
    backend = EvmBackend(verified, parent.state_root, env, accelerator)
    apply_system_calls(backend, rules, parent, attributes)
    txs = attributes.transactions
    ctx = BlockContext(backend, rules, fields.base_fee, fields.gas_limit, config.l2_chain_id)
    receipts, gas_used, blob_gas_used = _execute(ctx, txs)
    state_root = backend.state_root()
    # Before Isthmus op-geth never reads this account, so its nodes may be absent here.
    passer_root = backend.storage_root(L2_TO_L1_MESSAGE_PASSER) if rules.isthmus else None
    new_nodes = backend.persist()
    header = block_header.seal(
        fields, parent, attributes, rules,
        block_header.Roots(
            state_root=state_root,
            transactions_root=ordered_trie_root(list(txs)),
            receipts_root=ordered_trie_root([r.encode_for_trie() for r in receipts]),
            logs_bloom=logs_bloom(log for r in receipts for log in r.logs),
            withdrawals_root=passer_root or EMPTY_ROOT,
        ),
        gas_used, blob_gas_used,
    )
    if gas_used > fields.gas_limit:
        raise InvalidAttributesError("block gas used exceeds the gas limit")
    return BlockResult(
        header=header, receipts=tuple(receipts), transactions=txs, new_nodes=new_nodes,
        witness=dict(verified.fetched), message_passer_storage_root=passer_root,
    )
