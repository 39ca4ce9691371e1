"""Attributes builder: the payload attributes of the L2 block after a parent, for an epoch.

Spec: specs/protocol/derivation.md, "Deriving Payload Attributes" (L1-info deposit, user deposits
in the first block of an epoch, upgrade transactions, then batch transactions; timestamp,
prevRandao, fee recipient, gas limit, withdrawals from Canyon); ecotone (parent beacon root);
holocene/derivation.md "Attributes Builder" (eip1559Params, zero on the activation block);
jovian (minBaseFee). Matches op-node ``FetchingAttributesBuilder`` and kona's stateful builder.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from op_program.config.chain_config import ChainConfig
from op_program.config.hardforks import Fork
from op_program.config.rollup import BlockId, RollupConfig
from op_program.derive.blob_fee import blob_base_fee
from op_program.derive.errors import CriticalError, ResetError
from op_program.derive.providers import L1ChainProvider
from op_program.derive.types import L2BlockRef
from op_program.errors import DecodeError
from op_program.protocol.attributes import PayloadAttributes
from op_program.protocol.deposits import user_deposits
from op_program.protocol.header import Header
from op_program.protocol.l1_info import (
    L1BlockRefInfo,
    build_l1_block_info,
    l1_info_deposit,
    l1_info_fork,
)
from op_program.protocol.predeploys import SEQUENCER_FEE_VAULT
from op_program.protocol.receipts import Receipt, decode_receipt
from op_program.protocol.system_config import SystemConfig, update_with_receipts
from op_program.protocol.upgrades import upgrade_transactions as protocol_upgrade_transactions

UPGRADE_FORKS = (Fork.ECOTONE, Fork.FJORD, Fork.ISTHMUS, Fork.JOVIAN, Fork.INTEROP)

UpgradeTransactions = Mapping[Fork, Callable[[], Sequence[bytes]]]
"""Per fork, the raw network-upgrade deposit transactions of its activation block."""


def _protocol_upgrades(fork: Fork) -> Callable[[], Sequence[bytes]]:
    return lambda: [tx.encode() for tx in protocol_upgrade_transactions(fork.value)]


DEFAULT_UPGRADES: UpgradeTransactions = {fork: _protocol_upgrades(fork) for fork in UPGRADE_FORKS}
"""The upgrade transactions of ``protocol/upgrades`` for every fork that has some."""


def decode_receipts(raw: Sequence[bytes]) -> list[Receipt]:
    """Decode an L1 block's receipts (L1 data is consensus-valid; failure is critical)."""
    try:
        return [decode_receipt(r) for r in raw]
    except DecodeError as exc:
        raise CriticalError(f"L1 receipt does not decode: {exc}") from exc


def derive_user_deposits(
    rollup: RollupConfig, block_hash: bytes, receipts: Sequence[Receipt]
) -> list[bytes]:
    """The user deposit transactions requested by an L1 block's successful receipts.

    Raises:
        CriticalError: a deposit log of the portal does not decode (op-node behaviour).
    """
    deposits, errors = user_deposits(receipts, rollup.deposit_contract_address, block_hash)
    if errors:
        raise CriticalError(f"failed to derive some deposits: {errors[0]}")
    return [deposit.encode() for deposit in deposits]


def upgrade_transactions(
    rollup: RollupConfig, l2_timestamp: int, upgrades: UpgradeTransactions
) -> list[bytes]:
    """Network-upgrade transactions of the block at ``l2_timestamp``, in fork order.

    Raises:
        CriticalError: the block activates a fork whose upgrade transactions are not provided.
    """
    out: list[bytes] = []
    for fork in UPGRADE_FORKS:
        if rollup.is_activation_block(fork, l2_timestamp):
            source = upgrades.get(fork)
            if source is None:
                raise CriticalError(f"no upgrade transactions known for {fork.value}")
            out.extend(source())
    return out


def eip1559_params(rollup: RollupConfig, config: SystemConfig, l2_timestamp: int) -> bytes | None:
    """The eip1559Params attribute: none before Holocene, zero on its activation block."""
    if not rollup.is_holocene(l2_timestamp):
        return None
    if rollup.is_holocene_activation_block(l2_timestamp):
        return bytes(8)
    return config.eip1559_params


