from typing import Any

import pytest

from op_program.config.hardforks import Fork
from op_program.config.registry import L1_MAINNET
from op_program.config.rollup import BlockId
from op_program.derive.attributes_builder import (
    AttributesBuilder,
    eip1559_params,
    upgrade_transactions,
)
from op_program.derive.errors import CriticalError, ResetError
from op_program.derive.types import L2BlockRef
from op_program.protocol.deposits import encode_deposit_log_data
from op_program.protocol.l1_info import L1InfoFork, decode_l1_info
from op_program.protocol.predeploys import SEQUENCER_FEE_VAULT
from op_program.protocol.receipts import Log
from op_program.protocol.system_config import CONFIG_UPDATE_TOPIC, SystemConfig
from op_program.protocol.transactions import DepositTransaction, decode_transaction

from .chain import BATCHER, L1Chain, receipt
from .stubs import forks_at_genesis, rollup

PORTAL = b"\x44" * 20
SYSCFG = b"\x55" * 20
CONFIG = SystemConfig(BATCHER, bytes(32), bytes(31) + b"\x01", 30_000_000)
DEPOSIT = DepositTransaction(bytes(32), b"\x77" * 20, b"\x88" * 20, 5, 6, 100_000, False, b"hi")


def deposit_log() -> Log:
    topics, data = encode_deposit_log_data(DEPOSIT)
    return Log(PORTAL, topics, data)


def gas_limit_log(limit: int) -> Log:
    payload = (32).to_bytes(32, "big") + (32).to_bytes(32, "big") + limit.to_bytes(32, "big")
    return Log(SYSCFG, (CONFIG_UPDATE_TOPIC, bytes(32), (2).to_bytes(32, "big")), payload)


def world(**forks: Any) -> tuple[Any, L1Chain]:
    chain = L1Chain(4)
    chain.receipts[2] = [receipt([deposit_log(), gas_limit_log(40_000_000)]), receipt(status=0)]
    chain.seal()
    cfg = rollup(**forks)
    return cfg, chain


def parent_on(chain: L1Chain, number: int, seq: int, timestamp: int) -> L2BlockRef:
    origin = chain.headers[number]
    return L2BlockRef(b"\x99" * 32, 10, b"\x98" * 32, timestamp, BlockId(origin.hash, number), seq)


def test_first_block_of_epoch_has_deposits_and_updated_config() -> None:
    cfg, chain = world()
    builder = AttributesBuilder(cfg, L1_MAINNET, chain, {})
    parent = parent_on(chain, 1, 3, chain.headers[2].timestamp)
    epoch = BlockId(chain.headers[2].hash, 2)
    attrs = builder.prepare(parent, epoch, CONFIG)
    assert attrs.timestamp == parent.timestamp + 2
    assert attrs.gas_limit == 40_000_000  # the L1 block's SystemConfig update applies
    assert attrs.prev_randao == chain.headers[2].mix_hash
    assert attrs.suggested_fee_recipient == SEQUENCER_FEE_VAULT
    assert attrs.no_tx_pool and attrs.withdrawals is None and attrs.eip1559_params is None
    assert attrs.parent_beacon_block_root is None  # before Ecotone
    assert len(attrs.transactions) == 2
    info = decode_l1_info(decode_transaction(attrs.transactions[0]).data)
    assert (info.number, info.sequence_number, info.fork) == (2, 0, L1InfoFork.BEDROCK)
    user = decode_transaction(attrs.transactions[1])
    assert isinstance(user, DepositTransaction) and user.data == b"hi" and user.mint == 5


def test_same_epoch_increments_the_sequence_number_without_deposits() -> None:
    cfg, chain = world()
    builder = AttributesBuilder(cfg, L1_MAINNET, chain, {})
    parent = parent_on(chain, 2, 0, chain.headers[2].timestamp)
    attrs = builder.prepare(parent, parent.l1_origin, CONFIG)
    assert len(attrs.transactions) == 1 and attrs.gas_limit == 30_000_000
    info = decode_l1_info(decode_transaction(attrs.transactions[0]).data)
    assert info.sequence_number == 1


def test_epoch_not_following_the_parent_origin_is_a_reset() -> None:
    cfg, chain = world()
    builder = AttributesBuilder(cfg, L1_MAINNET, chain, {})
    parent = parent_on(chain, 1, 0, chain.headers[3].timestamp)
    with pytest.raises(ResetError):
        builder.prepare(parent, BlockId(chain.headers[3].hash, 3), CONFIG)
    with pytest.raises(ResetError):
        builder.prepare(parent, BlockId(chain.headers[2].hash, 1), CONFIG)


def test_l2_time_behind_l1_origin_is_a_reset() -> None:
    cfg, chain = world()
    builder = AttributesBuilder(cfg, L1_MAINNET, chain, {})
    parent = parent_on(chain, 1, 0, chain.headers[2].timestamp - 4)
    with pytest.raises(ResetError):
        builder.prepare(parent, BlockId(chain.headers[2].hash, 2), CONFIG)


