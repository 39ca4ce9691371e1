"""Oracle-backed L1 blobs: commitment by versioned hash, field elements by blob keys, KZG check.

Spec: fault-proof/index.md, "Type 4: Global SHA2-256 key", "Type 5: Global EIP-4844 Point-evaluation
key", hint ``l1-blob <blobhash ++ metadata>``; EIP-4844 (versioned hash, roots of unity in
bit-reversal permutation). Field element i is keyed by ``keccak256(commitment ‖ z_i)`` where z_i
is the i-th bit-reversal-permuted 4096th root of unity of the BLS12-381 scalar field.
"""

import importlib.util
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import ckzg

from op_program.client.errors import PreimageMismatchError
from op_program.client.oracle import ClientOracle
from op_program.encoding.hashing import sha256
from op_program.hints import HintType
from op_program.preimage.blob_roots import FIELD_ELEMENTS_PER_BLOB, blob_evaluation_points
from op_program.preimage.keys import blob_key, sha256_key

BYTES_PER_FIELD_ELEMENT = 32
BLOB_SIZE = FIELD_ELEMENTS_PER_BLOB * BYTES_PER_FIELD_ELEMENT
VERSIONED_HASH_VERSION_KZG = 0x01
COMMITMENT_SIZE = 48


def _trusted_setup_path() -> Path:
    # The mainnet KZG trusted setup is package data of py-evm (DESIGN §9); locate the file
    # without importing the package (only executor/evm_backend.py may import it).
    spec = importlib.util.find_spec("eth")
    if spec is None or not spec.submodule_search_locations:
        raise PreimageMismatchError("KZG trusted setup not found (py-evm is not installed)")
    return Path(next(iter(spec.submodule_search_locations))) / "_utils" / "kzg_trusted_setup.txt"


@lru_cache(maxsize=1)
def trusted_setup() -> Any:
    """Return the loaded KZG trusted setup (loaded once, on first use)."""
    # precompute=0: measured with ckzg 2.1.8, the load costs ~2.0 s for precompute 0-4 and
    # 2.7 s at 8, while blob_to_kzg_commitment costs ~52 ms a blob at every setting (the tables
    # only speed up EIP-7594 cell proofs, never computed here). ckzg holds the GIL while loading,
    # so a background load would not overlap other work; callers load it only to check a blob
    # or a point evaluation.
    return ckzg.load_trusted_setup(str(_trusted_setup_path()), 0)


def kzg_to_versioned_hash(commitment: bytes) -> bytes:
    """Return the EIP-4844 versioned hash of a KZG commitment."""
    return bytes((VERSIONED_HASH_VERSION_KZG,)) + sha256(commitment)[1:]


def verify_blob(blob: bytes, commitment: bytes) -> None:
    """Raise PreimageMismatchError unless ``blob`` commits to ``commitment``."""
    try:
        computed = bytes(ckzg.blob_to_kzg_commitment(blob, trusted_setup()))
    except (RuntimeError, ValueError) as exc:  # ckzg rejects non-canonical field elements
        raise PreimageMismatchError(f"blob rejected by KZG: {exc}") from exc
    if computed != commitment:
        raise PreimageMismatchError(f"blob does not match its KZG commitment 0x{commitment.hex()}")


class OracleBlobSource:
    """Fetches blobs confirmed in L1 blocks through the oracle, and checks each one."""

    __slots__ = ("_oracle", "blobs_read")

    def __init__(self, oracle: ClientOracle) -> None:
        self._oracle = oracle
        self.blobs_read = 0

    def get_blob(self, versioned_hash: bytes, index: int, l1_timestamp: int) -> bytes:
        """Return the 131072-byte blob with ``versioned_hash`` (blob ``index`` of its L1 block).

        Raises:
            PreimageMismatchError: wrong versioned hash version, commitment or blob.
        """
        if len(versioned_hash) != 32 or versioned_hash[0] != VERSIONED_HASH_VERSION_KZG:
            raise PreimageMismatchError(f"unsupported blob versioned hash 0x{versioned_hash.hex()}")
        payload = versioned_hash + index.to_bytes(8, "big") + l1_timestamp.to_bytes(8, "big")
        commitment = self._oracle.fetch(sha256_key(versioned_hash), HintType.L1_BLOB, payload)
        if len(commitment) != COMMITMENT_SIZE:
            raise PreimageMismatchError(f"blob commitment has {len(commitment)} bytes, want 48")
        parts = []
        for z in blob_evaluation_points():
            element = self._oracle.fetch(blob_key(commitment, z))
            if len(element) != BYTES_PER_FIELD_ELEMENT:
                raise PreimageMismatchError(f"blob field element has {len(element)} bytes")
            parts.append(element)
        blob = b"".join(parts)
        verify_blob(blob, commitment)
        self.blobs_read += 1
        return blob

    def get_blobs(self, l1_timestamp: int, hashes: Sequence[tuple[int, bytes]]) -> list[bytes]:
        """Return the blobs for ``(index, versioned hash)`` pairs of one L1 block, in order."""
        return [self.get_blob(vhash, index, l1_timestamp) for index, vhash in hashes]
