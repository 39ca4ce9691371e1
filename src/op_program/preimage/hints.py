"""The hint writer (fault-proof/index.md, "Hinting").

Request: ``u32_be(length) ‖ hint bytes``; response: one acknowledgement byte (``0x00``). The
client must wait for the ack before requesting the hinted preimages.
"""

from op_program.preimage.channel import Channel
from op_program.preimage.errors import (
    ChannelClosedError,
    HintChannelClosedError,
    HintTooLargeError,
)

HINT_LENGTH_PREFIX_SIZE = 4
_U32_MAX = 2**32 - 1


class HintClient:
    """A :class:`~op_program.preimage.oracle.HintWriter` over a channel."""

    __slots__ = ("_channel",)

    def __init__(self, channel: Channel) -> None:
        self._channel = channel

    def hint(self, hint: str) -> None:
        """Send ``hint`` and block until the host acknowledges it.

        Raises:
            HintChannelClosedError: the host closed the channel or died before the ack.
        """
        payload = hint.encode("utf-8", errors="surrogateescape")  # mirrors HintServer
        if len(payload) > _U32_MAX:
            raise HintTooLargeError("hint longer than 2**32 - 1 bytes")
        try:
            self._channel.write_all(len(payload).to_bytes(HINT_LENGTH_PREFIX_SIZE, "big") + payload)
            # The ack's value carries no meaning (the reference host always sends 0x00).
            self._channel.read_exact(1)
        except ChannelClosedError as exc:
            raise HintChannelClosedError(
                f"hint channel closed while sending {hint[:64]!r}: {exc}", exc.bytes_read
            ) from exc


class NoopHintWriter:
    """A hint writer that drops every hint (an offline host or an on-chain VM)."""

    __slots__ = ()

    def hint(self, hint: str) -> None:
        """Ignore ``hint``."""