def test_malformed_deposit_log_is_critical() -> None:
    cfg, chain = world()
    topics, data = encode_deposit_log_data(DEPOSIT)
    chain.receipts[2] = [receipt([Log(PORTAL, topics, data[:40])])]
    chain.seal()
    builder = AttributesBuilder(cfg, L1_MAINNET, chain, {})
    parent = parent_on(chain, 1, 0, chain.headers[2].timestamp)
    with pytest.raises(CriticalError):
        builder.prepare(parent, BlockId(chain.headers[2].hash, 2), CONFIG)


def test_ecotone_fields_and_activation_block_upgrades() -> None:
    cfg, chain = world()
    t = chain.headers[2].timestamp + 2
    cfg, chain = world(canyon_time=0, delta_time=0, ecotone_time=t)
    upgrades = {Fork.ECOTONE: lambda: [b"\x7eupgrade1", b"\x7eupgrade2"]}
    builder = AttributesBuilder(cfg, L1_MAINNET, chain, upgrades)
    parent = parent_on(chain, 2, 0, t - 2)
    attrs = builder.prepare(parent, parent.l1_origin, CONFIG)
    assert attrs.transactions[1:] == (b"\x7eupgrade1", b"\x7eupgrade2")
    assert attrs.withdrawals == ()
    assert attrs.parent_beacon_block_root == chain.headers[2].parent_beacon_block_root
    # the activation block still uses the Bedrock L1-info format
    info = decode_l1_info(decode_transaction(attrs.transactions[0]).data)
    assert info.fork is L1InfoFork.BEDROCK
    after = builder.prepare(parent_on(chain, 2, 1, t), parent.l1_origin, CONFIG)
    assert decode_l1_info(decode_transaction(after.transactions[0]).data).fork is L1InfoFork.ECOTONE
    assert len(after.transactions) == 1


def test_missing_upgrade_transactions_are_critical() -> None:
    cfg = rollup(canyon_time=0, delta_time=0, ecotone_time=1000)
    with pytest.raises(CriticalError):
        upgrade_transactions(cfg, 1000, {})
    assert upgrade_transactions(cfg, 1002, {}) == []


def test_holocene_eip1559_params() -> None:
    cfg = rollup(
        canyon_time=0,
        delta_time=0,
        ecotone_time=0,
        fjord_time=0,
        granite_time=0,
        holocene_time=2000,
    )
    config = SystemConfig(BATCHER, eip1559_params=bytes.fromhex("000000fa00000006"))
    assert eip1559_params(cfg, config, 1998) is None
    assert eip1559_params(cfg, config, 2000) == bytes(8)  # activation block: zero
    assert eip1559_params(cfg, config, 2002) == bytes.fromhex("000000fa00000006")


def test_jovian_min_base_fee() -> None:
    forks = forks_at_genesis("jovian")
    cfg, chain = world(**forks)
    builder = AttributesBuilder(cfg, L1_MAINNET, chain, {})
    parent = parent_on(chain, 2, 0, chain.headers[2].timestamp)
    config = SystemConfig(BATCHER, bytes(32), bytes([1]) + bytes(31), 30_000_000, min_base_fee=9)
    attrs = builder.prepare(parent, parent.l1_origin, config)
    assert attrs.min_base_fee == 9
    info = decode_l1_info(decode_transaction(attrs.transactions[0]).data)
    assert info.fork is L1InfoFork.JOVIAN


def test_default_upgrades_cover_every_upgrade_fork() -> None:
    from op_program.derive.attributes_builder import DEFAULT_UPGRADES, UPGRADE_FORKS

    counts = {fork: len(DEFAULT_UPGRADES[fork]()) for fork in UPGRADE_FORKS}
    assert counts == {
        Fork.ECOTONE: 6,
        Fork.FJORD: 3,
        Fork.ISTHMUS: 8,
        Fork.JOVIAN: 5,
        Fork.INTEROP: 4,
    }
    t = 1_000_000
    cfg = rollup(canyon_time=0, delta_time=0, ecotone_time=t, fjord_time=t + 2)
    ecotone = upgrade_transactions(cfg, t, DEFAULT_UPGRADES)
    assert len(ecotone) == 6 and all(tx[0] == 0x7E for tx in ecotone)
    assert len(upgrade_transactions(cfg, t + 2, DEFAULT_UPGRADES)) == 3
    both = rollup(canyon_time=0, delta_time=0, ecotone_time=t, fjord_time=t)
    assert len(upgrade_transactions(both, t, DEFAULT_UPGRADES)) == 9  # Ecotone's, then Fjord's


def test_interop_blocks_are_refused() -> None:
    forks = forks_at_genesis("interop")
    cfg, chain = world(**forks)
    builder = AttributesBuilder(cfg, L1_MAINNET, chain, {})
    parent = parent_on(chain, 2, 0, chain.headers[2].timestamp)
    with pytest.raises(CriticalError):
        builder.prepare(parent, parent.l1_origin, CONFIG)
