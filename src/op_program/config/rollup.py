"""Rollup config: the chain parameters derivation and execution depend on.

Spec: specs/protocol/derivation.md (protocol parameters), specs/protocol/configurability.md,
fjord/derivation.md (constant max sequencer drift, larger channel limits), granite/derivation.md
(channel timeout 50). Field names follow op-node's ``rollup.Config``; JSON parsing lives in
``config/rollup_json.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from op_program.config.hardforks import Fork, HardforkTimes

# Fjord makes the max sequencer drift a constant (fjord/derivation.md).
MAX_SEQUENCER_DRIFT_FJORD = 1800
# Channel limits (derivation.md "Channel Format", "Pruning"; raised by Fjord).
MAX_RLP_BYTES_PER_CHANNEL_BEDROCK = 10_000_000
MAX_RLP_BYTES_PER_CHANNEL_FJORD = 100_000_000
MAX_CHANNEL_BANK_SIZE_BEDROCK = 100_000_000
MAX_CHANNEL_BANK_SIZE_FJORD = 1_000_000_000
# Granite's channel timeout in L1 blocks (granite/derivation.md).
GRANITE_CHANNEL_TIMEOUT = 50
# A frame never exceeds this many bytes of data (derivation.md "Frame Format").
MAX_FRAME_LEN = 1_000_000
# Span batches cap the per-batch element counts at this value (delta/span-batches.md).
MAX_SPAN_BATCH_ELEMENT_COUNT = 10_000_000
DEFAULT_INTEROP_MESSAGE_EXPIRY_WINDOW = 3600

ZERO_ADDRESS = bytes(20)


@dataclass(frozen=True, slots=True)
class BlockId:
    """A block by hash and number (``eth.BlockID``)."""

    hash: bytes
    number: int


@dataclass(frozen=True, slots=True)
class GenesisSystemConfig:
    """The L1 SystemConfig values at the rollup genesis (specs/protocol/system-config.md).

    ``overhead`` and ``scalar`` are the raw 32-byte words; fields introduced by later forks are
    None when the config does not set them.
    """

    batcher_address: bytes
    overhead: bytes
    scalar: bytes
    gas_limit: int
    base_fee_scalar: int | None = None
    blob_base_fee_scalar: int | None = None
    eip1559_denominator: int | None = None
    eip1559_elasticity: int | None = None
    operator_fee_scalar: int | None = None
    operator_fee_constant: int | None = None
    min_base_fee: int | None = None
    da_footprint_gas_scalar: int | None = None


@dataclass(frozen=True, slots=True)
class Genesis:
    """The rollup genesis anchor: L1 origin, first L2 block, its time and system config."""

    l1: BlockId
    l2: BlockId
    l2_time: int
    system_config: GenesisSystemConfig


@dataclass(frozen=True, slots=True)
class BaseFeeConfig:
    """The chain's EIP-1559 parameters (op-geth ``optimism`` chain config; ``chain_op_config``)."""

    eip1559_elasticity: int = 6
    eip1559_denominator: int = 50
    eip1559_denominator_canyon: int = 250


