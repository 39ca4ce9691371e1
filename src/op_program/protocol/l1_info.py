"""The L1-info deposit: the first transaction of every L2 block, per fork (l1-attributes.md).

Spec: https://specs.optimism.io/protocol/deposits.html#l1-attributes-deposited-transaction and
the ``l1-attributes.md`` of Ecotone, Isthmus and Jovian. Calldata formats: Bedrock
``setL1BlockValues`` (ABI, 260 bytes), Ecotone ``setL1BlockValuesEcotone`` (packed, 164),
Isthmus ``setL1BlockValuesIsthmus`` (176), Jovian ``setL1BlockValuesJovian`` (178). A fork's
activation block still uses the previous format (the L1Block contract is upgraded in it).
"""

import enum
from dataclasses import dataclass

from op_program.protocol.deposits import l1_info_deposit_source_hash
from op_program.protocol.errors import ProtocolDecodeError
from op_program.protocol.predeploys import L1_BLOCK, L1_INFO_DEPOSITOR
from op_program.protocol.system_config import SystemConfig
from op_program.protocol.transactions import DepositTransaction

REGOLITH_SYSTEM_TX_GAS = 1_000_000
BEDROCK_SYSTEM_TX_GAS = 150_000_000
DEFAULT_DA_FOOTPRINT_GAS_SCALAR = 400


class L1InfoFork(enum.Enum):
    """The calldata format of the L1-info deposit."""

    BEDROCK = (bytes.fromhex("015d8eb9"), 260)
    ECOTONE = (bytes.fromhex("440a5e20"), 164)
    ISTHMUS = (bytes.fromhex("098999be"), 176)
    JOVIAN = (bytes.fromhex("3db6be2b"), 178)

    @property
    def selector(self) -> bytes:
        """The 4-byte function selector."""
        return self.value[0]

    @property
    def length(self) -> int:
        """The exact calldata length."""
        return self.value[1]


class L1InfoDecodeError(ProtocolDecodeError):
    """L1-info calldata with a missing or unknown selector, a wrong length or bad padding."""


@dataclass(frozen=True, slots=True)
class L1BlockInfo:
    """The values the L1-info deposit sets in the L1Block contract (fields unused by a fork: 0)."""

    fork: L1InfoFork
    number: int
    time: int
    base_fee: int
    block_hash: bytes
    sequence_number: int
    batcher_address: bytes
    l1_fee_overhead: bytes = bytes(32)
    l1_fee_scalar: bytes = bytes(32)
    blob_base_fee: int = 0
    base_fee_scalar: int = 0
    blob_base_fee_scalar: int = 0
    operator_fee_scalar: int = 0
    operator_fee_constant: int = 0
    da_footprint_gas_scalar: int = 0

    def encode(self) -> bytes:
        """Return the calldata in this info's fork format."""
        if self.fork is L1InfoFork.BEDROCK:
            return self.fork.selector + b"".join(
                (
                    self.number.to_bytes(32, "big"),
                    self.time.to_bytes(32, "big"),
                    self.base_fee.to_bytes(32, "big"),
                    self.block_hash,
                    self.sequence_number.to_bytes(32, "big"),
                    bytes(12) + self.batcher_address,
                    self.l1_fee_overhead,
                    self.l1_fee_scalar,
                )
            )
        parts = [
            self.fork.selector,
            self.base_fee_scalar.to_bytes(4, "big"),
            self.blob_base_fee_scalar.to_bytes(4, "big"),
            self.sequence_number.to_bytes(8, "big"),
            self.time.to_bytes(8, "big"),
            self.number.to_bytes(8, "big"),
            self.base_fee.to_bytes(32, "big"),
            self.blob_base_fee.to_bytes(32, "big"),
            self.block_hash,
            bytes(12) + self.batcher_address,
        ]
        if self.fork in (L1InfoFork.ISTHMUS, L1InfoFork.JOVIAN):
            parts.append(self.operator_fee_scalar.to_bytes(4, "big"))
            parts.append(self.operator_fee_constant.to_bytes(8, "big"))
        if self.fork is L1InfoFork.JOVIAN:
            parts.append(self.da_footprint_gas_scalar.to_bytes(2, "big"))
        return b"".join(parts)


def _abi_uint(word: bytes, size: int, what: str) -> int:
    if any(word[: 32 - size]):
        raise L1InfoDecodeError(f"{what}: non-zero padding")
    return int.from_bytes(word[32 - size :], "big")


def _decode_bedrock(data: bytes) -> L1BlockInfo:
    words = [data[4 + 32 * i : 36 + 32 * i] for i in range(8)]
    return L1BlockInfo(
        fork=L1InfoFork.BEDROCK,
        number=_abi_uint(words[0], 8, "number"),
        time=_abi_uint(words[1], 8, "time"),
        base_fee=int.from_bytes(words[2], "big"),
        block_hash=words[3],
        sequence_number=_abi_uint(words[4], 8, "sequence number"),
        batcher_address=_abi_uint(words[5], 20, "batcher").to_bytes(20, "big"),
        l1_fee_overhead=words[6],
        l1_fee_scalar=words[7],
    )


