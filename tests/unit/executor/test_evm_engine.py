"""OP_PROGRAM_EVM selects the interpreter: the project's by default, py-evm's on request."""

import pytest

from op_program.executor.evm_backend.backend import evm_engine
from op_program.executor.evm_backend.probe import ProbeInput, run_frame_probe
from op_program.executor.evm_types import EvmRevision


def test_default_is_the_projects_interpreter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OP_PROGRAM_EVM", raising=False)
    assert evm_engine() == "python"


@pytest.mark.parametrize("value, engine", [("pyevm", "pyevm"), (" Python ", "python")])
def test_explicit_choice(monkeypatch: pytest.MonkeyPatch, value: str, engine: str) -> None:
    monkeypatch.setenv("OP_PROGRAM_EVM", value)
    assert evm_engine() == engine


def test_unknown_engine_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OP_PROGRAM_EVM", "revm")
    with pytest.raises(ValueError, match="OP_PROGRAM_EVM"):
        evm_engine()


def test_both_engines_run_and_agree_on_a_real_program() -> None:
    # 1 + 2 stored at slot 0 and returned: both engines, same outcome, nothing vacuous.
    code = bytes.fromhex("6001600201600055600160005260206000f3")
    probe = ProbeInput(EvmRevision.PRAGUE, code, 100_000)
    ours = run_frame_probe("python", probe, (0,))
    assert ours == run_frame_probe("pyevm", probe, (0,))
    assert ours.storage == ((0, 3),) and ours.output == (1).to_bytes(32, "big")
