from op_program.protocol.blob_fee import (
    BLOB_BASE_FEE_UPDATE_FRACTION_CANCUN,
    BLOB_BASE_FEE_UPDATE_FRACTION_PRAGUE,
    blob_base_fee,
    fake_exponential,
    update_fraction,
)


def test_fake_exponential_known_values() -> None:
    # EIP-4844 reference: e**(x) approximations with factor 1
    assert fake_exponential(1, 0, 1) == 1
    assert fake_exponential(38493, 0, 1000) == 38493
    assert fake_exponential(1, 2, 1) == 6  # e**2 ~ 7.39 truncated by the series
    assert fake_exponential(1, 10_000_000, BLOB_BASE_FEE_UPDATE_FRACTION_CANCUN) == 19


def test_blob_base_fee_defaults_to_one_without_blob_gas() -> None:
    assert blob_base_fee(None, BLOB_BASE_FEE_UPDATE_FRACTION_CANCUN) == 1
    assert blob_base_fee(0, BLOB_BASE_FEE_UPDATE_FRACTION_PRAGUE) == 1


def test_pectra_blob_schedule_selects_fraction_by_l1_origin_time() -> None:
    assert update_fraction(99, True, 100) == BLOB_BASE_FEE_UPDATE_FRACTION_CANCUN
    assert update_fraction(100, False, 100) == BLOB_BASE_FEE_UPDATE_FRACTION_PRAGUE
    assert update_fraction(5, True, None) == BLOB_BASE_FEE_UPDATE_FRACTION_PRAGUE
    assert update_fraction(5, False, None) == BLOB_BASE_FEE_UPDATE_FRACTION_CANCUN