@dataclass(frozen=True, slots=True)
class RollupConfig:
    """Everything op-node's ``rollup.Config`` holds that the fault proof program needs."""

    genesis: Genesis
    block_time: int
    max_sequencer_drift: int
    seq_window_size: int
    channel_timeout: int
    l1_chain_id: int
    l2_chain_id: int
    batch_inbox_address: bytes
    deposit_contract_address: bytes
    l1_system_config_address: bytes
    hardforks: HardforkTimes = field(default_factory=HardforkTimes)
    granite_channel_timeout: int = GRANITE_CHANNEL_TIMEOUT
    protocol_versions_address: bytes = ZERO_ADDRESS
    superchain_config_address: bytes | None = None
    da_challenge_address: bytes | None = None
    blobs_enabled_l1_timestamp: int | None = None
    interop_message_expiry_window: int = DEFAULT_INTEROP_MESSAGE_EXPIRY_WINDOW
    base_fee: BaseFeeConfig = field(default_factory=BaseFeeConfig)

    # -- fork predicates ------------------------------------------------------------------

    def is_active(self, fork: Fork, timestamp: int) -> bool:
        """Whether ``fork`` is active at the L2 (or L1, for L1-keyed rules) ``timestamp``."""
        return self.hardforks.is_active(fork, timestamp)

    def is_activation_block(self, fork: Fork, l2_timestamp: int) -> bool:
        """Whether the L2 block at ``l2_timestamp`` is the first block with ``fork`` active.

        Matches op-node ``Is<Fork>ActivationBlock``: the block before it (one block time
        earlier) must exist and not have the fork active.
        """
        return (
            self.is_active(fork, l2_timestamp)
            and l2_timestamp >= self.block_time
            and not self.is_active(fork, l2_timestamp - self.block_time)
        )

    def is_regolith(self, timestamp: int) -> bool:
        """Regolith rules active at ``timestamp``."""
        return self.is_active(Fork.REGOLITH, timestamp)

    def is_canyon(self, timestamp: int) -> bool:
        """Canyon rules active at ``timestamp``."""
        return self.is_active(Fork.CANYON, timestamp)

    def is_delta(self, timestamp: int) -> bool:
        """Delta rules (span batches) active at ``timestamp``."""
        return self.is_active(Fork.DELTA, timestamp)

    def is_ecotone(self, timestamp: int) -> bool:
        """Ecotone rules (blobs, new L1-info) active at ``timestamp``."""
        return self.is_active(Fork.ECOTONE, timestamp)

    def is_fjord(self, timestamp: int) -> bool:
        """Fjord rules (brotli, constant drift) active at ``timestamp``."""
        return self.is_active(Fork.FJORD, timestamp)

    def is_granite(self, timestamp: int) -> bool:
        """Granite rules (channel timeout 50) active at ``timestamp``."""
        return self.is_active(Fork.GRANITE, timestamp)

    def is_holocene(self, timestamp: int) -> bool:
        """Holocene rules (strict ordering, EIP-1559 params) active at ``timestamp``."""
        return self.is_active(Fork.HOLOCENE, timestamp)

    def is_pectra_blob_schedule(self, timestamp: int) -> bool:
        """The Pectra blob schedule fix active at the L1 origin ``timestamp``."""
        return self.is_active(Fork.PECTRA_BLOB_SCHEDULE, timestamp)

    def is_isthmus(self, timestamp: int) -> bool:
        """Isthmus rules active at ``timestamp``."""
        return self.is_active(Fork.ISTHMUS, timestamp)

    def is_jovian(self, timestamp: int) -> bool:
        """Jovian rules active at ``timestamp``."""
        return self.is_active(Fork.JOVIAN, timestamp)

    def is_karst(self, timestamp: int) -> bool:
        """Karst (experimental) rules active at ``timestamp``; only from its configured time."""
        return self.is_active(Fork.KARST, timestamp)

    def is_interop(self, timestamp: int) -> bool:
        """Interop rules active at ``timestamp``."""
        return self.is_active(Fork.INTEROP, timestamp)

    def is_regolith_activation_block(self, l2_timestamp: int) -> bool:
        """First Regolith block."""
        return self.is_activation_block(Fork.REGOLITH, l2_timestamp)

    def is_canyon_activation_block(self, l2_timestamp: int) -> bool:
        """First Canyon block."""
        return self.is_activation_block(Fork.CANYON, l2_timestamp)

    def is_delta_activation_block(self, l2_timestamp: int) -> bool:
        """First Delta block."""
        return self.is_activation_block(Fork.DELTA, l2_timestamp)

    def is_ecotone_activation_block(self, l2_timestamp: int) -> bool:
        """First Ecotone block (carries the Ecotone upgrade transactions)."""
        return self.is_activation_block(Fork.ECOTONE, l2_timestamp)

    def is_fjord_activation_block(self, l2_timestamp: int) -> bool:
        """First Fjord block (carries the Fjord upgrade transactions)."""
        return self.is_activation_block(Fork.FJORD, l2_timestamp)

    def is_granite_activation_block(self, l2_timestamp: int) -> bool:
        """First Granite block."""
        return self.is_activation_block(Fork.GRANITE, l2_timestamp)

    def is_holocene_activation_block(self, l2_timestamp: int) -> bool:
        """First Holocene block."""
        return self.is_activation_block(Fork.HOLOCENE, l2_timestamp)

    def is_isthmus_activation_block(self, l2_timestamp: int) -> bool:
        """First Isthmus block (carries the Isthmus upgrade transactions)."""
        return self.is_activation_block(Fork.ISTHMUS, l2_timestamp)

    def is_jovian_activation_block(self, l2_timestamp: int) -> bool:
        """First Jovian block (carries the Jovian upgrade transactions)."""
        return self.is_activation_block(Fork.JOVIAN, l2_timestamp)

    def is_karst_activation_block(self, l2_timestamp: int) -> bool:
        """First Karst block."""
        return self.is_activation_block(Fork.KARST, l2_timestamp)

    def is_interop_activation_block(self, l2_timestamp: int) -> bool:
        """First Interop block (carries the Interop upgrade transactions)."""
        return self.is_activation_block(Fork.INTEROP, l2_timestamp)

    # -- per-fork derived parameters ------------------------------------------------------

    def max_sequencer_drift_at(self, l1_origin_timestamp: int) -> int:
        """Max sequencer drift for an L1 origin time; Fjord makes it the constant 1800."""
        if self.is_fjord(l1_origin_timestamp):
            return MAX_SEQUENCER_DRIFT_FJORD
        return self.max_sequencer_drift

    def channel_timeout_at(self, l1_timestamp: int) -> int:
        """Channel timeout in L1 blocks for frames included at ``l1_timestamp`` (Granite: 50)."""
        if self.is_granite(l1_timestamp):
            return self.granite_channel_timeout
        return self.channel_timeout

    def max_rlp_bytes_per_channel(self, l1_timestamp: int) -> int:
        """Cap on decompressed channel bytes read for one channel (Fjord raises it)."""
        if self.is_fjord(l1_timestamp):
            return MAX_RLP_BYTES_PER_CHANNEL_FJORD
        return MAX_RLP_BYTES_PER_CHANNEL_BEDROCK

    def max_channel_bank_size(self, l1_timestamp: int) -> int:
        """Channel bank size above which the oldest channels are pruned (Fjord raises it)."""
        if self.is_fjord(l1_timestamp):
            return MAX_CHANNEL_BANK_SIZE_FJORD
        return MAX_CHANNEL_BANK_SIZE_BEDROCK

    def max_frame_len(self) -> int:
        """Largest frame data length accepted (derivation.md "Frame Format")."""
        return MAX_FRAME_LEN

    def eip1559_denominator_at(self, l2_timestamp: int) -> int:
        """The default EIP-1559 base fee max change denominator (Canyon switches value)."""
        if self.is_canyon(l2_timestamp):
            return self.base_fee.eip1559_denominator_canyon
        return self.base_fee.eip1559_denominator

    def is_alt_da_enabled(self) -> bool:
        """Alt-DA is configured (not supported by this program; derivation would differ)."""
        return self.da_challenge_address is not None and self.da_challenge_address != ZERO_ADDRESS

    def target_block_number(self, l2_timestamp: int) -> int:
        """The L2 block number that has ``l2_timestamp`` (no check that it is on the grid)."""
        return self.genesis.l2.number + (l2_timestamp - self.genesis.l2_time) // self.block_time
