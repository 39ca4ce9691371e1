"""User deposits from ``TransactionDeposited`` logs, and deposit source hashes (deposits.md).

Spec: https://specs.optimism.io/protocol/deposits.html#deposited-transaction (source hash
domains) and #deposit-contract (event encoding). Decoding follows op-node's
``UnmarshalDepositLogEvent``: every malformed log raises ``DepositLogError``; the derivation
stage treats any such error as critical, as op-node does. Like op-node (and unlike kona), the
padding of the indexed addresses and of the opaque data is not checked: the portal contract
always emits it zeroed.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from op_program.encoding.hashing import keccak256
from op_program.protocol.errors import ProtocolDecodeError
from op_program.protocol.transactions import DepositTransaction

DEPOSIT_EVENT_ABI = "TransactionDeposited(address,address,uint256,bytes)"
DEPOSIT_EVENT_TOPIC = keccak256(DEPOSIT_EVENT_ABI.encode())
DEPOSIT_EVENT_VERSION_0 = bytes(32)

USER_DEPOSIT_DOMAIN = 0
L1_INFO_DEPOSIT_DOMAIN = 1
UPGRADE_DEPOSIT_DOMAIN = 2
AFTER_FORCE_INCLUDE_DOMAIN = 3


class DepositLogError(ProtocolDecodeError):
    """A deposit log that does not decode (op-node treats it as a critical error)."""


class LogLike(Protocol):
    """The parts of an L1 log the decoders read."""

    @property
    def address(self) -> bytes:
        """The emitting contract."""

    @property
    def topics(self) -> tuple[bytes, ...]:
        """The indexed topics."""

    @property
    def data(self) -> bytes:
        """The unindexed data."""


class ReceiptLike(Protocol):
    """The parts of an L1 receipt the log scanners read."""

    @property
    def status(self) -> int:
        """1 for success."""

    @property
    def logs(self) -> tuple[LogLike, ...]:
        """The receipt's logs."""


def _domain_hash(domain: int, inner: bytes) -> bytes:
    return keccak256(domain.to_bytes(32, "big") + keccak256(inner))


def user_deposit_source_hash(l1_block_hash: bytes, log_index: int) -> bytes:
    """Source hash of a user deposit: domain 0, L1 block hash and the log's index in the block."""
    return _domain_hash(USER_DEPOSIT_DOMAIN, l1_block_hash + log_index.to_bytes(32, "big"))


def l1_info_deposit_source_hash(l1_block_hash: bytes, sequence_number: int) -> bytes:
    """Source hash of the L1-info deposit: domain 1, L1 block hash and sequence number."""
    return _domain_hash(L1_INFO_DEPOSIT_DOMAIN, l1_block_hash + sequence_number.to_bytes(32, "big"))


def upgrade_deposit_source_hash(intent: str) -> bytes:
    """Source hash of a network-upgrade deposit: domain 2 and the upgrade's intent string."""
    return _domain_hash(UPGRADE_DEPOSIT_DOMAIN, intent.encode())


def after_force_include_source_hash(l1_block_hash: bytes, sequence_number: int) -> bytes:
    """Source hash of a deposit placed after forced inclusions (interop): domain 3."""
    return _domain_hash(
        AFTER_FORCE_INCLUDE_DOMAIN, l1_block_hash + sequence_number.to_bytes(32, "big")
    )


@dataclass(frozen=True, slots=True)
class _Opaque:
    mint: int
    value: int
    gas: int
    is_creation: bool
    data: bytes


def _opaque_data(data: bytes) -> bytes:
    if len(data) < 64:
        raise DepositLogError(f"incomplete opaqueData slice header ({len(data)} bytes)")
    if len(data) % 32:
        raise DepositLogError(f"expected log data to be multiple of 32 bytes: got {len(data)}")
    offset = int.from_bytes(data[0:32], "big")
    if offset != 32:
        raise DepositLogError(f"invalid opaqueData slice header offset: {offset}")
    length = int.from_bytes(data[32:64], "big")
    available = len(data) - 64
    # the opaque data must fit, and be padded by fewer than 32 bytes
    if length >= 1 << 64 or length > available or length + 32 <= available:
        raise DepositLogError(f"invalid opaqueData slice header length: {length}")
    return data[64 : 64 + length]


