"""L2 genesis of the devnet: the alloc (predeploys, funded accounts), its header and the configs.

Spec: protocol/predeploys.md, protocol/configurability.md (rollup config), protocol/
superchain-upgrades.md (fork schedule), fault-proof/index.md "Bootstrapping" (custom chains
carry the L2 chain config and rollup config as JSON in local keys 6 and 7, the L1 chain config in
key 9). The chain ids are not those of any known network, so the program must read the configs
from the boot inputs. Delta is the earliest fork the devnet can start from: its genesis L1Block
is an implementation from the spec'd upgrade deposits (Ecotone's still has the Bedrock entry
point), and its proxies use PUSH0 (Shanghai, i.e. Canyon).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from op_program.config.chain_config import ChainConfig, l2_chain_config_from_rollup
from op_program.config.hardforks import Fork, HardforkTimes
from op_program.config.rollup import BlockId, Genesis, GenesisSystemConfig, RollupConfig
from op_program.config.rollup_json import validate_rollup_config
from op_program.devnet import predeploys as pd
from op_program.devnet.errors import DevnetError
from op_program.encoding.hashing import keccak256, sha256
from op_program.executor.base_fee import Eip1559Params, encode_extra_data
from op_program.mpt.account import EMPTY_CODE_HASH, Account, encode_storage_value
from op_program.mpt.builder import trie_root_and_nodes
from op_program.mpt.lookup import EMPTY_ROOT
from op_program.protocol import predeploys
from op_program.protocol.header import EMPTY_OMMERS_HASH, Header
from op_program.protocol.system_config import encode_ecotone_scalar

L1_CHAIN_ID = 900_901
L2_CHAIN_ID = 901_902
GENESIS_TIME = 1_750_000_000
L2_GAS_LIMIT = 30_000_000
GENESIS_BASE_FEE = 1_000_000_000
FORKS = ("regolith", "canyon", "delta", "ecotone", "fjord", "granite", "holocene", "isthmus",
         "jovian")  # fmt: skip
BEDROCK_SCALAR = (684_000).to_bytes(32, "big")
"""A version-0 fee scalar (pre-Ecotone chains; Ecotone reads it as the base fee scalar)."""
GPO_FLAG_FORKS = ("ecotone", "fjord", "isthmus", "jovian")
BATCH_INBOX = bytes.fromhex("ff00000000000000000000000000000000901902")
OPTIMISM_PORTAL = bytes.fromhex("de70000000000000000000000000000000000001")
SYSTEM_CONFIG = bytes.fromhex("5c00000000000000000000000000000000000001")


@dataclass(frozen=True, slots=True)
class GenesisAccount:
    """One genesis alloc entry."""

    balance: int = 0
    nonce: int = 0
    code: bytes = b""
    storage: Mapping[bytes, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class L2Genesis:
    """The L2 genesis block, its state preimages and the chain's configs."""

    header: Header
    preimages: tuple[bytes, ...]
    rollup: RollupConfig
    l2_chain_config: ChainConfig

    @property
    def l2_chain_config_json(self) -> dict[str, Any]:
        """The op-geth genesis ``config`` object (local key 6)."""
        return chain_config_json(self.l2_chain_config)


def fork_times(offsets: Mapping[str, int | None], genesis_time: int) -> HardforkTimes:
    """Fork activation times from offsets (seconds after genesis; None = not scheduled).

    Forks not named default to active at genesis; Ecotone must be active at genesis.

    Raises:
        DevnetError: an unknown fork, or Ecotone (or an earlier fork) not active at genesis.
    """
    unknown = set(offsets) - set(FORKS)
    if unknown:
        raise DevnetError(f"unknown fork(s): {', '.join(sorted(unknown))}")
    times = {f: offsets.get(f, 0) for f in FORKS}
    for early in FORKS[: FORKS.index("delta") + 1]:
        if times[early] != 0:
            raise DevnetError(f"the devnet starts at Delta: {early} must be active at genesis")
    return HardforkTimes(**{
        f"{f}_time": None if t is None else genesis_time + t for f, t in times.items()
    })  # fmt: skip


