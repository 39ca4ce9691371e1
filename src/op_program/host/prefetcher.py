"""The prefetcher: answer preimage requests from the store, fetching by the last hint on a miss.

Spec: fault-proof/index.md, "Hinting" and the reference host's ``GetPreimage`` (seed): look
the key up; on a miss run the last hint, store what it yields, look again. Bulk hints
(``l2-account-proof``, ``l2-payload-witness``) are kept aside and tried first when a state node
or code is missing and an experimental L2 source is configured. Every fetched keccak256/sha256
preimage is re-hashed before it is stored, and every served one before it is returned, so a
wrong value is neither stored nor served (unless the caller serves a client that re-hashes every
value itself, ``verify_served=False``: then a wrong stored value is caught there, hashed once).
Offline (no sources) hints are ignored.
"""

import logging
import threading
from collections.abc import Iterable, Mapping

from op_program.errors import OpProgramError
from op_program.host.errors import FetchedDataError, HintError, PreimageNotFoundError
from op_program.host.hint_handlers import (
    BULK_HINTS,
    HANDLERS,
    STATE_HINTS,
    Handler,
    Preimages,
    Sources,
    parse_hint,
)
from op_program.host.kvstore.base import KV
from op_program.preimage.keys import key_type_of
from op_program.preimage.verify import verify_preimage

PROGRESS_EVERY = 500
"""Fetching hints between two info-level progress lines."""

_log = logging.getLogger("op_program.host.prefetcher")


class Prefetcher:
    """The host's preimage getter and hint sink (the ``PreimageOracle``/``HintWriter`` pair)."""

    __slots__ = ("_bulk_enabled", "_bulk_hints", "_handlers", "_kv", "_last_bulk_hint",
                 "_last_hint", "_lock", "_sources", "_verify_served", "fetched", "hints_run",
                 "served")

    def __init__(self, kv: KV, sources: Sources | None = None, bulk_enabled: bool = False,
                 handlers: Mapping[str, Handler] = HANDLERS,
                 bulk_hints: frozenset[str] = BULK_HINTS, verify_served: bool = True) -> None:
        self._kv = kv
        self._verify_served = verify_served
        self._handlers = handlers
        self._bulk_hints = bulk_hints
        self._sources = sources
        self._bulk_enabled = bulk_enabled
        self._last_hint = ""
        self._last_bulk_hint = ""
        self._lock = threading.Lock()
        self.served = 0
        self.fetched = 0
        self.hints_run = 0

    def hint(self, hint: str) -> None:
        """Remember ``hint`` as the source of the next missing preimages."""
        if self._sources is None:
            return
        _log.log(5, "Received hint hint=%s", hint[:200])
        hint_type = hint.partition(" ")[0]
        with self._lock:
            if hint_type in self._bulk_hints:
                self._last_bulk_hint = hint
            else:
                self._last_hint = hint

    def get(self, key: bytes) -> bytes:
        """Return the verified preimage of ``key``.

        Raises:
            PreimageNotFoundError: not stored and not obtainable from the last hint.
            HintError, RPCError, FetchedDataError: fetching for the last hint failed.
            InvalidPreimageError: the stored value does not match its key (not checked here
                with ``verify_served=False``).
            InvalidKeyError: ``key`` is not 32 bytes or has an invalid type byte.
        """
        key_type_of(key)  # an invalid key is the client's error, never a missing preimage
        with self._lock:
            value = self._kv.get(key)
            if value is None:
                value = self._fetch_for(key)
            if self._verify_served:
                verify_preimage(key, value)
            self.served += 1
            return value

    def _fetch_for(self, key: bytes) -> bytes:
        hint = self._last_hint
        if self._sources is None or not hint:
            raise PreimageNotFoundError(f"preimage 0x{key.hex()} not found (no hint to fetch it)")
        hint_type, payload = parse_hint(hint)
        if hint_type in STATE_HINTS and self._last_bulk_hint and self._bulk_enabled:
            bulk, self._last_bulk_hint = self._last_bulk_hint, ""
            try:
                self._store(self._run(*parse_hint(bulk)))
            except OpProgramError as exc:  # the reference falls back to the canonical fetch
                _log.warning("Bulk prefetch failed, fetching singly hint=%s err=%s", bulk[:80], exc)
            value = self._kv.get(key)
            if value is not None:
                return value
        self._store(self._run(hint_type, payload))
        value = self._kv.get(key)
        if value is None:
            _log.error("Fetched pre-images for last hint but did not find required key "
                       "hint=%s key=0x%s", hint[:200], key.hex())
            raise PreimageNotFoundError(
                f"preimage 0x{key.hex()} not produced by last hint {hint[:80]!r}")
        return value

    def _run(self, hint_type: str, payload: bytes) -> Preimages:
        handler = self._handlers.get(hint_type)
        if handler is None:
            raise HintError(f"unknown hint type: {hint_type!r}")
        assert self._sources is not None
        _log.debug("Prefetching type=%s bytes=%d", hint_type, len(payload))
        pairs = handler(self._sources, payload)
        self.hints_run += 1
        if self.hints_run % PROGRESS_EVERY == 0:
            _log.info("Prefetch progress hints_run=%d preimages_fetched=%d served=%d",
                      self.hints_run, self.fetched + len(pairs), self.served)
        return pairs

    def _store(self, pairs: Iterable[tuple[bytes, bytes]]) -> None:
        checked = []
        for key, value in pairs:
            try:
                verify_preimage(key, value)
            except OpProgramError as exc:
                raise FetchedDataError(f"fetched data failed its check, nothing stored: {exc}"
                                       ) from exc
            checked.append((key, value))
        self._kv.put_many(checked)
        self.fetched += len(checked)
