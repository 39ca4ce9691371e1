"""Synthetic chains for executor unit tests: pre-states, parent headers, signed transactions."""

from collections.abc import Callable, Mapping

from coincurve import PrivateKey

from op_program.config.hardforks import HardforkTimes
from op_program.config.rollup import BlockId, Genesis, GenesisSystemConfig, RollupConfig
from op_program.encoding.hashing import keccak256
from op_program.executor.base_fee import Eip1559Params, encode_extra_data
from op_program.executor.builder import BlockResult, build_block
from op_program.executor.evm_backend import EvmBackend
from op_program.executor.evm_types import EMPTY_ROOT, BlockEnv, EvmRevision
from op_program.executor.precompiles import PrecompileRules
from op_program.executor.source import MappingStateSource, VerifiedSource
from op_program.mpt.account import Account
from op_program.mpt.lookup import trie_get
from op_program.protocol import predeploys
from op_program.protocol.attributes import PayloadAttributes
from op_program.protocol.header import EMPTY_OMMERS_HASH, Header
from op_program.protocol.transactions import DepositTransaction, DynamicFeeTransaction

CHAIN_ID = 901
GAS_LIMIT = 30_000_000
PARENT_BASE_FEE = 1_000_000
T0 = 1_700_000_000
FEE_RECIPIENT = predeploys.SEQUENCER_FEE_VAULT
L1_BLOCK = predeploys.L1_BLOCK
KEY = PrivateKey(b"\x11" * 32)
SENDER = keccak256(KEY.public_key.format(compressed=False)[1:])[12:]
ALICE = bytes.fromhex("00000000000000000000000000000000000a11ce")
DEPOSITOR = predeploys.L1_INFO_DEPOSITOR


def config(**times: int | None) -> RollupConfig:
    """A rollup config with every fork up to Holocene at genesis, overridable by keyword."""
    forks: dict[str, int | None] = dict(
        regolith_time=0, canyon_time=0, delta_time=0, ecotone_time=0, fjord_time=0,
        granite_time=0, holocene_time=0,
    )
    forks.update(times)
    zero = bytes(32)
    return RollupConfig(
        genesis=Genesis(BlockId(zero, 0), BlockId(zero, 0), 0,
                        GenesisSystemConfig(bytes(20), zero, zero, GAS_LIMIT)),
        block_time=2, max_sequencer_drift=600, seq_window_size=3600, channel_timeout=300,
        l1_chain_id=1, l2_chain_id=CHAIN_ID, batch_inbox_address=bytes(20),
        deposit_contract_address=bytes(20), l1_system_config_address=bytes(20),
        hardforks=HardforkTimes(**forks),
    )


def make_state(setup: Callable[[EvmBackend], None]) -> tuple[bytes, dict[bytes, bytes]]:
    """Run ``setup`` on an empty state; return the state root and every node it created."""
    env = BlockEnv(
        revision=EvmRevision.PRAGUE, coinbase=bytes(20), number=0, timestamp=0,
        gas_limit=GAS_LIMIT, base_fee=0, prev_randao=bytes(32), chain_id=CHAIN_ID,
        ancestor_hashes=iter(()), precompile_rules=PrecompileRules(),
    )
    backend = EvmBackend(VerifiedSource(MappingStateSource({})), EMPTY_ROOT, env)
    setup(backend)
    root = backend.state_root()
    return root, backend.persist()


def funded(balance: int = 10**21, l1_base_fee: int = 0, scalars: int = 0,
           extra: Callable[[EvmBackend], None] | None = None
           ) -> tuple[bytes, dict[bytes, bytes]]:
    """A state where SENDER and DEPOSITOR hold ``balance`` and L1Block has fee parameters."""
    def setup(backend: EvmBackend) -> None:
        backend.add_balance(SENDER, balance)
        backend.add_balance(DEPOSITOR, balance)
        backend.set_code(L1_BLOCK, b"\x00")
        backend.set_storage(L1_BLOCK, 1, l1_base_fee)
        backend.set_storage(L1_BLOCK, 3, scalars)
        backend.set_storage(L1_BLOCK, 7, 1)
        if extra is not None:
            extra(backend)
    return make_state(setup)


