"""The lookahead: speculative answers only for the exact hint, failures fall back, guesses safe."""

import threading
from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from op_program.devnet.network import Devnet
from op_program.hints import HintType
from op_program.host import lookahead as lookahead_module
from op_program.host.errors import RPCError
from op_program.host.hint_handlers import Preimages
from op_program.host.lookahead import MAX_HELD, MAX_MISSES, Lookahead
from op_program.preimage.keys import keccak256_key
from op_program.protocol.header import Header


@pytest.fixture(scope="module")
def headers() -> list[Header]:
    """Ten L1 headers of a devnet chain, by number."""
    devnet = Devnet()
    devnet.mine_l1(9)
    return [block.header for block in devnet.l1.blocks[:10]]


def _sources(headers: list[Header], calls: list[Any], forged: int | None = None) -> Any:
    def call(method: str, number: str, full: bool) -> Any:
        calls.append((method, number))
        header = headers[int(number, 16)]
        if int(number, 16) == forged:  # another block at that number (a reorg)
            header = replace(header, extra_data=b"forged")
        return header.to_rpc()

    return SimpleNamespace(l1=SimpleNamespace(rpc=SimpleNamespace(call=call)))


def _pair(header: Header) -> Preimages:
    return [(keccak256_key(header.hash), header.encode())]


def test_l1_walk_back_is_fetched_ahead(headers: list[Header]) -> None:
    calls: list[Any] = []
    lookahead = Lookahead(_sources(headers, calls), {}, workers=2)
    try:
        head = headers[9]
        lookahead.observe(HintType.L1_BLOCK_HEADER, head.hash, _pair(head))
        for number in range(8, 0, -1):
            taken = lookahead.take(HintType.L1_BLOCK_HEADER, headers[number].hash)
            assert taken == _pair(headers[number])
            lookahead.observe(HintType.L1_BLOCK_HEADER, headers[number].hash, taken)
        assert lookahead.used == 8
        assert lookahead.take(HintType.L1_BLOCK_HEADER, b"\x01" * 32) is None
    finally:
        lookahead.close()
    numbers = [int(n, 16) for _, n in calls]
    assert len(numbers) == len(set(numbers))  # each block fetched once


def test_a_reorged_header_is_not_used(headers: list[Header]) -> None:
    lookahead = Lookahead(_sources(headers, [], forged=8), {}, workers=2)
    try:
        lookahead.observe(HintType.L1_BLOCK_HEADER, headers[9].hash, _pair(headers[9]))
        assert lookahead.take(HintType.L1_BLOCK_HEADER, headers[8].hash) is None
    finally:
        lookahead.close()


def test_transactions_schedule_receipts_and_failures_fall_back(headers: list[Header]) -> None:
    asked: list[bytes] = []

    def receipts(sources: Any, payload: bytes) -> Preimages:
        asked.append(payload)
        if payload == headers[2].hash:
            raise RPCError("node down")
        return [(keccak256_key(payload), b"receipts of " + payload)]

    handlers: dict[str, Any] = {HintType.L1_RECEIPTS: receipts}
    lookahead = Lookahead(_sources(headers, []), handlers, workers=1)
    try:
        for header in headers[1:3]:
            lookahead.observe(HintType.L1_TRANSACTIONS, header.hash, _pair(header))
        assert lookahead.take(HintType.L1_RECEIPTS, headers[1].hash) == [
            (keccak256_key(headers[1].hash), b"receipts of " + headers[1].hash)]
        assert lookahead.take(HintType.L1_RECEIPTS, headers[2].hash) is None  # failed: demand
        assert lookahead.take(HintType.L1_RECEIPTS, headers[1].hash) is None  # used once only
        assert lookahead.used == 1
    finally:
        lookahead.close()
    assert asked == [headers[1].hash, headers[2].hash]


@pytest.mark.parametrize("value", [b"", b"\xc0", b"\xff" * 40, b"\xf8\x02\x80\x80"])
def test_garbage_never_breaks_a_prediction(headers: list[Header], value: bytes) -> None:
    lookahead = Lookahead(_sources(headers, []), {}, workers=1)
    try:
        for hint_type in (HintType.L1_BLOCK_HEADER, HintType.L1_TRANSACTIONS,
                          HintType.L2_STATE_NODE):
            lookahead.observe(hint_type, b"\x05" * 32, [(b"\x02" + bytes(31), value)])
            lookahead.observe(hint_type, b"\x05" * 32, [])
        assert lookahead.scheduled == 0
    finally:
        lookahead.close()


def test_needs_a_thread() -> None:
    with pytest.raises(ValueError, match="at least one thread"):
        Lookahead(SimpleNamespace(), {}, workers=0)  # type: ignore[arg-type]


def _blocking_receipts(started: threading.Event, release: threading.Event,
                       finished: list[bytes], asked: list[bytes], blocked: bytes) -> Any:
    """A receipts handler that holds the thread on ``blocked`` until released (at most 20 s)."""

    def receipts(sources: Any, payload: bytes) -> Preimages:
        asked.append(payload)
        if payload == blocked:
            started.set()
            release.wait(20)
            finished.append(payload)
        return [(keccak256_key(payload), b"receipts")]

    return receipts


