"""Oracle-backed L1 blobs: commitment by versioned hash, field elements by blob keys, KZG check.

Spec: fault-proof/index.md, "Type 4: Global SHA2-256 key", "Type 5: Global EIP-4844 Point-evaluation
key", hint ``l1-blob <blobhash ++ metadata>``; EIP-4844 (versioned hash, roots of unity in
bit-reversal permutation). Field element i is keyed by ``keccak256(commitment ‖ z_i)`` where z_i
is the i-th bit-reversal-permuted 4096th root of unity of the BLS12-381 scalar field.
"""

from collections.abc import Sequence
from typing import Final

from op_program.client.errors import PreimageMismatchError
from op_program.client.oracle import ClientOracle
from op_program.encoding.hashing import sha256
from op_program.hints import HintType
from op_program.preimage.blob_roots import blob_evaluation_points
from op_program.preimage.keys import blob_key, sha256_key
from op_program.protocol.kzg import (
    BLOB_SIZE,
    BYTES_PER_FIELD_ELEMENT,
    COMMITMENT_SIZE,
    KZGError,
    blob_to_commitment,
    blobs_match_commitments,
)

__all__ = ["BLOB_SIZE", "OracleBlobSource", "kzg_to_versioned_hash", "verify_blob"]

VERSIONED_HASH_VERSION_KZG: Final = 0x01


def kzg_to_versioned_hash(commitment: bytes) -> bytes:
    """Return the EIP-4844 versioned hash of a KZG commitment."""
    return bytes((VERSIONED_HASH_VERSION_KZG,)) + sha256(commitment)[1:]


def verify_blob(blob: bytes, commitment: bytes) -> None:
    """Raise PreimageMismatchError unless ``blob`` commits to ``commitment``."""
    try:
        computed = blob_to_commitment(blob)
    except KZGError as exc:  # a non-canonical field element
        raise PreimageMismatchError(f"blob rejected by KZG: {exc}") from exc
    if computed != commitment:
        raise PreimageMismatchError(f"blob does not match its KZG commitment 0x{commitment.hex()}")


MAX_PENDING_BLOBS = 64
"""Deferred blobs held unchecked at most (8 MiB): a long proof checks them in groups this big."""


class OracleBlobSource:
    """Fetches blobs confirmed in L1 blocks through the oracle, and checks each one.

    With ``defer_checks`` the blobs of :meth:`get_blobs` are returned unchecked and checked
    together by :meth:`check_pending` (or once ``MAX_PENDING_BLOBS`` are pending): one
    4096-point MSM (~0.1 s) for all of them instead of one per L1 block. The program calls
    ``check_pending`` before it reaches a verdict, so no verdict rests on an unchecked blob;
    until then a wrong blob is only data for the (hostile-input-safe) decoders.
    """

    __slots__ = ("_defer", "_oracle", "_pending", "blobs_read")

    def __init__(self, oracle: ClientOracle, defer_checks: bool = False) -> None:
        self._oracle = oracle
        self._defer = defer_checks
        self._pending: list[tuple[bytes, bytes]] = []
        self.blobs_read = 0

    def get_blob(self, versioned_hash: bytes, index: int, l1_timestamp: int) -> bytes:
        """Return the 131072-byte blob with ``versioned_hash`` (blob ``index`` of its L1 block).

        Raises:
            PreimageMismatchError: wrong versioned hash version, commitment or blob.
        """
        blob, commitment = self._fetch(versioned_hash, index, l1_timestamp)
        verify_blob(blob, commitment)
        self.blobs_read += 1
        return blob

    def get_blobs(self, l1_timestamp: int, hashes: Sequence[tuple[int, bytes]]) -> list[bytes]:
        """Return the blobs for ``(index, versioned hash)`` pairs of one L1 block, in order.

        The blobs are checked together (``blobs_match_commitments``: one MSM instead of one per
        blob), now or, with ``defer_checks``, with the other pending ones.

        Raises:
            PreimageMismatchError: wrong versioned hash version, commitment or blob.
        """
        fetched = [self._fetch(vhash, index, l1_timestamp) for index, vhash in hashes]
        if self._defer:
            self._pending.extend(fetched)
            if len(self._pending) >= MAX_PENDING_BLOBS:
                self.check_pending()
        else:
            _check_together(fetched)
        self.blobs_read += len(fetched)
        return [blob for blob, _ in fetched]

    def check_pending(self) -> None:
        """Check every blob returned unchecked so far.

        Raises:
            PreimageMismatchError: a blob does not match its commitment (the first one is named).
        """
        pending, self._pending = self._pending, []
        _check_together(pending)

    def _fetch(self, versioned_hash: bytes, index: int, l1_timestamp: int) -> tuple[bytes, bytes]:
        """Return the (unchecked) blob and commitment for one versioned hash."""
        if len(versioned_hash) != 32 or versioned_hash[0] != VERSIONED_HASH_VERSION_KZG:
            raise PreimageMismatchError(f"unsupported blob versioned hash 0x{versioned_hash.hex()}")
        payload = versioned_hash + index.to_bytes(8, "big") + l1_timestamp.to_bytes(8, "big")
        commitment = self._oracle.fetch(sha256_key(versioned_hash), HintType.L1_BLOB, payload)
        if len(commitment) != COMMITMENT_SIZE:
            raise PreimageMismatchError(f"blob commitment has {len(commitment)} bytes, want 48")
        fetch = self._oracle.fetch
        parts = []
        for z in blob_evaluation_points():
            element = fetch(blob_key(commitment, z))
            if len(element) != BYTES_PER_FIELD_ELEMENT:
                raise PreimageMismatchError(f"blob field element has {len(element)} bytes")
            parts.append(element)
        return b"".join(parts), commitment


def _check_together(fetched: Sequence[tuple[bytes, bytes]]) -> None:
    """Check (blob, commitment) pairs with one MSM; if that fails, one by one to name the bad one.

    Raises:
        PreimageMismatchError: a blob does not match its commitment.
    """
    if not fetched:
        return
    try:
        valid = blobs_match_commitments([b for b, _ in fetched], [c for _, c in fetched])
    except KZGError:
        valid = False
    if not valid:
        for blob, commitment in fetched:
            verify_blob(blob, commitment)
        raise PreimageMismatchError("blobs do not match their KZG commitments")
