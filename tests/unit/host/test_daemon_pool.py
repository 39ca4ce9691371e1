"""DaemonPool: results and exceptions reach the future, close cancels the queue and never waits."""

import threading

import pytest

from op_program.host.daemon_pool import DaemonPool


def test_results_and_exceptions_reach_the_future() -> None:
    pool: DaemonPool[int] = DaemonPool(2, "test-pool")
    try:
        assert pool.submit(lambda: 7).result(20) == 7
        with pytest.raises(ZeroDivisionError):
            pool.submit(lambda: 1 // 0).result(20)
    finally:
        pool.close()


def test_close_cancels_queued_tasks_and_leaves_the_running_one() -> None:
    started, release = threading.Event(), threading.Event()

    def stuck() -> int:
        started.set()
        release.wait(20)
        return 1

    pool: DaemonPool[int] = DaemonPool(1, "test-pool")
    running = pool.submit(stuck)
    assert started.wait(20)
    queued = pool.submit(lambda: 2)
    assert not pool.starts_soon(queued)  # the only thread is busy
    pool.close()
    assert queued.cancelled() and not running.done()
    with pytest.raises(RuntimeError, match="closed"):
        pool.submit(lambda: 3)
    release.set()
    assert running.result(20) == 1
    for thread in pool.threads():
        assert thread.daemon
        thread.join(20)
        assert not thread.is_alive()