class AttributesBuilder:
    """Builds payload attributes from the L1 origin and the parent's system config."""

    __slots__ = ("_rollup", "_l1_config", "_l1", "_upgrades")

    def __init__(
        self,
        rollup: RollupConfig,
        l1_config: ChainConfig,
        l1: L1ChainProvider,
        upgrades: UpgradeTransactions,
    ) -> None:
        self._rollup = rollup
        self._l1_config = l1_config
        self._l1 = l1
        self._upgrades = upgrades

    def _epoch_inputs(
        self, parent: L2BlockRef, epoch: BlockId, config: SystemConfig
    ) -> tuple[Header, int, list[bytes], SystemConfig]:
        """L1 origin header, sequence number, user deposits and the updated system config."""
        if parent.l1_origin.number != epoch.number:
            header = self._l1.header_by_hash(epoch.hash)
            if header.parent_hash != parent.l1_origin.hash:
                raise ResetError(
                    f"epoch {epoch.number} does not extend the parent's origin "
                    f"{parent.l1_origin.number}"
                )
            _, raw = self._l1.receipts_by_hash(epoch.hash)
            receipts = decode_receipts(raw)
            deposits = derive_user_deposits(self._rollup, epoch.hash, receipts)
            config, errors = update_with_receipts(
                config, receipts, self._rollup.l1_system_config_address,
                self._rollup.is_ecotone(header.timestamp),
            )  # fmt: skip
            if errors:
                raise CriticalError(f"failed to apply system config updates: {errors[0]}")
            return header, 0, deposits, config
        if parent.l1_origin.hash != epoch.hash:
            raise ResetError(f"epoch {epoch.number} hash does not match the parent's origin")
        return self._l1.header_by_hash(epoch.hash), parent.sequence_number + 1, [], config

    def _l1_info_tx(
        self, header: Header, sequence_number: int, config: SystemConfig, l2_timestamp: int
    ) -> bytes:
        rollup = self._rollup
        fork = l1_info_fork(
            rollup.is_ecotone(l2_timestamp)
            and not rollup.is_ecotone_activation_block(l2_timestamp),
            rollup.is_isthmus(l2_timestamp)
            and not rollup.is_isthmus_activation_block(l2_timestamp),
            rollup.is_jovian(l2_timestamp) and not rollup.is_jovian_activation_block(l2_timestamp),
        )
        ref = L1BlockRefInfo(
            number=header.number,
            time=header.timestamp,
            base_fee=header.base_fee_per_gas or 0,
            block_hash=header.hash,
            blob_base_fee=blob_base_fee(rollup, self._l1_config, header),
        )
        try:
            info = build_l1_block_info(fork, ref, sequence_number, config)
        except DecodeError as exc:
            raise CriticalError(f"cannot build the L1-info deposit: {exc}") from exc
        return l1_info_deposit(info, rollup.is_regolith(l2_timestamp)).encode()

    def prepare(
        self, parent: L2BlockRef, epoch: BlockId, parent_config: SystemConfig
    ) -> PayloadAttributes:
        """The attributes of the block after ``parent`` with L1 origin ``epoch`` (no batch txs).

        Raises:
            ResetError: the epoch does not follow the parent's origin, or L2 time would fall
                behind L1 time.
            CriticalError: malformed deposits, system config updates or fee scalars; an
                Interop block (not supported).
        """
        rollup = self._rollup
        header, sequence_number, deposits, config = self._epoch_inputs(parent, epoch, parent_config)
        timestamp = parent.timestamp + rollup.block_time
        if rollup.is_interop(timestamp):
            # Interop adds deposit-context transactions this builder does not produce yet.
            raise CriticalError("derivation of Interop blocks is not supported")
        if timestamp < header.timestamp:
            raise ResetError(f"L2 time {timestamp} is before its L1 origin time {header.timestamp}")
        transactions = [
            self._l1_info_tx(header, sequence_number, config, timestamp),
            *deposits,
            *upgrade_transactions(rollup, timestamp, self._upgrades),
        ]
        return PayloadAttributes(
            timestamp=timestamp,
            prev_randao=header.mix_hash,
            suggested_fee_recipient=SEQUENCER_FEE_VAULT,
            parent_beacon_block_root=(header.parent_beacon_block_root or bytes(32))
            if rollup.is_ecotone(timestamp)
            else None,
            gas_limit=config.gas_limit,
            transactions=tuple(transactions),
            no_tx_pool=True,
            eip1559_params=eip1559_params(rollup, config, timestamp),
            min_base_fee=config.min_base_fee if rollup.is_jovian(timestamp) else None,
            withdrawals=() if rollup.is_canyon(timestamp) else None,
        )
