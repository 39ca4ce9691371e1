import pytest

from op_program.derive.errors import CriticalError
from op_program.derive.l2_blocks import (
    genesis_system_config,
    l2_block_ref,
    system_config_of_block,
)
from op_program.protocol.system_config import SystemConfig, encode_ecotone_scalar

from .chain import BATCHER, L1Chain, header, l2_block_on
from .stubs import HOLO, rollup


def test_genesis_block_ref_and_config() -> None:
    cfg = rollup()
    g = cfg.genesis
    fake = header(g.l2.number, bytes(32), g.l2_time)
    with pytest.raises(CriticalError):
        l2_block_ref(cfg, fake, [])  # hash differs from the configured genesis hash
    sc = genesis_system_config(g.system_config)
    assert sc.batcher_address == g.system_config.batcher_address
    assert sc.gas_limit == g.system_config.gas_limit and sc.eip1559_params == bytes(8)


def test_ref_and_config_round_trip_through_the_l1_info_deposit() -> None:
    cfg = rollup(**HOLO)
    l1 = L1Chain(3)
    config = SystemConfig(
        BATCHER,
        bytes(32),
        encode_ecotone_scalar(7, 9),
        25_000_000,
        eip1559_params=bytes.fromhex("000000fa00000006"),
    )
    h, txs = l2_block_on(
        cfg,
        5,
        b"\x01" * 32,
        cfg.genesis.l2_time + 10,
        l1.headers[2],
        3,
        config,
        extra_data=bytes([0]) + bytes.fromhex("000000fa00000006"),
    )
    ref = l2_block_ref(cfg, h, txs)
    assert (ref.number, ref.l1_origin.number, ref.l1_origin.hash, ref.sequence_number) == (
        5,
        2,
        l1.headers[2].hash,
        3,
    )
    assert system_config_of_block(cfg, h, txs) == config


def test_bad_blocks_are_critical() -> None:
    cfg = rollup(**HOLO)
    l1 = L1Chain(3)
    config = SystemConfig(BATCHER, bytes(32), encode_ecotone_scalar(7, 9), 25_000_000)
    h, txs = l2_block_on(cfg, 5, b"\x01" * 32, cfg.genesis.l2_time + 10, l1.headers[2], 0, config)
    with pytest.raises(CriticalError):
        system_config_of_block(cfg, h, txs)  # Holocene block without valid extraData
    for bad in ([], [b"\x02\xc0"], [b"\x7e" + b"\xc0"], [txs[0][:-3]]):
        with pytest.raises(CriticalError):
            l2_block_ref(cfg, h, bad)
