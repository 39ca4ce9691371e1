"""The preimage oracle client (fault-proof/index.md, "Pre-image communication").

Request: the 32-byte key. Response: ``u64_be(length) ‖ preimage``. The client side of the
program sees only the :class:`PreimageOracle` and :class:`HintWriter` protocols, so an
in-process host can hand it a direct object and a child process gets :class:`OracleClient`.
"""

from typing import Protocol

from op_program.preimage.channel import Channel
from op_program.preimage.errors import (
    ChannelClosedError,
    InvalidKeyError,
    OracleChannelClosedError,
    PreimageTooLargeError,
)

LENGTH_PREFIX_SIZE = 8
DEFAULT_MAX_PREIMAGE_SIZE = 1 << 30
"""Largest response the client accepts (1 GiB); real preimages are far smaller (10 MB)."""


class PreimageOracle(Protocol):
    """Anything that returns the preimage of a 32-byte typed key."""

    def get(self, key: bytes) -> bytes:
        """Return the preimage of ``key``."""
        ...


class HintWriter(Protocol):
    """Anything that forwards a hint (``"<type> 0x<hex>"``) to the host and waits for it."""

    def hint(self, hint: str) -> None:
        """Send ``hint``; return once the host acknowledged it."""
        ...


class OracleClient:
    """A :class:`PreimageOracle` speaking the wire protocol over a channel."""

    __slots__ = ("_channel", "_max_size")

    def __init__(self, channel: Channel, max_size: int = DEFAULT_MAX_PREIMAGE_SIZE) -> None:
        self._channel = channel
        self._max_size = max_size

    def get(self, key: bytes) -> bytes:
        """Request ``key`` and return its preimage.

        Raises:
            InvalidKeyError: ``key`` is not 32 bytes.
            OracleChannelClosedError: the host closed the channel or died mid-response.
            PreimageTooLargeError: the length prefix exceeds the configured maximum.
        """
        if len(key) != 32:
            raise InvalidKeyError(f"preimage key must be 32 bytes, got {len(key)}")
        channel = self._channel
        try:
            channel.write_all(key)
            length = int.from_bytes(channel.read_exact(LENGTH_PREFIX_SIZE), "big")
            if length > self._max_size:
                raise PreimageTooLargeError(
                    f"preimage of key 0x{key.hex()} claims {length} bytes, limit {self._max_size}"
                )
            return channel.read_exact(length) if length else b""
        except OracleChannelClosedError:
            raise
        except ChannelClosedError as exc:
            raise OracleChannelClosedError(
                f"preimage channel closed while fetching key 0x{key.hex()}: {exc}",
                exc.bytes_read,
            ) from exc
