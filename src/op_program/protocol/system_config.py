"""The L2 system config tracked from L1, and its update logs (system-config.md).

Spec: https://specs.optimism.io/protocol/system-config.html and the Ecotone, Holocene,
Isthmus and Jovian ``system-config.md`` additions. ``ConfigUpdate(uint256 indexed version,
uint8 indexed updateType, bytes data)`` logs of the SystemConfig contract, in successful L1
receipts, update the config in order. As op-node's ``UpdateSystemConfigWithL1Receipts``, each
log is applied atomically: a malformed one leaves the config unchanged and is reported (the
caller turns reported errors into a critical derivation error).
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace

from op_program.encoding.hashing import keccak256
from op_program.protocol.deposits import LogLike, ReceiptLike
from op_program.protocol.errors import ProtocolDecodeError

CONFIG_UPDATE_EVENT_ABI = "ConfigUpdate(uint256,uint8,bytes)"
CONFIG_UPDATE_TOPIC = keccak256(CONFIG_UPDATE_EVENT_ABI.encode())
CONFIG_UPDATE_VERSION_0 = bytes(32)

UPDATE_BATCHER = 0
UPDATE_FEE_SCALARS = 1
UPDATE_GAS_LIMIT = 2
UPDATE_UNSAFE_BLOCK_SIGNER = 3
UPDATE_EIP1559_PARAMS = 4
UPDATE_OPERATOR_FEE_PARAMS = 5
UPDATE_MIN_BASE_FEE = 6
UPDATE_DA_FOOTPRINT_GAS_SCALAR = 7

L1_SCALAR_BEDROCK = 0
L1_SCALAR_ECOTONE = 1
_MAX_U32 = (1 << 32) - 1


class SystemConfigLogError(ProtocolDecodeError):
    """A ConfigUpdate log that is malformed (wrong topics, version, type or data)."""


class SystemConfigScalarError(ProtocolDecodeError):
    """A fee scalar word with an unknown version or non-zero padding."""


@dataclass(frozen=True, slots=True)
class SystemConfig:
    """The system config values derivation uses (op-node ``eth.SystemConfig``)."""

    batcher_address: bytes
    overhead: bytes = bytes(32)
    scalar: bytes = bytes(32)
    gas_limit: int = 0
    eip1559_params: bytes = bytes(8)
    operator_fee_params: bytes = bytes(32)
    min_base_fee: int = 0
    da_footprint_gas_scalar: int = 0

    @property
    def eip1559_denominator(self) -> int:
        """Holocene EIP-1559 denominator (0 means "use the chain default")."""
        return int.from_bytes(self.eip1559_params[0:4], "big")

    @property
    def eip1559_elasticity(self) -> int:
        """Holocene EIP-1559 elasticity multiplier."""
        return int.from_bytes(self.eip1559_params[4:8], "big")

    @property
    def operator_fee_scalar(self) -> int:
        """Isthmus operator fee scalar (bytes 20..24 of the params word)."""
        return int.from_bytes(self.operator_fee_params[20:24], "big")

    @property
    def operator_fee_constant(self) -> int:
        """Isthmus operator fee constant (bytes 24..32 of the params word)."""
        return int.from_bytes(self.operator_fee_params[24:32], "big")

    def ecotone_scalars(self) -> tuple[int, int]:
        """Return ``(blob_base_fee_scalar, base_fee_scalar)`` from the scalar word.

        A version-0 word with non-zero padding yields ``(0, 2**32 - 1)`` (the spec's rule).

        Raises:
            SystemConfigScalarError: unknown version, or bad version-1 padding.
        """
        scalar = self.scalar
        if scalar[0] == L1_SCALAR_BEDROCK and any(scalar[1:28]):
            return 0, _MAX_U32
        check_ecotone_scalar(scalar)
        if scalar[0] == L1_SCALAR_BEDROCK:
            return 0, int.from_bytes(scalar[28:32], "big")
        return int.from_bytes(scalar[24:28], "big"), int.from_bytes(scalar[28:32], "big")


def check_ecotone_scalar(scalar: bytes) -> None:
    """Check a fee scalar word's version and padding (op-node ``CheckEcotoneL1SystemConfigScalar``).

    Raises:
        SystemConfigScalarError: unknown version or non-zero padding.
    """
    if scalar[0] == L1_SCALAR_BEDROCK:
        if any(scalar[1:28]):
            raise SystemConfigScalarError("bedrock scalar padding not empty")
    elif scalar[0] == L1_SCALAR_ECOTONE:
        if any(scalar[1:24]):
            raise SystemConfigScalarError("invalid version 1 scalar padding")
    else:
        raise SystemConfigScalarError(f"unrecognized scalar version: {scalar[0]}")


def encode_ecotone_scalar(base_fee_scalar: int, blob_base_fee_scalar: int) -> bytes:
    """Return the version-1 fee scalar word."""
    return (
        bytes([L1_SCALAR_ECOTONE])
        + bytes(23)
        + blob_base_fee_scalar.to_bytes(4, "big")
        + base_fee_scalar.to_bytes(4, "big")
    )


def encode_eip1559_params(denominator: int, elasticity: int) -> bytes:
    """Return the 8-byte Holocene EIP-1559 params: ``u32 denominator ‖ u32 elasticity``."""
    return denominator.to_bytes(4, "big") + elasticity.to_bytes(4, "big")


def encode_operator_fee_params(scalar: int, constant: int) -> bytes:
    """Return the Isthmus operator fee params word: 20 zero bytes ‖ u32 scalar ‖ u64 constant."""
    return bytes(20) + scalar.to_bytes(4, "big") + constant.to_bytes(8, "big")


def _payload(data: bytes, length: int) -> bytes:
    """Check ``abi.encode(bytes)`` framing (pointer 32, given length) and return the payload."""
    if len(data) < 64 or any(data[0:24]) or int.from_bytes(data[24:32], "big") != 32:
        raise SystemConfigLogError("invalid pointer field")
    if any(data[32:56]) or int.from_bytes(data[56:64], "big") != length:
        raise SystemConfigLogError("invalid length field")
    if len(data) < 64 + length:
        raise SystemConfigLogError("could not read update payload")
    if len(data) > 64 + length:
        raise SystemConfigLogError("too many bytes")
    return data[64:]


def _uint(word: bytes, size: int, what: str) -> int:
    """Read a right-aligned ABI integer of ``size`` bytes whose padding must be zero."""
    if any(word[: 32 - size]):
        raise SystemConfigLogError(f"could not read {what}")
    return int.from_bytes(word[32 - size :], "big")


def _apply_fee_scalars(config: SystemConfig, payload: bytes, ecotone: bool) -> SystemConfig:
    overhead, scalar = payload[0:32], payload[32:64]
    if not ecotone:
        return replace(config, overhead=overhead, scalar=scalar)
    try:
        check_ecotone_scalar(scalar)
    except SystemConfigScalarError:
        return config  # op-node ignores invalid scalars and keeps the old ones
    return replace(config, overhead=bytes(32), scalar=scalar)


def _check_eip1559_params(params: bytes) -> None:
    denominator = int.from_bytes(params[0:4], "big")
    elasticity = int.from_bytes(params[4:8], "big")
    if denominator == 0 and elasticity != 0:
        raise SystemConfigLogError("invalid EIP-1559 params: zero denominator, non-zero elasticity")


def apply_config_update(config: SystemConfig, log: LogLike, ecotone: bool) -> SystemConfig:
    """Apply one ConfigUpdate log (``ecotone``: Ecotone is active at the L1 block's time).

    Raises:
        SystemConfigLogError: the log is malformed; ``config`` is to be kept unchanged.
    """
    topics = log.topics
    if len(topics) != 3:
        raise SystemConfigLogError(f"expected 3 event topics, got {len(topics)}")
    if topics[0] != CONFIG_UPDATE_TOPIC:
        raise SystemConfigLogError("invalid SystemConfig update event")
    if topics[1] != CONFIG_UPDATE_VERSION_0:
        raise SystemConfigLogError(f"unknown SystemConfig event version: 0x{topics[1].hex()}")
    if any(topics[2][:31]) or len(topics[2]) != 32:
        raise SystemConfigLogError(f"unknown SystemConfig event type: 0x{topics[2].hex()}")
    kind = topics[2][31]
    data = log.data
    if kind == UPDATE_BATCHER:
        word = _payload(data, 32)
        if any(word[:12]):
            raise SystemConfigLogError("could not read address")
        return replace(config, batcher_address=word[12:32])
    if kind == UPDATE_FEE_SCALARS:
        return _apply_fee_scalars(config, _payload(data, 64), ecotone)
    if kind == UPDATE_GAS_LIMIT:
        return replace(config, gas_limit=_uint(_payload(data, 32), 8, "gas limit"))
    if kind == UPDATE_UNSAFE_BLOCK_SIGNER:
        return config  # not used by derivation (op-node ignores the data)
    if kind == UPDATE_EIP1559_PARAMS:
        params = _payload(data, 32)[24:32]
        _check_eip1559_params(params)
        return replace(config, eip1559_params=params)
    if kind == UPDATE_OPERATOR_FEE_PARAMS:
        return replace(config, operator_fee_params=_payload(data, 32))
    if kind == UPDATE_MIN_BASE_FEE:
        return replace(config, min_base_fee=_uint(_payload(data, 32), 8, "min base fee"))
    if kind == UPDATE_DA_FOOTPRINT_GAS_SCALAR:
        scalar = _uint(_payload(data, 32), 2, "DA footprint gas scalar")
        return replace(config, da_footprint_gas_scalar=scalar)
    raise SystemConfigLogError(f"unknown SystemConfig event type: {kind}")


def update_with_receipts(
    config: SystemConfig,
    receipts: Iterable[ReceiptLike],
    system_config_address: bytes,
    ecotone: bool,
) -> tuple[SystemConfig, list[SystemConfigLogError]]:
    """Apply every ConfigUpdate log of the successful receipts of one L1 block, in order.

    Returns the updated config and the errors of the logs that were skipped; op-node treats a
    non-empty error list as a critical derivation error.
    """
    errors: list[SystemConfigLogError] = []
    for receipt in receipts:
        if receipt.status != 1:
            continue
        for log in receipt.logs:
            if log.address != system_config_address or not log.topics:
                continue
            if log.topics[0] != CONFIG_UPDATE_TOPIC:
                continue
            try:
                config = apply_config_update(config, log, ecotone)
            except SystemConfigLogError as exc:
                errors.append(exc)
    return config, errors