def _version0(opaque: bytes) -> _Opaque:
    if len(opaque) < 32 + 32 + 8 + 1:
        raise DepositLogError(f"unexpected opaqueData length: {len(opaque)}")
    return _Opaque(
        mint=int.from_bytes(opaque[0:32], "big"),
        value=int.from_bytes(opaque[32:64], "big"),
        gas=int.from_bytes(opaque[64:72], "big"),
        is_creation=opaque[72] != 0,
        data=opaque[73:],
    )


def decode_deposit_log(log: LogLike, l1_block_hash: bytes, log_index: int) -> DepositTransaction:
    """Decode a ``TransactionDeposited`` log into the user deposit transaction it requests.

    ``log_index`` is the log's index within the whole L1 block (source-hash input).

    Raises:
        DepositLogError: wrong topic count or selector, malformed opaque data, unknown version.
    """
    topics = log.topics
    if len(topics) != 4:
        raise DepositLogError(f"expected 4 event topics, got {len(topics)}")
    if topics[0] != DEPOSIT_EVENT_TOPIC:
        raise DepositLogError(f"invalid deposit event selector: 0x{topics[0].hex()}")
    opaque = _opaque_data(log.data)
    if topics[3] != DEPOSIT_EVENT_VERSION_0:
        raise DepositLogError(f"invalid deposit version, got 0x{topics[3].hex()}")
    fields = _version0(opaque)
    return DepositTransaction(
        source_hash=user_deposit_source_hash(l1_block_hash, log_index),
        from_address=topics[1][12:32],
        to=None if fields.is_creation else topics[2][12:32],
        mint=fields.mint,
        value=fields.value,
        gas=fields.gas,
        is_system_tx=False,
        data=fields.data,
    )


def encode_deposit_log_data(deposit: DepositTransaction) -> tuple[tuple[bytes, ...], bytes]:
    """Return the topics and data of the version-0 log that requests ``deposit``."""
    opaque = b"".join(
        (
            deposit.mint.to_bytes(32, "big"),
            deposit.value.to_bytes(32, "big"),
            deposit.gas.to_bytes(8, "big"),
            b"\x01" if deposit.to is None else b"\x00",
            deposit.data,
        )
    )
    data = (32).to_bytes(32, "big") + len(opaque).to_bytes(32, "big") + opaque
    data += bytes(-len(data) % 32)
    topics = (
        DEPOSIT_EVENT_TOPIC,
        bytes(12) + deposit.from_address,
        bytes(12) + (deposit.to or bytes(20)),
        DEPOSIT_EVENT_VERSION_0,
    )
    return topics, data


def user_deposits(
    receipts: Iterable[ReceiptLike], deposit_contract: bytes, l1_block_hash: bytes
) -> tuple[list[DepositTransaction], list[DepositLogError]]:
    """Decode every deposit event of an L1 block's receipts, in order (op-node ``UserDeposits``).

    Only successful receipts count; a log's source-hash index is its position among all logs
    of the block. Returns the deposits and the errors of malformed logs, which op-node turns
    into a critical derivation error.
    """
    deposits: list[DepositTransaction] = []
    errors: list[DepositLogError] = []
    log_index = 0
    for receipt in receipts:
        for log in receipt.logs:
            index = log_index
            log_index += 1
            if receipt.status != 1 or log.address != deposit_contract:
                continue
            if not log.topics or log.topics[0] != DEPOSIT_EVENT_TOPIC:
                continue
            try:
                deposits.append(decode_deposit_log(log, l1_block_hash, index))
            except DepositLogError as exc:
                errors.append(exc)
    return deposits, errors
