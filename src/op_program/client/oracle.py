"""The client's view of the preimage oracle: hint, fetch, verify, cache and count.

Spec: fault-proof/index.md, "Pre-image key types", "Hinting". Every provider of the client asks
for data through one :class:`ClientOracle`, so hashing checks, the cache bound, the request
count and the request-sequence digest (the determinism check of DESIGN §5) live in one place.
The reference clients skip the hint when the data is already cached; so does this one.
"""

import hashlib
from collections import OrderedDict
from typing import Final, Protocol

from op_program.client.errors import (
    PreimageFormatError,
    PreimageMismatchError,
    PreimageUnavailableError,
)
from op_program.encoding.hashing import keccak256, sha256
from op_program.errors import OpProgramError
from op_program.hints import HintType
from op_program.preimage.keys import KeyType, keccak256_key, local_key

DEFAULT_CACHE_ENTRIES: Final = 1 << 17
"""Preimages kept in memory; the real witness has ~60k, so a whole proof fits."""

DEFAULT_CACHE_BYTES: Final = 256 << 20
"""Upper bound of the cached values' total size (256 MiB)."""


class PreimageSource(Protocol):
    """Anything that answers a 32-byte typed key with its preimage (the raw oracle)."""

    def get(self, key: bytes) -> bytes:
        """Return the preimage of ``key``; raise when it cannot be served."""


class HintSink(Protocol):
    """Anything that forwards a hint string to the host and waits for its acknowledgement."""

    def hint(self, hint: str) -> None:
        """Send one hint, e.g. ``"l1-block-header 0x…"``."""


class ClientOracle:
    """Hint-then-get access to preimages with verification and a bounded LRU cache."""

    __slots__ = (
        "_cache",
        "_cache_bytes",
        "_digest",
        "_hinter",
        "_max_bytes",
        "_max_entries",
        "_source",
        "hints_sent",
        "last_key",
        "requests",
    )

    def __init__(
        self,
        source: PreimageSource,
        hinter: HintSink,
        max_entries: int = DEFAULT_CACHE_ENTRIES,
        max_bytes: int = DEFAULT_CACHE_BYTES,
    ) -> None:
        self._source = source
        self._hinter = hinter
        self._cache: OrderedDict[bytes, bytes] = OrderedDict()
        self._cache_bytes = 0
        self._max_entries = max_entries
        self._max_bytes = max_bytes
        self._digest = hashlib.sha256()
        self.requests = 0
        self.hints_sent = 0
        self.last_key = b""

    def hint(self, hint_type: HintType, payload: bytes) -> None:
        """Send the hint ``"<type> 0x<payload hex>"`` to the host."""
        self.hints_sent += 1
        self._hinter.hint(f"{hint_type.value} 0x{payload.hex()}")

    def request_digest(self) -> bytes:
        """Return the SHA-256 of every key requested from the source so far, in order."""
        return self._digest.copy().digest()

    def cached(self, key: bytes) -> bytes | None:
        """Return the cached preimage of ``key`` (refreshing its recency) or None."""
        value = self._cache.get(key)
        if value is not None:
            self._cache.move_to_end(key)
        return value

    def fetch(self, key: bytes, hint_type: HintType | None = None, payload: bytes = b"") -> bytes:
        """Return the preimage of ``key``; on a cache miss send the hint first, then verify.

        Raises:
            PreimageMismatchError: a keccak256/sha256 value that does not hash to its key.
        """
        value = self.cached(key)
        if value is not None:
            return value
        if hint_type is not None:
            self.hint(hint_type, payload)
        return self.get_uncached(key)

    def get_uncached(self, key: bytes) -> bytes:
        """Ask the source for ``key`` (no hint), verify and cache the answer."""
        self.last_key = key
        self.requests += 1
        self._digest.update(key)
        try:
            value = bytes(self._source.get(key))
        except LookupError as exc:
            # An in-process oracle's KeyError must not reach code that reads KeyError as
            # "absent" (py-evm's tries do): a missing preimage always ends the program.
            raise PreimageUnavailableError(f"no preimage for key 0x{key.hex()}") from exc
        _verify(key, value)
        self._store(key, value)
        return value

    def keccak(
        self, digest: bytes, hint_type: HintType | None = None, payload: bytes = b""
    ) -> bytes:
        """Return the keccak256 preimage of ``digest`` (hinting ``payload`` on a miss)."""
        try:
            key = keccak256_key(digest)
        except OpProgramError as exc:
            raise PreimageFormatError(f"not a 32-byte hash: 0x{digest.hex()}") from exc
        return self.fetch(key, hint_type, payload)

    def local(self, index: int) -> bytes:
        """Return the local (boot) input ``index``."""
        return self.fetch(local_key(index))

    def _store(self, key: bytes, value: bytes) -> None:
        self._cache[key] = value
        self._cache_bytes += len(value)
        while self._cache and (
            len(self._cache) > self._max_entries or self._cache_bytes > self._max_bytes
        ):
            _, old = self._cache.popitem(last=False)
            self._cache_bytes -= len(old)


def _verify(key: bytes, value: bytes) -> None:
    """Re-hash keccak256 and sha256 preimages (DESIGN §5: the client trusts nothing)."""
    key_type = key[0]
    if key_type == KeyType.KECCAK256:
        actual = keccak256(value)
    elif key_type == KeyType.SHA256:
        actual = sha256(value)
    else:
        return
    if actual[1:] != key[1:]:
        raise PreimageMismatchError(f"preimage of key 0x{key.hex()} does not hash to it")
