"""The distributed engine on an embedded local Dask cluster of two worker processes."""

import os
import signal
from collections.abc import Generator, Iterator
from functools import partial
from pathlib import Path

import pytest

from op_program.distributed.engine import ClusterOptions, Engine, EngineError, Outcome

pytestmark = pytest.mark.integration


def square(value: int) -> int:
    return value * value


def pid_of(_: int) -> int:
    return os.getpid()


def fail_on(bad: int, log: Path, value: int) -> int:
    """Raise for ``bad`` (noting each attempt in ``log``), square the others."""
    if value == bad:
        with log.open("a") as out:
            out.write("attempt\n")
        raise ValueError(f"no square for {value}")
    return value * value


def die_once_on(victim: int, marker: Path, value: int) -> tuple[int, int]:
    """Kill this worker process the first time ``victim`` runs (``marker`` remembers it)."""
    if value == victim and not marker.exists():
        marker.write_text(str(os.getpid()))
        os.kill(os.getpid(), signal.SIGKILL)
    return value * value, os.getpid()


@pytest.fixture(scope="module")
def engine() -> Iterator[Engine]:
    with Engine(ClusterOptions(workers=2)) as started:
        yield started


def _results(outcomes: Iterator[Outcome[int, int]]) -> dict[int, int | None]:
    return {outcome.item: outcome.result for outcome in outcomes}


def test_maps_every_input_on_two_worker_processes(engine: Engine) -> None:
    assert engine.workers == 2
    assert _results(engine.map_unordered(square, range(40))) == {n: n * n for n in range(40)}
    pids = {o.result for o in engine.map_unordered(pid_of, range(40))}
    assert os.getpid() not in pids and pids <= set(engine.worker_pids().values())


def test_a_task_that_keeps_failing_is_an_error_outcome_after_its_retries(
        engine: Engine, tmp_path: Path) -> None:
    log = tmp_path / "attempts"
    outcomes = {o.item: o for o in engine.map_unordered(partial(fail_on, 3, log), range(6))}
    assert [n for n, o in outcomes.items() if not o.ok] == [3]
    assert outcomes[3].error == "ValueError: no square for 3"
    assert outcomes[5].result == 25
    assert log.read_text().count("attempt") == 1 + ClusterOptions().retries


def test_a_killed_worker_is_replaced_and_its_task_rerun_with_the_same_result(
        engine: Engine, tmp_path: Path) -> None:
    marker = tmp_path / "killed"
    outcomes = list(engine.map_unordered(partial(die_once_on, 5, marker), range(10)))
    assert marker.exists(), "the victim task never ran"
    killed_pid = int(marker.read_text())
    assert all(o.ok for o in outcomes), outcomes
    assert {o.item: o.result[0] for o in outcomes if o.result} == {n: n * n for n in range(10)}
    rerun = next(o for o in outcomes if o.item == 5)
    assert rerun.result is not None and rerun.result[1] != killed_pid


def test_inputs_are_taken_lazily_and_an_abandoned_map_stops_taking_them(
        engine: Engine) -> None:
    taken: list[int] = []

    def numbers() -> Iterator[int]:
        for n in range(1000):
            taken.append(n)
            yield n

    window = 3
    small = Engine(ClusterOptions(address=None, workers=2, in_flight=window))
    small._client, small._started = engine._client, True  # share the running cluster
    outcomes = small.map_unordered(square, numbers())
    assert isinstance(outcomes, Generator)
    first = next(outcomes)
    outcomes.close()
    assert first.result == first.item ** 2
    assert len(taken) == window + 1  # the window, then one more after the first result


def test_use_outside_the_with_block_is_refused() -> None:
    with pytest.raises(EngineError):
        next(Engine().map_unordered(square, [1]))
    with pytest.raises(EngineError):
        Engine(ClusterOptions(workers=-1))


def test_attaches_to_a_running_scheduler_and_leaves_it_running(engine: Engine) -> None:
    address = engine._cluster.scheduler_address
    engine._client.wait_for_workers(2, timeout=120)  # a worker killed above may be restarting
    with Engine(ClusterOptions(address=address)) as attached:
        assert attached.workers == 2
        assert _results(attached.map_unordered(square, range(5))) == {n: n * n for n in range(5)}
    assert engine.workers == 2  # closing the attached client did not stop the cluster
    assert _results(engine.map_unordered(square, [7])) == {7: 49}


def test_an_unreachable_scheduler_is_an_engine_error() -> None:
    with pytest.raises(EngineError, match="cannot start or reach tcp://127.0.0.1:9"):
        Engine(ClusterOptions(address="tcp://127.0.0.1:9", connect_timeout=2)).start()


def test_a_map_never_reuses_an_earlier_maps_results(engine: Engine, tmp_path: Path) -> None:
    failing = list(engine.map_unordered(partial(fail_on, 0, tmp_path / "log"), [0]))
    assert failing[0].error == "ValueError: no square for 0"
    assert _results(engine.map_unordered(square, [0])) == {0: 0}  # same index, new task
