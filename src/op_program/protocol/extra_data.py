"""EIP-1559 parameters in an L2 header's ``extraData``: the Holocene and Jovian codec.

Spec: specs/protocol/holocene/exec-engine.md#dynamic-eip-1559-parameters (version 0:
``0x00 ‖ u32 denominator ‖ u32 elasticity``, 9 bytes) and
specs/protocol/jovian/exec-engine.md#minimum-base-fee (version 1 appends ``u64 minBaseFee``,
17 bytes). Only the layout is checked here; callers add their own rules (the executor rejects a
zero denominator in a parent header, derivation reads the parameters back as they are).
"""

from dataclasses import dataclass

from op_program.protocol.errors import ProtocolDecodeError

HOLOCENE_VERSION = 0
JOVIAN_VERSION = 1
HOLOCENE_EXTRA_DATA_LEN = 9
JOVIAN_EXTRA_DATA_LEN = 17


class ExtraDataDecodeError(ProtocolDecodeError):
    """An ``extraData`` of the wrong length or version for the block's fork."""


@dataclass(frozen=True, slots=True)
class Eip1559Params:
    """The base fee parameters a block commits to (``min_base_fee`` from Jovian, else 0)."""

    denominator: int
    elasticity: int
    min_base_fee: int = 0

    @property
    def packed(self) -> bytes:
        """The 8-byte ``u32 denominator ‖ u32 elasticity`` form (attributes, system config)."""
        return self.denominator.to_bytes(4, "big") + self.elasticity.to_bytes(4, "big")


def encode_extra_data(params: Eip1559Params, jovian: bool) -> bytes:
    """The header ``extraData`` of a Holocene (version 0) or Jovian (version 1) block."""
    if jovian:
        return bytes((JOVIAN_VERSION,)) + params.packed + params.min_base_fee.to_bytes(8, "big")
    return bytes((HOLOCENE_VERSION,)) + params.packed


def decode_extra_data(extra: bytes, jovian: bool) -> Eip1559Params:
    """Read the EIP-1559 parameters from a Holocene (``jovian`` false) or Jovian ``extraData``.

    Raises:
        ExtraDataDecodeError: the length or version byte is not the fork's.
    """
    want_len, version = (
        (JOVIAN_EXTRA_DATA_LEN, JOVIAN_VERSION)
        if jovian
        else (HOLOCENE_EXTRA_DATA_LEN, HOLOCENE_VERSION)
    )
    if len(extra) != want_len or extra[0] != version:
        raise ExtraDataDecodeError(f"extraData 0x{extra.hex()} is not version {version}")
    denominator = int.from_bytes(extra[1:5], "big")
    elasticity = int.from_bytes(extra[5:9], "big")
    min_base_fee = int.from_bytes(extra[9:17], "big") if jovian else 0
    return Eip1559Params(denominator, elasticity, min_base_fee)
