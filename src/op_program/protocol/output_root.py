"""Output roots: the L2 output commitment (version 0) and the interop super root (version 1).

Spec: specs/protocol/proposals.md (L2 output commitment construction):
``output_root = keccak256(version(32 bytes, 0) ‖ state_root ‖ message_passer_storage_root ‖
block_hash)``; specs/interop/ (super root: ``0x01 ‖ u64 timestamp ‖ (u256 chain_id ‖ root)*``
sorted by chain id).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from op_program.encoding.hashing import keccak256
from op_program.protocol.errors import OutputRootDecodeError

OUTPUT_VERSION_V0 = bytes(32)
SUPER_ROOT_VERSION_V1 = 1


@dataclass(frozen=True, slots=True)
class OutputV0:
    """The version-0 output-root preimage (128 bytes)."""

    state_root: bytes
    message_passer_storage_root: bytes
    block_hash: bytes

    def encode(self) -> bytes:
        """The 128-byte preimage: version ‖ state root ‖ storage root ‖ block hash."""
        return (
            OUTPUT_VERSION_V0 + self.state_root + self.message_passer_storage_root + self.block_hash
        )

    @property
    def root(self) -> bytes:
        """The output root: keccak256 of the preimage."""
        return keccak256(self.encode())

    @classmethod
    def decode(cls, raw: bytes) -> "OutputV0":
        """Decode a version-0 output-root preimage.

        Raises:
            OutputRootDecodeError: not 128 bytes, or a version other than 0.
        """
        if len(raw) != 128:
            raise OutputRootDecodeError(f"output root preimage has {len(raw)} bytes, not 128")
        if raw[:32] != OUTPUT_VERSION_V0:
            raise OutputRootDecodeError("unknown output root version")
        return cls(raw[32:64], raw[64:96], raw[96:128])


def output_root_v0(
    state_root: bytes, message_passer_storage_root: bytes, block_hash: bytes
) -> bytes:
    """The version-0 L2 output root of a block."""
    return OutputV0(state_root, message_passer_storage_root, block_hash).root


def super_root_v1(timestamp: int, outputs: Iterable[tuple[int, bytes]]) -> bytes:
    """The version-1 super root over (chain id, output root) pairs, sorted by chain id."""
    body = bytearray((SUPER_ROOT_VERSION_V1,))
    body += timestamp.to_bytes(8, "big")
    for chain_id, root in sorted(outputs, key=lambda pair: pair[0]):
        body += chain_id.to_bytes(32, "big") + root
    return keccak256(bytes(body))
