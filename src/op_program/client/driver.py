"""The derivation driver: step the pipeline, execute each set of attributes, advance the head.

Spec: fault-proof/index.md, "Main content"; holocene/derivation.md ("Engine Queue": an invalid
payload is replaced by a deposit-only block and its channel is flushed); protocol/derivation.md
(pre-Holocene an invalid payload is dropped). Matches the reference drivers (op-program's
ProgramDeriver, kona's ``advance_to_target``): stop when the safe head reaches the target or when
the L1 data up to the L1 head is exhausted; any reset or critical error ends the program.
"""

import dataclasses
import logging
from typing import Generic, Protocol, TypeVar

from op_program.client.errors import DriverError
from op_program.derive.errors import TemporaryError
from op_program.errors import OpProgramError
from op_program.protocol.header import Header

log = logging.getLogger("op_program.client.driver")

DEPOSIT_TX_TYPE = 0x7E
MAX_TEMPORARY_ERRORS = 1000
"""Consecutive temporary derivation errors tolerated before the driver gives up."""


class Attributes(Protocol):
    """What the driver needs of payload attributes: a timestamp and raw transactions."""

    @property
    def timestamp(self) -> int:
        """The L2 block timestamp."""

    @property
    def transactions(self) -> tuple[bytes, ...]:
        """The forced transactions (deposits first), raw EIP-2718 bytes."""


A = TypeVar("A", bound=Attributes)
A_co = TypeVar("A_co", bound=Attributes, covariant=True)
A_contra = TypeVar("A_contra", bound=Attributes, contravariant=True)


class AttributesSource(Protocol[A_co]):
    """The derivation pipeline as the driver sees it."""

    def next_attributes(self, safe_head: Header) -> A_co | None:
        """Return the next attributes on top of ``safe_head``; None when L1 data is exhausted.

        Raises:
            OpProgramError: a reset or critical derivation error (ends the program).
        """

    def flush_channel(self) -> None:
        """Holocene: drop the rest of the channel whose batch produced an invalid payload."""

    def on_safe_head(self, header: Header, transactions: tuple[bytes, ...]) -> None:
        """Tell the pipeline about the new safe head built from its last attributes."""


class BatchCounter(Generic[A]):
    """The pipeline as the driver sees it, counting the batches it accepted.

    Each set of attributes is made from exactly one singular batch the batch stage accepted
    (a singular batch, one block of an accepted span batch, or an empty batch the sequencing
    window forced): protocol/derivation.md, "Batch Queue" and "Payload Attributes Derivation".
    A Holocene deposit-only retry reuses its batch and is not counted again.
    """

    __slots__ = ("_pipeline", "batches")

    def __init__(self, pipeline: AttributesSource[A]) -> None:
        self._pipeline = pipeline
        self.batches = 0

    def next_attributes(self, safe_head: Header) -> A | None:
        """The pipeline's next attributes; counts the batch they were made from."""
        attributes = self._pipeline.next_attributes(safe_head)
        if attributes is not None:
            self.batches += 1
        return attributes

    def flush_channel(self) -> None:
        """Forward to the pipeline."""
        self._pipeline.flush_channel()

    def on_safe_head(self, header: Header, transactions: tuple[bytes, ...]) -> None:
        """Forward to the pipeline."""
        self._pipeline.on_safe_head(header, transactions)


class BlockBuilder(Protocol[A_contra]):
    """The executor as the driver sees it."""

    def build(self, parent: Header, attributes: A_contra) -> Header:
        """Build and return the header of the block on ``parent`` from ``attributes``.

        Raises:
            InvalidPayloadError: the attributes do not make a valid block.
        """


class Chain(Protocol):
    """The L2 chain the driver extends."""

    @property
    def head(self) -> Header:
        """The current safe head."""

    def add_block(self, header: Header, transactions: tuple[bytes, ...]) -> None:
        """Make a freshly built block the new safe head."""


class InvalidPayloadError(OpProgramError):
    """Attributes that cannot be executed into a valid block (the executor's verdict)."""


def deposits_only(attributes: A) -> A:
    """Return ``attributes`` with every non-deposit transaction removed (Holocene retry)."""
    kept = tuple(tx for tx in attributes.transactions if tx and tx[0] == DEPOSIT_TX_TYPE)
    return dataclasses.replace(attributes, transactions=kept)  # type: ignore[type-var]


class HoloceneRule(Protocol):
    """Whether Holocene rules apply at an L2 timestamp."""

    def __call__(self, timestamp: int) -> bool:
        """Return True when Holocene is active at ``timestamp``."""


def drive(
    pipeline: AttributesSource[A],
    builder: BlockBuilder[A],
    chain: Chain,
    target: int,
    is_holocene: HoloceneRule,
) -> Header:
    """Derive and build L2 blocks until the safe head reaches ``target`` or L1 runs out.

    Returns:
        The safe head reached.

    Raises:
        DriverError: a deposit-only block failed too (Holocene), which no valid chain allows,
            or derivation failed temporarily more than ``MAX_TEMPORARY_ERRORS`` times in a row.
        OpProgramError: reset and critical derivation errors propagate (they end the program).
    """
    built = 0
    temporary = 0
    while chain.head.number < target:
        try:
            attributes = pipeline.next_attributes(chain.head)
        except TemporaryError as exc:
            # As op-program's driver: no external fetch can fail here, but stages may report
            # a temporary condition (e.g. a channel timing out); their state moved on, so step
            # again. A bound turns a stage that never recovers into a program error.
            temporary += 1
            if temporary > MAX_TEMPORARY_ERRORS:
                raise DriverError(f"derivation keeps failing temporarily: {exc}") from exc
            log.warning("Temporary error in derivation err=%s", exc)
            continue
        temporary = 0
        if attributes is None:
            log.info("Derivation complete: L1 data exhausted safe_head=%d", chain.head.number)
            break
        outcome = _build(pipeline, builder, chain.head, attributes, is_holocene)
        if outcome is None:
            continue
        header, used = outcome
        chain.add_block(header, used.transactions)
        pipeline.on_safe_head(header, used.transactions)
        built += 1
        log.info(
            "Built L2 block number=%d hash=0x%s txs=%d",
            header.number, header.hash.hex(), len(used.transactions),
        )  # fmt: skip
    else:
        log.info("Derivation complete: reached L2 block number=%d", chain.head.number)
    log.info("L2 blocks built=%d", built)
    return chain.head


def _build(
    pipeline: AttributesSource[A],
    builder: BlockBuilder[A],
    parent: Header,
    attributes: A,
    is_holocene: HoloceneRule,
) -> tuple[Header, A] | None:
    try:
        return builder.build(parent, attributes), attributes
    except InvalidPayloadError as exc:
        if not is_holocene(attributes.timestamp):
            log.warning("Dropping invalid payload attributes (pre-Holocene) err=%s", exc)
            return None
        log.warning("Invalid payload: flushing channel, retrying deposits only err=%s", exc)
    pipeline.flush_channel()
    retry = deposits_only(attributes)
    try:
        return builder.build(parent, retry), retry
    except InvalidPayloadError as exc:
        raise DriverError(f"deposit-only block failed: {exc}") from exc