def _latest(hardforks: HardforkTimes, genesis_time: int, *candidates: str) -> str:
    for fork in reversed(candidates):
        time = getattr(hardforks, f"{fork}_time")
        if time is not None and time <= genesis_time:
            return fork
    return candidates[0]


def predeploy_alloc(hardforks: HardforkTimes, genesis_time: int) -> dict[bytes, GenesisAccount]:
    """The predeploys the protocol touches, as active at genesis."""
    codes = pd.implementation_codes()
    l1_block_fork = _latest(hardforks, genesis_time, "ecotone", "isthmus", "jovian")
    gpo_fork = _latest(hardforks, genesis_time, "ecotone", "fjord", "isthmus", "jovian")
    impls = {
        predeploys.L1_BLOCK: codes[(l1_block_fork, "l1_block")],
        predeploys.GAS_PRICE_ORACLE: codes[(gpo_fork, "gas_price_oracle")],
        predeploys.OPERATOR_FEE_VAULT: codes[("isthmus", "operator_fee_vault")],
    }
    # GasPriceOracle flags isEcotone, isFjord, isIsthmus, isJovian: packed bools in slot 0,
    # set as the upgrade deposits of the forks active at genesis would have set them.
    gpo_flags = sum(1 << (8 * index) for index, fork in enumerate(GPO_FLAG_FORKS)
                    if hardforks.is_active(Fork(fork), genesis_time))  # fmt: skip
    alloc: dict[bytes, GenesisAccount] = {}
    for proxy, code in impls.items():
        impl = keccak256(b"devnet implementation" + proxy)[12:]
        alloc[impl] = GenesisAccount(nonce=1, code=code)
        storage = {pd.IMPLEMENTATION_SLOT: int.from_bytes(impl, "big")}
        if proxy == predeploys.GAS_PRICE_ORACLE:
            storage[bytes(32)] = gpo_flags
        alloc[proxy] = GenesisAccount(code=pd.proxy_code(), storage=storage)
    alloc[predeploys.L2_TO_L1_MESSAGE_PASSER] = GenesisAccount(code=pd.MESSAGE_PASSER_CODE)
    if hardforks.is_active(Fork.ECOTONE, genesis_time):  # else its upgrade deposit deploys it
        beacon_roots = codes[("ecotone", "beacon_roots")]
        alloc[predeploys.BEACON_ROOTS] = GenesisAccount(nonce=1, code=beacon_roots)
    if _latest(hardforks, genesis_time, "ecotone", "isthmus") == "isthmus":
        history_storage = codes[("isthmus", "history_storage")]
        alloc[predeploys.HISTORY_STORAGE] = GenesisAccount(nonce=1, code=history_storage)
    return alloc


def state_trie(alloc: Mapping[bytes, GenesisAccount]) -> tuple[bytes, list[bytes], bytes]:
    """The state root, every node and code preimage, and the message-passer storage root."""
    preimages: list[bytes] = []
    leaves = []
    passer_root = EMPTY_ROOT
    for address, account in alloc.items():
        storage = [(keccak256(slot), encode_storage_value(v)) for slot, v in account.storage.items()
                   if v]  # fmt: skip
        storage_root, nodes = trie_root_and_nodes(storage)
        preimages.extend(nodes)
        if account.code:
            preimages.append(account.code)
        code_hash = keccak256(account.code) if account.code else EMPTY_CODE_HASH
        encoded = Account(account.nonce, account.balance, storage_root, code_hash).encode()
        leaves.append((keccak256(address), encoded))
        if address == predeploys.L2_TO_L1_MESSAGE_PASSER:
            passer_root = storage_root
    root, nodes = trie_root_and_nodes(leaves)
    preimages.extend(nodes)
    return root, preimages, passer_root


