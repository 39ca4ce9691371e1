import pytest

from op_program.protocol.l1_info import (
    BEDROCK_SYSTEM_TX_GAS,
    DEFAULT_DA_FOOTPRINT_GAS_SCALAR,
    L1BlockRefInfo,
    L1InfoDecodeError,
    L1InfoFork,
    build_l1_block_info,
    decode_l1_info,
    l1_info_deposit,
    l1_info_fork,
)
from op_program.protocol.system_config import (
    SystemConfig,
    SystemConfigScalarError,
    encode_ecotone_scalar,
)

BLOCK = L1BlockRefInfo(number=7, time=1000, base_fee=30, block_hash=b"\xab" * 32)
CONFIG = SystemConfig(
    batcher_address=b"\x01" * 20,
    overhead=(188).to_bytes(32, "big"),
    scalar=encode_ecotone_scalar(1368, 810949),
    operator_fee_params=bytes(20) + (5).to_bytes(4, "big") + (6).to_bytes(8, "big"),
)


def test_format_selection_activation_blocks_use_previous_format() -> None:
    assert l1_info_fork(False, False, False) is L1InfoFork.BEDROCK
    assert l1_info_fork(True, False, False) is L1InfoFork.ECOTONE
    assert l1_info_fork(True, True, False) is L1InfoFork.ISTHMUS
    assert l1_info_fork(True, True, True) is L1InfoFork.JOVIAN
    # Ecotone activation block keeps Bedrock even if later forks are also "on"
    assert l1_info_fork(False, True, True) is L1InfoFork.BEDROCK


@pytest.mark.parametrize("fork", list(L1InfoFork))
def test_build_encode_decode_round_trip(fork: L1InfoFork) -> None:
    info = build_l1_block_info(fork, BLOCK, 3, CONFIG)
    data = info.encode()
    assert len(data) == fork.length and data[:4] == fork.selector
    assert decode_l1_info(data) == info
    if fork is not L1InfoFork.BEDROCK:
        assert (info.base_fee_scalar, info.blob_base_fee_scalar, info.blob_base_fee) == (
            1368, 810949, 1
        )
    if fork in (L1InfoFork.ISTHMUS, L1InfoFork.JOVIAN):
        assert (info.operator_fee_scalar, info.operator_fee_constant) == (5, 6)
    if fork is L1InfoFork.JOVIAN:
        assert info.da_footprint_gas_scalar == DEFAULT_DA_FOOTPRINT_GAS_SCALAR


def test_pre_regolith_deposit_is_a_system_tx_with_150m_gas() -> None:
    tx = l1_info_deposit(build_l1_block_info(L1InfoFork.BEDROCK, BLOCK, 0, CONFIG), False)
    assert tx.is_system_tx and tx.gas == BEDROCK_SYSTEM_TX_GAS


def test_bedrock_decode_rejects_dirty_padding() -> None:
    data = bytearray(build_l1_block_info(L1InfoFork.BEDROCK, BLOCK, 0, CONFIG).encode())
    data[4] = 1  # high byte of the uint64 number word
    with pytest.raises(L1InfoDecodeError):
        decode_l1_info(bytes(data))


def test_ecotone_scalar_rules() -> None:
    legacy = SystemConfig(b"\x00" * 20, scalar=(0xA6FE0).to_bytes(32, "big"))
    assert legacy.ecotone_scalars() == (0, 0xA6FE0)
    dirty = SystemConfig(b"\x00" * 20, scalar=b"\x00" + b"\x01" * 31)
    assert dirty.ecotone_scalars() == (0, 2**32 - 1)
    unknown = SystemConfig(b"\x00" * 20, scalar=b"\x02" + bytes(31))
    with pytest.raises(SystemConfigScalarError):
        unknown.ecotone_scalars()
    with pytest.raises(SystemConfigScalarError):
        build_l1_block_info(L1InfoFork.ECOTONE, BLOCK, 0, unknown)
