"""Typed errors of the preimage wire protocol (fault-proof/index.md, "Pre-image Oracle").

Every failure a hostile or dead peer can cause surfaces as one of these, never as an OS error,
IndexError or a hang.
"""

from op_program.errors import DecodeError, InvalidPreimageError, OpProgramError


class PreimageError(OpProgramError):
    """Root of the preimage package's errors."""


class InvalidKeyError(PreimageError, DecodeError):
    """A preimage key that is not 32 bytes or has an illegal or unsupported type byte."""


class PreimageMismatchError(PreimageError, InvalidPreimageError):
    """A keccak256 or sha256 preimage whose value does not hash to its key."""


class PreimageTooLargeError(PreimageError, DecodeError):
    """A response length prefix above the reader's configured maximum."""


class ChannelClosedError(PreimageError):
    """The peer closed its end (or died) before a whole message was transferred.

    Attributes:
        bytes_read: how many bytes of the message arrived before end of file; 0 means the
            stream ended cleanly at a message boundary.
    """

    def __init__(self, message: str, bytes_read: int = 0) -> None:
        super().__init__(message)
        self.bytes_read = bytes_read


class ChannelSetupError(PreimageError):
    """The inherited channel descriptors (fds 3-6) are missing or are not pipes or sockets."""


class OracleChannelClosedError(ChannelClosedError):
    """The preimage channel closed while a request or response was in flight."""


class HintChannelClosedError(ChannelClosedError):
    """The hint channel closed while a hint or its acknowledgement was in flight."""


class HintTooLargeError(PreimageError):
    """A hint whose encoding does not fit the u32 length prefix."""