def genesis_header(rollup_forks: HardforkTimes, time: int, state_root: bytes,
                   passer_root: bytes) -> Header:  # fmt: skip
    """The L2 genesis header with the fields of the forks active at genesis."""
    ecotone = rollup_forks.is_active(Fork.ECOTONE, time)
    isthmus = rollup_forks.is_active(Fork.ISTHMUS, time)
    jovian = rollup_forks.is_active(Fork.JOVIAN, time)
    holocene = rollup_forks.is_active(Fork.HOLOCENE, time)
    return Header(
        parent_hash=bytes(32), ommers_hash=EMPTY_OMMERS_HASH, coinbase=bytes(20),
        state_root=state_root, transactions_root=EMPTY_ROOT, receipts_root=EMPTY_ROOT,
        logs_bloom=bytes(256), difficulty=0, number=0, gas_limit=L2_GAS_LIMIT, gas_used=0,
        timestamp=time,
        extra_data=encode_extra_data(Eip1559Params(250, 6), jovian) if holocene else b"",
        mix_hash=bytes(32), nonce=bytes(8), base_fee_per_gas=GENESIS_BASE_FEE,
        withdrawals_root=passer_root if isthmus else EMPTY_ROOT,
        blob_gas_used=0 if ecotone else None, excess_blob_gas=0 if ecotone else None,
        parent_beacon_block_root=bytes(32) if ecotone else None,
        requests_hash=sha256(b"") if isthmus else None,
    )  # fmt: skip


def chain_config_json(config: ChainConfig) -> dict[str, Any]:
    """A geth-style chain config object (inverse of ``parse_chain_config``)."""
    out: dict[str, Any] = {"chainId": config.chain_id}
    out.update(dict(config.block_forks))
    out.update(dict(config.time_forks))
    if config.optimism is not None:
        out["optimism"] = {
            "eip1559Elasticity": config.optimism.eip1559_elasticity,
            "eip1559Denominator": config.optimism.eip1559_denominator,
            "eip1559DenominatorCanyon": config.optimism.eip1559_denominator_canyon,
        }
    if config.blob_schedule:
        out["blobSchedule"] = {
            name: {"target": p.target, "max": p.max,
                   "baseFeeUpdateFraction": p.base_fee_update_fraction}
            for name, p in config.blob_schedule
        }  # fmt: skip
    return out


@dataclass(frozen=True, slots=True)
class ChainParams:
    """The rollup parameters a scenario may choose."""

    batcher: bytes
    l1_genesis: BlockId
    l1_chain_id: int = L1_CHAIN_ID
    fork_offsets: Mapping[str, int | None] = field(default_factory=dict)
    seq_window_size: int = 20
    channel_timeout: int = 50
    max_sequencer_drift: int = 600
    block_time: int = 2
    funded: Mapping[bytes, int] = field(default_factory=dict)


def build_genesis(params: ChainParams, genesis_time: int = GENESIS_TIME) -> L2Genesis:
    """Build the L2 genesis state, header, rollup config and L2 chain config."""
    hardforks = fork_times(params.fork_offsets, genesis_time)
    alloc = predeploy_alloc(hardforks, genesis_time)
    for address, balance in params.funded.items():
        alloc[address] = GenesisAccount(balance=balance)
    state_root, preimages, passer_root = state_trie(alloc)
    ecotone = hardforks.is_active(Fork.ECOTONE, genesis_time)
    header = genesis_header(hardforks, genesis_time, state_root, passer_root)
    system_config = GenesisSystemConfig(
        batcher_address=params.batcher, overhead=bytes(32),
        scalar=encode_ecotone_scalar(1368, 810_949) if ecotone else BEDROCK_SCALAR,
        gas_limit=L2_GAS_LIMIT, base_fee_scalar=1368 if ecotone else None,
        blob_base_fee_scalar=810_949 if ecotone else None,
    )  # fmt: skip
    rollup = RollupConfig(
        genesis=Genesis(params.l1_genesis, BlockId(header.hash, 0), genesis_time, system_config),
        block_time=params.block_time, max_sequencer_drift=params.max_sequencer_drift,
        seq_window_size=params.seq_window_size, channel_timeout=params.channel_timeout,
        l1_chain_id=params.l1_chain_id, l2_chain_id=L2_CHAIN_ID, batch_inbox_address=BATCH_INBOX,
        deposit_contract_address=OPTIMISM_PORTAL, l1_system_config_address=SYSTEM_CONFIG,
        granite_channel_timeout=params.channel_timeout, hardforks=hardforks,
    )  # fmt: skip
    validate_rollup_config(rollup)
    return L2Genesis(header, tuple(preimages), rollup, l2_chain_config_from_rollup(rollup))
