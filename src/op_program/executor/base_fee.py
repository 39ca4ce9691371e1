"""Base fee and EIP-1559 parameters of OP blocks: extraData checks and the next base fee.

Spec: specs/protocol/exec-engine.md#1559-parameters (Bedrock elasticity 6, denominator 50;
Canyon denominator 250), holocene/exec-engine.md#dynamic-eip-1559-parameters (``extraData`` =
``0x00 ‖ u32 denominator ‖ u32 elasticity``, read from the parent header),
jovian/exec-engine.md#minimum-base-fee (version 1 adds ``u64 minBaseFee``; the base fee update
meters ``max(gasUsed, blobGasUsed)``). The ``extraData`` layout itself is protocol/extra_data.py;
``Eip1559Params`` and ``encode_extra_data`` are re-exported from there.
"""

from op_program.executor.errors import InvalidAttributesError
from op_program.protocol import extra_data
from op_program.protocol.extra_data import Eip1559Params as Eip1559Params
from op_program.protocol.extra_data import encode_extra_data as encode_extra_data


def decode_eip1559_params(params: bytes) -> tuple[int, int]:
    """Split the 8-byte payload-attributes ``eip1559Params`` into (denominator, elasticity).

    Raises:
        InvalidAttributesError: not 8 bytes, or a zero denominator with a non-zero elasticity.
    """
    if len(params) != 8:
        raise InvalidAttributesError(f"eip1559Params must be 8 bytes, got {len(params)}")
    denominator = int.from_bytes(params[:4], "big")
    elasticity = int.from_bytes(params[4:], "big")
    if denominator == 0 and elasticity != 0:
        raise InvalidAttributesError("eip1559Params: zero denominator with non-zero elasticity")
    return denominator, elasticity


def decode_extra_data(extra: bytes, jovian: bool) -> Eip1559Params:
    """Read the EIP-1559 parameters from a Holocene or Jovian header's ``extraData``.

    Raises:
        InvalidAttributesError: wrong version or length, or a zero denominator.
    """
    try:
        params = extra_data.decode_extra_data(extra, jovian)
    except extra_data.ExtraDataDecodeError as exc:
        version = extra_data.JOVIAN_VERSION if jovian else extra_data.HOLOCENE_VERSION
        raise InvalidAttributesError(
            f"parent extraData 0x{extra.hex()} is not version {version}"
        ) from exc
    if params.denominator == 0:
        raise InvalidAttributesError("parent extraData has a zero denominator")
    return params


def next_base_fee(
    parent_base_fee: int, parent_gas_limit: int, parent_gas_used: int, params: Eip1559Params
) -> int:
    """EIP-1559 base fee of the child block, clamped below by ``params.min_base_fee``.

    Raises:
        InvalidAttributesError: a zero elasticity or a gas target of zero.
    """
    if params.elasticity == 0 or parent_gas_limit // params.elasticity == 0:
        raise InvalidAttributesError("EIP-1559 elasticity gives a zero gas target")
    target = parent_gas_limit // params.elasticity
    if parent_gas_used == target:
        fee = parent_base_fee
    elif parent_gas_used > target:
        delta = parent_base_fee * (parent_gas_used - target) // target // params.denominator
        fee = parent_base_fee + max(delta, 1)
    else:
        delta = parent_base_fee * (target - parent_gas_used) // target // params.denominator
        fee = max(parent_base_fee - delta, 0)
    return max(fee, params.min_base_fee)
