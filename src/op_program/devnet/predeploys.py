"""Predeploy code of the devnet's L2 genesis: proxies, the spec'd implementations, system contracts.

Spec: protocol/predeploys.md (addresses, the ERC-1967 proxies in front of L1Block and
GasPriceOracle), ecotone/isthmus/jovian ``derivation.md`` "Network upgrade automation
transactions" (implementation deployments, ``upgradeTo`` from the zero address), EIP-4788 and
EIP-2935 (system contracts). Implementation runtime code is obtained by running the spec'd
deployment deposits with our executor on an empty state, so no bytecode is copied here beyond the
protocol package data. The proxy and the message-passer are small contracts written for the
devnet: the proxy keeps the real upgrade path (``upgradeTo`` from address zero, delegatecall
otherwise); the message passer records ``keccak256(calldata)`` in storage, so a withdrawal
changes its storage root (and the output root) as the real one does.
"""

from collections.abc import Mapping
from functools import cache

from op_program.config.hardforks import HardforkTimes
from op_program.config.rollup import BlockId, Genesis, GenesisSystemConfig, RollupConfig
from op_program.devnet.errors import DevnetError
from op_program.encoding.hashing import keccak256
from op_program.executor.base_fee import Eip1559Params, encode_extra_data
from op_program.executor.builder import build_block
from op_program.executor.source import MappingStateSource
from op_program.mpt.account import Account
from op_program.mpt.lookup import EMPTY_ROOT, trie_get
from op_program.protocol.attributes import PayloadAttributes
from op_program.protocol.header import EMPTY_OMMERS_HASH, Header
from op_program.protocol.predeploys import SEQUENCER_FEE_VAULT
from op_program.protocol.upgrades import create_address, upgrade_transactions

IMPLEMENTATION_SLOT = bytes.fromhex(
    "360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc"
)
"""ERC-1967 implementation slot: keccak256("eip1967.proxy.implementation") - 1."""


# Which contracts each fork's upgrade deposits create, in deployment order.
_CREATED = {
    "ecotone": ("l1_block", "gas_price_oracle", "beacon_roots"),
    "fjord": ("gas_price_oracle",),
    "isthmus": ("l1_block", "gas_price_oracle", "operator_fee_vault", "history_storage"),
    "jovian": ("l1_block", "gas_price_oracle"),
}


def proxy_code() -> bytes:
    """Runtime code of the devnet proxy (ERC-1967 slot; admin path for the zero address).

    caller == 0: ``sstore(IMPLEMENTATION_SLOT, calldataload(4))`` (the ``upgradeTo`` argument);
    otherwise delegatecall the implementation with the calldata and return or revert its data.
    """
    slot = b"\x7f" + IMPLEMENTATION_SLOT
    delegate = (
        b"\x36\x5f\x5f\x37"  # calldatacopy(0, 0, calldatasize)
        + b"\x5f\x5f\x36\x5f" + slot + b"\x54\x5a\xf4"  # delegatecall(gas, impl, 0, cds, 0, 0)
        + b"\x3d\x5f\x5f\x3e"  # returndatacopy(0, 0, returndatasize)
    )
    head_len = 5  # caller iszero push1 <admin> jumpi
    ok = head_len + len(delegate) + 3 + 3  # after "push1 <ok> jumpi" and "rds push0 revert"
    admin = ok + 4  # after "jumpdest rds push0 return"
    code = b"\x33\x15\x60" + bytes((admin,)) + b"\x57" + delegate
    code += b"\x60" + bytes((ok,)) + b"\x57" + b"\x3d\x5f\xfd"
    code += b"\x5b\x3d\x5f\xf3"
    code += b"\x5b\x60\x04\x35" + slot + b"\x55\x00"
    return code


MESSAGE_PASSER_CODE = bytes.fromhex("365f5f37365f20600190555f5ff3")
"""sentMessages[keccak256(calldata)] = 1, then return: a withdrawal's storage footprint."""


def _bootstrap_config() -> RollupConfig:
    sc = GenesisSystemConfig(bytes(20), bytes(32), bytes(32), 60_000_000)
    return RollupConfig(
        genesis=Genesis(BlockId(bytes(32), 0), BlockId(bytes(32), 0), 0, sc), block_time=2,
        max_sequencer_drift=600, seq_window_size=10, channel_timeout=50, l1_chain_id=1,
        l2_chain_id=1, batch_inbox_address=b"\x01" * 20, deposit_contract_address=b"\x02" * 20,
        l1_system_config_address=b"\x03" * 20,
        hardforks=HardforkTimes(regolith_time=0, canyon_time=0, delta_time=0, ecotone_time=0,
                                fjord_time=0, granite_time=0, holocene_time=0, isthmus_time=0,
                                jovian_time=0),
    )  # fmt: skip


@cache
def implementation_codes() -> Mapping[tuple[str, str], bytes]:
    """Runtime code by (fork, contract) of every implementation the upgrade deposits deploy.

    Raises:
        DevnetError: a deployment did not leave code behind.
    """
    parent = Header(
        bytes(32), EMPTY_OMMERS_HASH, bytes(20), EMPTY_ROOT, EMPTY_ROOT, EMPTY_ROOT, bytes(256),
        0, 0, 60_000_000, 0, 0, encode_extra_data(Eip1559Params(250, 6), True), bytes(32),
        bytes(8), 1, EMPTY_ROOT, 0, 0, bytes(32), keccak256(b""),
    )  # fmt: skip
    deposits = [tx for fork in _CREATED for tx in upgrade_transactions(fork)]
    attributes = PayloadAttributes(
        timestamp=2, prev_randao=bytes(32), suggested_fee_recipient=SEQUENCER_FEE_VAULT,
        parent_beacon_block_root=bytes(32), gas_limit=60_000_000,
        transactions=tuple(tx.encode() for tx in deposits), eip1559_params=bytes(8),
        min_base_fee=0, withdrawals=(),
    )  # fmt: skip
    source = MappingStateSource({EMPTY_ROOT: b"\x80"})
    result = build_block(_bootstrap_config(), parent, attributes, source)
    nodes = dict(result.new_nodes)
    codes: dict[tuple[str, str], bytes] = {}
    for fork, names in _CREATED.items():
        creators = [tx.from_address for tx in upgrade_transactions(fork) if tx.to is None]
        for name, creator in zip(names, creators, strict=True):
            raw = trie_get(result.header.state_root, keccak256(create_address(creator)),
                           nodes.__getitem__)  # fmt: skip
            code = nodes.get(Account.decode(raw).code_hash) if raw else None
            if not code:
                raise DevnetError(f"{fork} {name} deployment left no code")
            codes[(fork, name)] = code
    return codes