def _decode_packed(fork: L1InfoFork, data: bytes) -> L1BlockInfo:
    def field(start: int, size: int) -> int:
        return int.from_bytes(data[start : start + size], "big")

    extended = fork in (L1InfoFork.ISTHMUS, L1InfoFork.JOVIAN)
    return L1BlockInfo(
        fork=fork,
        base_fee_scalar=field(4, 4),
        blob_base_fee_scalar=field(8, 4),
        sequence_number=field(12, 8),
        time=field(20, 8),
        number=field(28, 8),
        base_fee=field(36, 32),
        blob_base_fee=field(68, 32),
        block_hash=data[100:132],
        batcher_address=data[144:164],  # op-node ignores the 12 padding bytes here
        operator_fee_scalar=field(164, 4) if extended else 0,
        operator_fee_constant=field(168, 8) if extended else 0,
        da_footprint_gas_scalar=field(176, 2) if fork is L1InfoFork.JOVIAN else 0,
    )


def decode_l1_info(calldata: bytes) -> L1BlockInfo:
    """Decode L1-info calldata of any fork, selected by its function selector.

    Raises:
        L1InfoDecodeError: missing or unknown selector, wrong length, non-zero ABI padding.
    """
    if len(calldata) < 4:
        raise L1InfoDecodeError("missing L1-info selector")
    for fork in L1InfoFork:
        if calldata[:4] == fork.selector:
            break
    else:
        raise L1InfoDecodeError(f"invalid L1-info selector 0x{calldata[:4].hex()}")
    if len(calldata) != fork.length:
        raise L1InfoDecodeError(
            f"invalid {fork.name.lower()} data length: expected {fork.length}, got {len(calldata)}"
        )
    if fork is L1InfoFork.BEDROCK:
        return _decode_bedrock(calldata)
    return _decode_packed(fork, calldata)


def l1_info_fork(
    ecotone_after_first: bool, isthmus_after_first: bool, jovian_after_first: bool
) -> L1InfoFork:
    """Pick the calldata format for an L2 block.

    Each flag is "the fork is active at this block's timestamp and this is not the fork's
    activation block" (a fork active at genesis counts as active from the first block).
    """
    if not ecotone_after_first:
        return L1InfoFork.BEDROCK
    if jovian_after_first:
        return L1InfoFork.JOVIAN
    if isthmus_after_first:
        return L1InfoFork.ISTHMUS
    return L1InfoFork.ECOTONE


@dataclass(frozen=True, slots=True)
class L1BlockRefInfo:
    """The L1 origin block values the L1-info deposit copies."""

    number: int
    time: int
    base_fee: int
    block_hash: bytes
    blob_base_fee: int | None = None


def build_l1_block_info(
    fork: L1InfoFork, l1_block: L1BlockRefInfo, sequence_number: int, config: SystemConfig
) -> L1BlockInfo:
    """Combine the L1 origin, sequence number and system config into the L1-info values.

    Raises:
        SystemConfigScalarError: from Ecotone, a scalar word with an unknown version.
    """
    head = (l1_block.number, l1_block.time, l1_block.base_fee, l1_block.block_hash)
    if fork is L1InfoFork.BEDROCK:
        return L1BlockInfo(
            fork,
            *head,
            sequence_number,
            config.batcher_address,
            l1_fee_overhead=config.overhead,
            l1_fee_scalar=config.scalar,
        )
    blob_scalar, base_scalar = config.ecotone_scalars()
    extended = fork in (L1InfoFork.ISTHMUS, L1InfoFork.JOVIAN)
    da_scalar = 0
    if fork is L1InfoFork.JOVIAN:
        da_scalar = config.da_footprint_gas_scalar or DEFAULT_DA_FOOTPRINT_GAS_SCALAR
    return L1BlockInfo(
        fork,
        *head,
        sequence_number,
        config.batcher_address,
        blob_base_fee=1 if l1_block.blob_base_fee is None else l1_block.blob_base_fee,
        base_fee_scalar=base_scalar,
        blob_base_fee_scalar=blob_scalar,
        operator_fee_scalar=config.operator_fee_scalar if extended else 0,
        operator_fee_constant=config.operator_fee_constant if extended else 0,
        da_footprint_gas_scalar=da_scalar,
    )


def l1_info_deposit(info: L1BlockInfo, regolith: bool) -> DepositTransaction:
    """Build the L1-info deposit transaction (system tx with 150M gas before Regolith)."""
    return DepositTransaction(
        source_hash=l1_info_deposit_source_hash(info.block_hash, info.sequence_number),
        from_address=L1_INFO_DEPOSITOR,
        to=L1_BLOCK,
        mint=0,
        value=0,
        gas=REGOLITH_SYSTEM_TX_GAS if regolith else BEDROCK_SYSTEM_TX_GAS,
        is_system_tx=not regolith,
        data=info.encode(),
    )
