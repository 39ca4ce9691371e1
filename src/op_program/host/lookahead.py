"""Speculative fetching: what the client will hint next, fetched on a few threads beforehand.

Spec: fault-proof/index.md, "Hinting": the client hints, then reads, one key at a time, so an
online host pays one node round trip per hint, in sequence. Some next hints are predictable from
the data just fetched, and fetching them ahead overlaps those round trips (``--fetch.concurrency``
threads; ``bench/witness_generate.py`` measures what it saves):

- the L1 walk-back: the client reaches old L1 blocks from the L1 head by parent hashes, one
  header per hint. After a header at number n, headers n-1 .. n-W are fetched by number
  (``eth_getBlockByNumber``), concurrently, W = 2 × threads ahead;
- an L1 block's transactions and receipts are asked together (and then the next block's), so
  one schedules the other and the following block's pair when its hash is known;
- a state-trie account leaf names the account's code and storage root, asked soon after.

A speculative result is used only for the exact hint (type and payload) the client then sends,
and goes through the prefetcher's usual re-hash before it is stored, so speculation changes the
round trips, never the preimages served. A failed speculative fetch, whatever it raised, is
dropped (the demand fetch runs as usual and reports its own error). One still queued behind
busy threads when the client asks for it is cancelled and fetched on demand at once: waiting
behind other speculation (on a slow node) could only be slower; a running one is waited for at
most ``PATIENCE_SECONDS``, and after ``MAX_MISSES`` unusable guesses of one hint type that type
is no longer fetched ahead, so a node slow or broken on the speculative requests alone costs a
few bounded waits, not one per hint. Speculation is bounded: at
most ``MAX_HELD`` per thread fetches queued, running or done but not yet asked for (the oldest
finished unused answers are dropped first, then new predictions). The threads are daemons
(``host.daemon_pool``): on close, queued fetches are cancelled and running ones are not waited
for, so a stuck speculative request holds neither the end of a proof nor a Ctrl-C.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from typing import TypeVar

from op_program.encoding.hex import bytes_to_hex
from op_program.encoding.rlp import rlp_decode_list
from op_program.errors import DecodeError, OpProgramError
from op_program.hints import HintType
from op_program.host.daemon_pool import DaemonPool, Task
from op_program.host.errors import FetchedDataError, RPCError
from op_program.host.hint_handlers import Handler, Preimages, Sources
from op_program.mpt.account import EMPTY_CODE_HASH, Account
from op_program.mpt.lookup import EMPTY_ROOT
from op_program.preimage.keys import keccak256_key
from op_program.protocol.header import Header

_log = logging.getLogger("op_program.host.lookahead")

MAX_HELD = 16
"""Speculative fetches held (queued, running, or done and not yet asked for), per thread."""
PATIENCE_SECONDS = 10.0
"""Longest wait for a running speculative fetch the client needs now; then it is fetched on
demand (a node slow on ``eth_getBlockByNumber`` alone must not hold every walk-back step for
its 30 s read timeout or 300 s deadline)."""
MAX_MISSES = 3
"""Speculative fetches of one hint type that failed, timed out or held another block, after
which that type is no longer fetched ahead (a node that cannot serve it costs at most this many
waits of ``PATIENCE_SECONDS``)."""

HintKey = tuple[str, bytes]


class Lookahead:
    """A bounded pool of speculative hint fetches, keyed by the exact hint they answer."""

    __slots__ = ("_by_hint", "_closed", "_expected", "_handlers", "_hash_by_number", "_headers",
                 "_limit", "_lock", "_misses", "_number_by_hash", "_pool", "_sources", "_window",
                 "dropped", "scheduled", "used")

    def __init__(self, sources: Sources, handlers: Mapping[str, Handler], workers: int) -> None:
        if workers < 1:
            raise ValueError("a lookahead needs at least one thread")
        self._sources = sources
        self._handlers = handlers
        self._pool: DaemonPool[Preimages] = DaemonPool(workers, "lookahead")
        self._window = 2 * workers
        self._limit = MAX_HELD * workers
        self._closed = False
        self._lock = threading.RLock()  # done-callbacks may run in the scheduling thread
        self._by_hint: dict[HintKey, Task[Preimages]] = {}
        self._headers: dict[int, Task[Preimages]] = {}
        self._hash_by_number: dict[int, bytes] = {}
        self._number_by_hash: dict[bytes, int] = {}
        self._expected: dict[bytes, int] = {}
        """L1 block hash -> number, for headers the client is expected to ask next."""
        self._misses: dict[str, int] = {}
        self.scheduled = 0
        self.used = 0
        self.dropped = 0

    @property
    def held(self) -> int:
        """Speculative fetches queued, running, or done and not yet asked for."""
        with self._lock:
            return len(self._by_hint) + len(self._headers)

    def _make_room(self) -> bool:
        """Drop the oldest finished unused answers until one more fits; False if none can go."""
        excess = len(self._by_hint) + len(self._headers) + 1 - self._limit
        excess -= _drop_done(self._by_hint, excess)
        excess -= _drop_done(self._headers, excess)
        return excess <= 0

    def _submit(self, task: Callable[[], Preimages]) -> Task[Preimages] | None:
        if self._closed or not self._make_room():
            self.dropped += 1
            return None
        self.scheduled += 1
        return self._pool.submit(task)

    def _schedule(self, hint_type: str, payload: bytes) -> None:
        handler = self._handlers.get(hint_type)
        key = (hint_type, payload)
        if handler is None or key in self._by_hint or self._gave_up(hint_type):
            return
        future = self._submit(lambda: handler(self._sources, payload))
        if future is not None:
            self._by_hint[key] = future

    def _schedule_header(self, number: int) -> None:
        if number < 0 or number in self._headers or self._gave_up(HintType.L1_BLOCK_HEADER):
            return
        future = self._submit(lambda: _header_by_number(self._sources, number))
        if future is not None:
            self._headers[number] = future
            future.add_done_callback(lambda done: self._header_done(number, done))

    def take(self, hint_type: str, payload: bytes) -> Preimages | None:
        """The speculative answer to this exact hint (waiting for it if in flight), or None."""
        with self._lock:
            future = self._by_hint.pop((hint_type, payload), None)
            if future is None and hint_type == HintType.L1_BLOCK_HEADER and len(payload) == 32:
                future = self._header_future(payload)
        if future is None:
            return None
        if (not future.running() and not self._pool.starts_soon(future)
                and future.cancel()):  # queued behind busy threads: fetch it now instead
            return None
        try:
            pairs = future.result(timeout=PATIENCE_SECONDS)
        except Exception as exc:  # noqa: BLE001 - a failed guess (or FutureTimeout): use demand
            _log.debug("Speculative fetch failed, fetching on demand type=%s err=%s",
                       hint_type, exc or type(exc).__name__)
            self._miss(hint_type)
            return None
        if hint_type == HintType.L1_BLOCK_HEADER and (not pairs or
                                                     pairs[0][0] != keccak256_key(payload)):
            self._miss(hint_type)  # a by-number header that turned out to be another block
            return None
        self.used += 1
        return pairs

    def _gave_up(self, hint_type: str) -> bool:
        return self._misses.get(hint_type, 0) >= MAX_MISSES

    def _miss(self, hint_type: str) -> None:
        """Count a guess of ``hint_type`` that could not be used (the demand fetch follows)."""
        with self._lock:
            self._misses[hint_type] = self._misses.get(hint_type, 0) + 1
            if self._gave_up(hint_type):
                _log.info("Speculative fetching stopped for this proof type=%s misses=%d",
                          hint_type, MAX_MISSES)

    def _header_future(self, block_hash: bytes) -> Task[Preimages] | None:
        """The by-number fetch expected to hold header ``block_hash`` (its child's number - 1)."""
        number = self._expected.pop(block_hash, None)
        return None if number is None else self._headers.pop(number, None)

    def _header_done(self, number: int, future: Future[Preimages]) -> None:
        if future.cancelled() or future.exception() is not None:
            return
        parent = _parent_of(future.result())
        if parent is not None and number > 0:
            with self._lock:
                self._expected[parent] = number - 1

    def observe(self, hint_type: str, payload: bytes, pairs: Preimages) -> None:
        """Schedule the fetches the client is likely to hint after ``hint_type``/``payload``."""
        try:
            with self._lock:
                self._predict(hint_type, payload, pairs)
        except (DecodeError, OpProgramError) as exc:  # a prediction is a guess: never fatal
            _log.debug("No prediction after type=%s err=%s", hint_type, exc)

    def _predict(self, hint_type: str, payload: bytes, pairs: Preimages) -> None:
        if hint_type in (HintType.L1_BLOCK_HEADER, HintType.L1_TRANSACTIONS) and pairs:
            header = Header.decode(pairs[0][1])
            self._hash_by_number[header.number] = header.hash
            self._number_by_hash[header.hash] = header.number
            if hint_type == HintType.L1_BLOCK_HEADER:
                if header.number > 0:
                    self._expected[header.parent_hash] = header.number - 1
                for number in range(header.number - 1, header.number - 1 - self._window, -1):
                    self._schedule_header(number)
        if hint_type in (HintType.L1_TRANSACTIONS, HintType.L1_RECEIPTS) and len(payload) == 32:
            other = (HintType.L1_RECEIPTS if hint_type == HintType.L1_TRANSACTIONS
                     else HintType.L1_TRANSACTIONS)
            self._schedule(other, payload)
            known = self._number_by_hash.get(payload)
            following = self._hash_by_number.get(known + 1) if known is not None else None
            if following is not None:
                self._schedule(HintType.L1_TRANSACTIONS, following)
                self._schedule(HintType.L1_RECEIPTS, following)
        if hint_type == HintType.L2_STATE_NODE and pairs and len(payload) >= 32:
            account = _account_in_leaf(pairs[0][1])
            if account is not None:
                suffix = payload[32:]
                if account.code_hash != EMPTY_CODE_HASH:
                    self._schedule(HintType.L2_CODE, account.code_hash + suffix)
                if account.storage_root != EMPTY_ROOT:
                    self._schedule(HintType.L2_STATE_NODE, account.storage_root + suffix)

    def close(self) -> None:
        """Cancel queued speculation and drop every answer; running fetches are not waited for."""
        with self._lock:
            self._closed = True
            self._pool.close()
            self._by_hint.clear()
            self._headers.clear()


K = TypeVar("K")


def _drop_done(table: dict[K, Task[Preimages]], count: int) -> int:
    """Remove up to ``count`` finished futures from ``table``, oldest first; return how many."""
    if count <= 0:
        return 0
    done = [key for key, future in table.items() if future.done()][:count]
    for key in done:
        del table[key]
    return len(done)


def _header_by_number(sources: Sources, number: int) -> Preimages:
    block = sources.l1.rpc.call("eth_getBlockByNumber", hex(number), False)
    if not isinstance(block, Mapping):
        raise RPCError(f"L1 block {number} not found")
    header = Header.from_rpc(block)
    if header.number != number:
        raise FetchedDataError(f"node returned block {header.number} for number {number}")
    _log.log(5, "Speculative L1 header number=%d hash=%s", number, bytes_to_hex(header.hash))
    return [(keccak256_key(header.hash), header.encode())]


def _parent_of(pairs: Preimages) -> bytes | None:
    try:
        return Header.decode(pairs[0][1]).parent_hash if pairs else None
    except DecodeError:
        return None


def _account_in_leaf(node: bytes) -> Account | None:
    """The account in a state-trie leaf node ``[path, rlp(account)]``, or None."""
    items = rlp_decode_list(node, "trie node")
    if len(items) != 2 or not isinstance(items[0], bytes) or not isinstance(items[1], bytes):
        return None
    if not items[0] or items[0][0] >> 4 not in (2, 3):  # hex-prefix flag of a leaf
        return None
    try:
        account = Account.decode(items[1])
    except DecodeError:
        return None
    if len(account.code_hash) != 32 or len(account.storage_root) != 32:
        return None
    return account
