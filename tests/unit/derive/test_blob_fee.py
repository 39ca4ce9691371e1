import pytest

from op_program.config.chain_config import CANCUN_BLOBS, PRAGUE_BLOBS, BlobParams, ChainConfig
from op_program.config.registry import L1_MAINNET, L1_SEPOLIA
from op_program.derive.blob_fee import blob_base_fee, blob_params, fake_exponential

from .chain import header
from .stubs import rollup

PRAGUE_MAINNET = 1_746_612_311
PRAGUE_SEPOLIA = 1_741_159_776


@pytest.mark.parametrize(
    ("factor", "numerator", "denominator", "expected"),
    [
        (1, 0, 1, 1),
        (38493, 0, 1000, 38493),
        (0, 1234, 2345, 0),
        (1, 2, 1, 6),
        (1, 4, 2, 6),
        (1, 3, 1, 16),
        (1, 6, 2, 18),
        (1, 4, 1, 49),
        (1, 5, 1, 136),
        (1, 5, 2, 11),
        (2, 5, 2, 23),
        (1, 50_000_000, 2_225_652, 5_709_098_764),
    ],
)
def test_fake_exponential_vectors(
    factor: int, numerator: int, denominator: int, expected: int
) -> None:
    assert fake_exponential(factor, numerator, denominator) == expected


def test_schedule_by_l1_fork() -> None:
    cfg = rollup()
    assert blob_params(cfg, L1_MAINNET, PRAGUE_MAINNET - 1) == CANCUN_BLOBS
    assert blob_params(cfg, L1_MAINNET, PRAGUE_MAINNET) == PRAGUE_BLOBS
    assert blob_params(cfg, L1_MAINNET, 1_765_290_071).base_fee_update_fraction == 8_346_193
    assert blob_params(cfg, L1_MAINNET, 1_767_747_671).max == 21


def test_pectra_blob_schedule_keeps_cancun_until_its_time() -> None:
    cfg = rollup(pectra_blob_schedule_time=PRAGUE_SEPOLIA + 1000)
    assert blob_params(cfg, L1_SEPOLIA, PRAGUE_SEPOLIA + 999) == CANCUN_BLOBS
    assert blob_params(cfg, L1_SEPOLIA, PRAGUE_SEPOLIA + 1000) == PRAGUE_BLOBS


def test_configured_schedule_overrides_defaults() -> None:
    l1 = ChainConfig(1, (), (("cancunTime", 0),), None, (("cancun", BlobParams(1, 2, 100)),))
    assert blob_params(rollup(), l1, 5) == BlobParams(1, 2, 100)


def test_blob_base_fee() -> None:
    h = header(1, bytes(32), PRAGUE_MAINNET, excess_blob_gas=5_007_716)
    assert blob_base_fee(rollup(), L1_MAINNET, h) == 2
    assert (
        blob_base_fee(
            rollup(),
            L1_MAINNET,
            header(
                1,
                bytes(32),
                0,
                excess_blob_gas=None,
                blob_gas_used=None,
                parent_beacon_block_root=None,
            ),
        )
        == 1
    )
