"""The preimage oracle wire protocol (fault-proof/index.md, "Pre-image Oracle").

Knows nothing about Ethereum: typed keys, the oracle client and server, the hint writer and
server, channels over OS pipes (client fds 3–6) or memory, and preimage verification.
"""

from op_program.preimage.channel import Channel, FdChannel, pipe_channel_pair
from op_program.preimage.errors import (
    ChannelClosedError,
    HintChannelClosedError,
    InvalidKeyError,
    OracleChannelClosedError,
    PreimageError,
    PreimageMismatchError,
    PreimageTooLargeError,
)
from op_program.preimage.hints import HintClient, NoopHintWriter
from op_program.preimage.keys import (
    KeyType,
    PreimageKey,
    blob_key,
    keccak256_key,
    local_key,
    parse_key,
    precompile_key,
    sha256_key,
)
from op_program.preimage.oracle import HintWriter, OracleClient, PreimageOracle
from op_program.preimage.server import HintServer, OracleServer
from op_program.preimage.verify import VerifyingOracle, verify_preimage

__all__ = [
    "Channel",
    "ChannelClosedError",
    "FdChannel",
    "HintChannelClosedError",
    "HintClient",
    "HintServer",
    "HintWriter",
    "InvalidKeyError",
    "KeyType",
    "NoopHintWriter",
    "OracleChannelClosedError",
    "OracleClient",
    "OracleServer",
    "PreimageError",
    "PreimageKey",
    "PreimageMismatchError",
    "PreimageOracle",
    "PreimageTooLargeError",
    "VerifyingOracle",
    "blob_key",
    "keccak256_key",
    "local_key",
    "parse_key",
    "pipe_channel_pair",
    "precompile_key",
    "sha256_key",
    "verify_preimage",
]
