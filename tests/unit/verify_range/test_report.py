"""verify-range planning, judgement and store, without nodes or a cluster."""

from pathlib import Path

import pytest

from op_program.cli.main import main
from op_program.verify_range.runner import RangeError, RangeReport, steps_of
from op_program.verify_range.store import ResultStore
from op_program.verify_range.task import BlockResult, NodeUrls, Verdict

ROOT_A, ROOT_B = bytes([0xAA]) * 32, bytes([0xBB]) * 32


def result(block: int, verdict: Verdict, computed: bytes | None = ROOT_A) -> BlockResult:
    return BlockResult(block=block, span=1, claimed_root=ROOT_A, verdict=verdict,
                       computed_root=computed, gas_used=21000, seconds=0.5, preimages=7)


def test_steps_cover_the_range_in_spans() -> None:
    assert steps_of(5, 7, 1) == [(4, 5), (5, 6), (6, 7)]
    assert steps_of(1, 10, 4) == [(0, 4), (4, 8), (8, 10)]
    assert steps_of(3, 3, 9) == [(2, 3)]
    for first, last, span in ((0, 4, 1), (5, 4, 1), (1, 4, 0)):
        with pytest.raises(RangeError):
            steps_of(first, last, span)


def test_exit_code_valid_invalid_error_and_unfinished() -> None:
    valid = RangeReport(2, [result(1, Verdict.VALID), result(2, Verdict.VALID)])
    assert valid.exit_code == 0
    bad = RangeReport(3, [result(3, Verdict.INVALID, ROOT_B), result(1, Verdict.VALID),
                          result(2, Verdict.INVALID, ROOT_B)])
    assert bad.exit_code == 1
    assert bad.first_invalid is not None and bad.first_invalid.block == 2
    assert bad.summary()["first_invalid"] == {
        "block": 2, "claimed_root": "0x" + ROOT_A.hex(), "computed_root": "0x" + ROOT_B.hex()}
    unverified = RangeReport(2, [result(1, Verdict.INVALID, ROOT_B),
                                 result(2, Verdict.UNVERIFIED, None)])
    assert unverified.exit_code == 1
    error = RangeReport(2, [result(1, Verdict.INVALID, ROOT_B), result(2, Verdict.ERROR, None)])
    assert error.exit_code == 2  # a failure is never a verdict, even next to an invalid claim
    assert RangeReport(3, [result(1, Verdict.VALID)]).exit_code == 2  # steps left undone
    interrupted = RangeReport(1, [result(1, Verdict.VALID)], interrupted=True)
    assert interrupted.exit_code == 2


def test_store_keeps_verdicts_by_claim_and_start_but_not_errors(tmp_path: Path) -> None:
    path = tmp_path / "results.sqlite3"
    with ResultStore(path, 10) as store:
        store.add(result(5, Verdict.VALID), agreed_root=ROOT_B)
        store.add(result(6, Verdict.ERROR, None), agreed_root=ROOT_B)
    with ResultStore(path, 10) as store:
        found = store.find(5, ROOT_A, 1, ROOT_B)
        assert found is not None and found.cached and found.verdict is Verdict.VALID
        assert (found.gas_used, found.preimages, found.computed_root) == (21000, 7, ROOT_A)
        assert store.find(5, ROOT_B, 1, ROOT_B) is None  # another claim
        assert store.find(5, ROOT_A, 2, ROOT_B) is None  # another span
        assert store.find(5, ROOT_A, 1, ROOT_A) is None  # another start
        assert store.find(6, ROOT_A, 1, ROOT_B) is None  # errors are retried by a rerun
        assert store.count() == 1
    with ResultStore(path, 11) as other_chain:
        assert other_chain.find(5, ROOT_A, 1, ROOT_B) is None


def test_node_urls_are_redacted_in_their_repr() -> None:
    urls = NodeUrls("https://l1.example/v2/SECRETKEY", "https://beacon.example/KEY2",
                    "https://l2.example/?apikey=KEY3")
    text = repr(urls)
    assert "SECRETKEY" not in text and "KEY2" not in text and "KEY3" not in text
    assert "l1.example" in text


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    base = ["verify-range", "--network", "op-mainnet", "--from", "5", "--to", "9",
            "--store", str(tmp_path / "s.sqlite3")]
    assert main(base) == 2
    assert "flag l1 is required" in capsys.readouterr().err
    nodes = ["--l1", "http://127.0.0.1:1", "--l1.beacon", "http://127.0.0.1:1",
             "--l2", "http://127.0.0.1:1"]
    assert main([*base[:3], "--from", "9", "--to", "5", *nodes]) == 2
    assert "not a range" in capsys.readouterr().err
    assert main([*base, *nodes, "--rollup.node", "ftp://x"]) == 2
    assert "not an http" in capsys.readouterr().err
    assert not (tmp_path / "s.sqlite3").exists()
