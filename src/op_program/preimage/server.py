"""Host-side server loops of the preimage wire (fault-proof/index.md, "Pre-image communication").

Also "Hinting": hints are always acknowledged.

Both loops stop cleanly when the client closes its end between messages, and raise a typed
:class:`~op_program.preimage.errors.ChannelClosedError` when it vanishes mid-message.
"""

import logging
from collections.abc import Callable

from op_program.preimage.channel import Channel
from op_program.preimage.errors import ChannelClosedError
from op_program.preimage.hints import HINT_LENGTH_PREFIX_SIZE
from op_program.preimage.oracle import LENGTH_PREFIX_SIZE
from op_program.shutdown import signals_held

PreimageGetter = Callable[[bytes], bytes]
"""Returns the preimage of a 32-byte key; raises when it cannot (the server loop stops)."""

HintHandler = Callable[[str], None]
"""Acts on one hint; whatever it raises is logged and the hint is still acknowledged."""

HINT_ACK = b"\x00"

_log = logging.getLogger(__name__)


def _read_message_start(channel: Channel, n: int) -> bytes | None:
    """Read the first ``n`` bytes of a message, or return None at a clean end of stream."""
    try:
        return channel.read_exact(n)
    except ChannelClosedError as exc:
        if exc.bytes_read == 0:
            return None
        raise


class OracleServer:
    """Answers preimage requests read from a channel.

    ``idle`` is False exactly while a request is in flight (from its key being read until
    its answer is written), so a host stopped by a signal can tell "idle between requests" from
    "a client is waiting for an answer".
    """

    __slots__ = ("_channel", "idle")

    def __init__(self, channel: Channel) -> None:
        self._channel = channel
        self.idle = True

    def next_request(self, getter: PreimageGetter) -> bool:
        """Serve one request; return False when the client closed the channel cleanly.

        Raises:
            ChannelClosedError: the client vanished mid-request or before the response.
            Exception: whatever ``getter`` raises (nothing is written back then).
        """
        key = _read_message_start(self._channel, 32)
        if key is None:
            return False
        self.idle = False
        value = getter(key)
        with signals_held():  # a signal now is acted on once the answer is out
            self._channel.write_all(len(value).to_bytes(LENGTH_PREFIX_SIZE, "big"), value)
            self.idle = True
        return True

    def serve(self, getter: PreimageGetter) -> None:
        """Serve requests until the client closes the channel."""
        while self.next_request(getter):
            pass


class HintServer:
    """Reads hints from a channel, hands them to a handler and always acknowledges them."""

    __slots__ = ("_channel",)

    def __init__(self, channel: Channel) -> None:
        self._channel = channel

    def next_hint(self, handler: HintHandler) -> bool:
        """Handle one hint; return False when the client closed the channel cleanly.

        The ack is written even when ``handler`` fails (as the reference host does), so the
        client never blocks on a failed hint; the failure is logged.

        Raises:
            ChannelClosedError: the client vanished mid-hint or before the ack.
        """
        header = _read_message_start(self._channel, HINT_LENGTH_PREFIX_SIZE)
        if header is None:
            return False
        length = int.from_bytes(header, "big")
        payload = self._channel.read_exact(length) if length else b""
        hint = payload.decode("utf-8", errors="surrogateescape")
        try:
            handler(hint)
        except Exception:  # a server loop: any handler failure is logged, never fatal
            _log.warning("hint handling failed hint=%r", hint[:200], exc_info=True)
        self._channel.write_all(HINT_ACK)
        return True

    def serve(self, handler: HintHandler) -> None:
        """Handle hints until the client closes the channel."""
        while self.next_hint(handler):
            pass