def parent_header(state_root: bytes, timestamp: int = T0, gas_used: int = GAS_LIMIT // 6,
                  jovian: bool = False, blob_gas_used: int = 0) -> Header:
    """A Holocene (or Jovian) parent whose gas use keeps the base fee unchanged."""
    return Header(
        parent_hash=b"\x01" * 32, ommers_hash=EMPTY_OMMERS_HASH, coinbase=FEE_RECIPIENT,
        state_root=state_root, transactions_root=EMPTY_ROOT, receipts_root=EMPTY_ROOT,
        logs_bloom=bytes(256), difficulty=0, number=100, gas_limit=GAS_LIMIT,
        gas_used=gas_used, timestamp=timestamp,
        extra_data=encode_extra_data(Eip1559Params(250, 6, 0), jovian), mix_hash=bytes(32),
        nonce=bytes(8), base_fee_per_gas=PARENT_BASE_FEE, withdrawals_root=EMPTY_ROOT,
        blob_gas_used=blob_gas_used, excess_blob_gas=0, parent_beacon_block_root=bytes(32),
        requests_hash=None,
    )


def attributes(txs: list[bytes], timestamp: int = T0 + 2, params: bytes = bytes.fromhex(
        "000000fa00000006"), min_base_fee: int | None = None) -> PayloadAttributes:
    """Payload attributes on top of ``parent_header``."""
    return PayloadAttributes(
        timestamp=timestamp, prev_randao=b"\x22" * 32, suggested_fee_recipient=FEE_RECIPIENT,
        parent_beacon_block_root=b"\x33" * 32, gas_limit=GAS_LIMIT, transactions=tuple(txs),
        eip1559_params=params, min_base_fee=min_base_fee,
    )


def build(cfg: RollupConfig, parent: Header, attrs: PayloadAttributes,
          preimages: Mapping[bytes, bytes]) -> BlockResult:
    """Build a block over ``preimages``."""
    return build_block(cfg, parent, attrs, MappingStateSource(preimages))


def account(result: BlockResult, preimages: Mapping[bytes, bytes], address: bytes) -> Account:
    """The account at ``address`` in the built block's state."""
    def node(h: bytes) -> bytes:
        value = result.new_nodes.get(h)
        return value if value is not None else preimages[h]
    raw = trie_get(result.header.state_root, keccak256(address), node)
    return Account(0, 0) if raw is None else Account.decode(raw)


def deposit(to: bytes | None, data: bytes = b"", gas: int = 100_000, mint: int = 0,
            value: int = 0, sender: bytes = DEPOSITOR, is_system: bool = False,
            source: bytes = b"\x44" * 32) -> bytes:
    """An encoded deposit transaction."""
    return DepositTransaction(source, sender, to, mint, value, gas, is_system, data).encode()


def user_tx(nonce: int, to: bytes | None, data: bytes = b"", gas: int = 100_000,
            value: int = 0, max_fee: int = 2 * PARENT_BASE_FEE, tip: int = 1_000,
            chain_id: int = CHAIN_ID) -> bytes:
    """An EIP-1559 transaction signed by SENDER."""
    def make(v: int, r: int, s: int) -> DynamicFeeTransaction:
        return DynamicFeeTransaction(
            chain_id=chain_id, nonce=nonce, max_priority_fee_per_gas=tip, max_fee_per_gas=max_fee,
            gas=gas, to=to, value=value, data=data, access_list=(), y_parity=v, r=r, s=s,
        )

    sig = KEY.sign_recoverable(make(0, 0, 0).signing_hash(), hasher=None)
    r, s = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:64], "big")
    return make(sig[64], r, s).encode()