def test_a_fetch_queued_behind_a_busy_thread_is_fetched_on_demand(
        headers: list[Header]) -> None:
    """The one thread is stuck on a slow fetch: a queued guess is cancelled, not waited for."""
    started, release = threading.Event(), threading.Event()
    finished: list[bytes] = []
    asked: list[bytes] = []
    slow, wanted = headers[1].hash, headers[2].hash
    handlers: dict[str, Any] = {
        HintType.L1_RECEIPTS: _blocking_receipts(started, release, finished, asked, slow)}
    lookahead = Lookahead(_sources(headers, []), handlers, workers=1)
    try:
        lookahead.observe(HintType.L1_TRANSACTIONS, slow, _pair(headers[1]))
        lookahead.observe(HintType.L1_TRANSACTIONS, wanted, _pair(headers[2]))
        assert started.wait(20)
        assert lookahead.take(HintType.L1_RECEIPTS, wanted) is None  # the demand fetch runs
        assert finished == []  # ... without waiting for the stuck one
    finally:
        release.set()
        lookahead.close()
    assert wanted not in asked


def test_close_does_not_wait_for_a_running_fetch(headers: list[Header]) -> None:
    """A speculative fetch stuck on a slow node holds neither the end of a proof nor Ctrl-C."""
    started, release = threading.Event(), threading.Event()
    finished: list[bytes] = []
    slow = headers[1].hash
    handlers: dict[str, Any] = {
        HintType.L1_RECEIPTS: _blocking_receipts(started, release, finished, [], slow)}
    lookahead = Lookahead(_sources(headers, []), handlers, workers=2)
    threads = [t for t in threading.enumerate() if t.name.startswith("lookahead")]
    assert threads and all(t.daemon for t in threads)  # never keep the process alive
    try:
        lookahead.observe(HintType.L1_TRANSACTIONS, slow, _pair(headers[1]))
        assert started.wait(20)
        lookahead.close()
        assert finished == []
        assert lookahead.held == 0
    finally:
        release.set()
    for thread in threads:
        thread.join(20)
        assert not thread.is_alive()  # the threads end once their fetch does


@pytest.mark.parametrize("error", [ValueError("bug"), KeyError("x"), RPCError("down")])
def test_any_failure_of_a_guess_falls_back_to_demand(headers: list[Header],
                                                      error: Exception) -> None:
    """Whatever a speculative fetch raised, the client's fetch runs on demand (no crash)."""

    def receipts(sources: Any, payload: bytes) -> Preimages:
        raise error

    lookahead = Lookahead(_sources(headers, []), {HintType.L1_RECEIPTS: receipts}, workers=1)
    try:
        lookahead.observe(HintType.L1_TRANSACTIONS, headers[1].hash, _pair(headers[1]))
        assert lookahead.take(HintType.L1_RECEIPTS, headers[1].hash) is None
    finally:
        lookahead.close()


def test_unused_answers_are_bounded(headers: list[Header]) -> None:
    """Guesses the client never asks for do not pile up: the oldest unused go first."""

    fetched = threading.Semaphore(0)

    def receipts(sources: Any, payload: bytes) -> Preimages:
        fetched.release()
        return [(keccak256_key(payload), b"receipts")]

    lookahead = Lookahead(_sources(headers, []), {HintType.L1_RECEIPTS: receipts}, workers=1)
    blocks = [replace(headers[1], number=1000 + 2 * i) for i in range(5 * MAX_HELD)]
    try:
        for block in blocks:
            lookahead.observe(HintType.L1_TRANSACTIONS, block.hash, _pair(block))
            assert fetched.acquire(timeout=20)
            assert lookahead.held <= MAX_HELD
        last = blocks[-1].hash
        assert lookahead.take(HintType.L1_RECEIPTS, last) == [(keccak256_key(last), b"receipts")]
    finally:
        lookahead.close()


@settings(deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(value=st.binary(max_size=700), payload=st.binary(max_size=64),
       hint_type=st.sampled_from([HintType.L1_BLOCK_HEADER, HintType.L1_TRANSACTIONS,
                                  HintType.L1_RECEIPTS, HintType.L2_STATE_NODE]))
def test_hostile_data_never_breaks_observe(value: bytes, payload: bytes, hint_type: str) -> None:
    """Whatever a node sent (observed before the prefetcher re-hashes it): no exception."""
    lookahead = Lookahead(SimpleNamespace(), {}, workers=1)  # type: ignore[arg-type]
    try:
        lookahead.observe(hint_type, payload, [(b"\x02" + bytes(31), value)])
        assert lookahead.held <= MAX_HELD
    finally:
        lookahead.close()


def test_a_node_stuck_on_guesses_costs_a_few_bounded_waits(
        headers: list[Header], monkeypatch: pytest.MonkeyPatch) -> None:
    """By-number headers that never come: each take gives up after the patience, and after
    ``MAX_MISSES`` of them the walk-back is no longer fetched ahead."""
    monkeypatch.setattr(lookahead_module, "PATIENCE_SECONDS", 0.05)
    release = threading.Event()

    def stuck(method: str, number: str, full: bool) -> Any:
        release.wait(20)
        raise RPCError("too late")

    sources = SimpleNamespace(l1=SimpleNamespace(rpc=SimpleNamespace(call=stuck)))
    lookahead = Lookahead(sources, {}, workers=4)  # type: ignore[arg-type]
    try:
        lookahead.observe(HintType.L1_BLOCK_HEADER, headers[9].hash, _pair(headers[9]))
        for number in range(8, 8 - MAX_MISSES, -1):  # running (4 threads): waited, then given up
            assert lookahead.take(HintType.L1_BLOCK_HEADER, headers[number].hash) is None
            lookahead.observe(HintType.L1_BLOCK_HEADER, headers[number].hash,
                              _pair(headers[number]))  # as fetched on demand
        assert not release.is_set()
        scheduled = lookahead.scheduled
        later = replace(headers[9], number=1000)
        lookahead.observe(HintType.L1_BLOCK_HEADER, later.hash, _pair(later))
        assert lookahead.scheduled == scheduled  # no more headers fetched ahead
    finally:
        release.set()
        lookahead.close()
