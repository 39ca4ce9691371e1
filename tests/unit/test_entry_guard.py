"""The entry-point guard and the signal handling it installs (issue 11)."""

import logging
import os
import signal

import pytest

from op_program.entry_guard import run_guarded, wants_traceback
from op_program.shutdown import (
    Interrupted,
    handling_signals,
    received_signal,
    signals_deferred,
    signals_held,
)


def test_any_exception_is_exit_2_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    def boom() -> int:
        raise ValueError("No closing\nquotation")

    assert run_guarded(boom, "prog", []) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("prog: error: ValueError: No closing quotation")
    assert "Traceback" not in err


def test_traceback_at_debug(capsys: pytest.CaptureFixture[str]) -> None:
    def boom() -> int:
        raise OSError(9, "Bad file descriptor")

    assert run_guarded(boom, "prog", ["--log.level", "debug"]) == 2
    assert "Traceback" in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "env", "expected"), [
    (["--log.level", "trace"], "", True), (["--log.level=DEBUG"], "", True),
    (["--log.level", "info"], "", False), ([], "debug", True), ([], "warn", False)])
def test_wants_traceback(monkeypatch: pytest.MonkeyPatch, argv: list[str], env: str,
                         expected: bool) -> None:
    monkeypatch.setenv("OP_PROGRAM_LOG_LEVEL", env)
    root = logging.getLogger()
    monkeypatch.setattr(root, "level", logging.WARNING)  # as before any logging setup
    assert wants_traceback(argv) is expected


@pytest.mark.parametrize(("returned", "code"), [(0, 0), (1, 1), (2, 2), (3, 2), (-9, 2),
                                                (135, 2), (None, 2), (True, 2)])
def test_only_0_1_2_leave_the_guard(returned: object, code: int) -> None:
    assert run_guarded(lambda: returned, "prog", []) == code  # type: ignore[arg-type,return-value]


@pytest.mark.parametrize(("exit_code", "code"), [(0, 0), (2, 2), (1, 2), (None, 2), ("x", 2)])
def test_system_exit(exit_code: object, code: int) -> None:
    def leave() -> int:
        raise SystemExit(exit_code)

    assert run_guarded(leave, "prog", []) == code


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_signal_unwinds_and_exits_2(signum: int, capsys: pytest.CaptureFixture[str]) -> None:
    cleaned = []

    def work() -> int:
        try:
            os.kill(os.getpid(), signum)
            signal.pause()  # never reached: the handler raises while the kill returns
            return 0
        finally:
            cleaned.append(True)

    assert run_guarded(work, "prog", []) == 2
    assert cleaned == [True]
    assert f"interrupted by {signal.Signals(signum).name}" in capsys.readouterr().err
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # restored


def test_deferred_signal_is_recorded_not_raised() -> None:
    with handling_signals():
        with signals_deferred():
            os.kill(os.getpid(), signal.SIGTERM)
        assert received_signal() == signal.SIGTERM
        os.kill(os.getpid(), signal.SIGINT)  # later signals are ignored while unwinding


def test_held_signal_is_raised_when_the_block_ends() -> None:
    done = []
    with handling_signals(), pytest.raises(Interrupted) as caught:
        with signals_held():
            os.kill(os.getpid(), signal.SIGTERM)
            done.append("write finished")
    assert done == ["write finished"] and caught.value.signum == signal.SIGTERM


def test_second_signal_breaks_a_stuck_hold() -> None:
    with handling_signals(), pytest.raises(Interrupted) as caught, signals_held():
        os.kill(os.getpid(), signal.SIGTERM)
        os.kill(os.getpid(), signal.SIGINT)
        pytest.fail("the second signal must raise inside the held block")
    assert caught.value.signum == signal.SIGINT


def test_urls_with_keys_never_reach_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    def boom() -> int:
        raise ConnectionError("POST https://user:pw@node.example/v2/SECRETKEY?k=SECRET failed")

    assert run_guarded(boom, "prog", ["--log.level", "debug"]) == 2
    err = capsys.readouterr().err
    assert "SECRET" not in err and "node.example" in err and "Traceback" in err
