"""Typed errors of the host: configuration, stores, RPC sources and hint handling (DESIGN §7).

Spec: fault-proof/index.md, "Host" and "Hinting". Foreign failures (OS, httpx, lmdb, JSON) are
translated into these at the adapter that calls the foreign code.
"""

from op_program.errors import InvalidPreimageError, OpProgramError, UsageError


class HostError(OpProgramError):
    """Root of the host package's errors."""


class HostConfigError(HostError, UsageError):
    """Host flags that are missing, malformed or inconsistent (a usage error: exit 2)."""


class KVStoreError(HostError):
    """A preimage store that cannot be opened, read or written."""


class UnsupportedFormatError(KVStoreError):
    """A datadir whose recorded ``kvformat`` this host cannot read."""


class RPCError(HostError):
    """A JSON-RPC or beacon API request that failed after its retries."""


class RPCResponseError(RPCError):
    """The node answered with an error object, or with JSON that is not a valid response.

    Attributes:
        code: the JSON-RPC error code, or None when the response itself was malformed.
    """

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class RPCResponseTooLargeError(RPCError):
    """A reply larger than the configured cap; asking again would fetch it again (no retry)."""


class RPCDeadlineError(RPCError):
    """A request that did not complete within its total deadline (e.g. a trickling node)."""


class FetchedDataError(HostError, InvalidPreimageError):
    """Data from a node that does not match the hash or commitment it was requested by."""


class HintError(HostError):
    """A hint that is malformed, unknown, or whose data could not be fetched."""


class PreimageNotFoundError(HostError):
    """A preimage that is neither stored nor obtainable from the last hint."""
