"""Benchmark: build every block of tests/fixtures/executor; print JSON (gas, s, Mgas/s, kona).

Usage: python bench/execute_fixtures.py [--repeat N] [--profile OUT.pstats] [--no-kona] [--cli]
                                        [FIXTURE_DIR ...]

Each fixture is built ``--repeat`` times in this process (best kept); loading and parsing are
not timed, and the executor's modules are imported before the first timing. CPU seconds
(``time.process_time``) are the measure to compare on a shared machine; wall seconds are also
printed. In the same run, ``kona-exec-bench`` (kona's stateless block builder, from the
reference binaries, unpacked as ``tests/reference_bins.py`` does) builds the same fixtures
(``REPS`` = ``--repeat``, at least 3; its minimum is kept), each converted to its input (a
directory with ``fixture.json``, EIP-1559 parameters in the shape kona's parser takes, and
``kv.bin``, the format of ``to-kvbin.py``). ``--cli`` also times ``op-program execute-block``
on each fixture as a separate process (start-up included: ``cli_seconds``), and runs
``op-program execute-block --reps R`` once over all fixtures (R as kona's ``REPS``), which times
the block build as kona-exec-bench does (each fixture loaded once, every repetition from a fresh
state, per-code caches emptied; see ``op_program.cli.execute_block_bench``): ``cli_build_*`` per
fixture, ``ratio_cli_build_vs_kona`` (our wall seconds_min over kona's),
``ratio_cli_build_cpu_vs_kona`` (our CPU seconds_min over kona's wall) and, in the aggregate,
that process's start-up until the executor is ready (``cli_startup_seconds``, of which
``cli_import_seconds`` importing the executor).
"""

import argparse
import cProfile
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from op_program.cli.execute_block_cmd import execute_fixture, load_fixture_dir

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DIR = REPO / "tests" / "fixtures" / "executor"


def _kona_binary() -> tuple[Path | None, str]:
    """kona-exec-bench, unpacked and checksum-verified; or None and why not."""
    sys.path.insert(0, str(REPO))
    try:
        from tests.reference_bins import reference_binary
        return reference_binary("kona-exec-bench"), ""
    except BaseException as exc:  # noqa: BLE001 - pytest's skip/fail are BaseExceptions
        return None, f"kona-exec-bench unavailable: {exc}"
    finally:
        sys.path.remove(str(REPO))


def _write_kvbin(preimages_gz: Path, out: Path) -> None:
    """``kv.bin``: repeated (32-byte key, u32 big-endian length, value) (to-kvbin.py)."""
    with gzip.open(preimages_gz, "rt") as fh:
        table = json.load(fh)
    with out.open("wb") as sink:
        for key, value in table.items():
            raw = bytes.fromhex(value[2:])
            sink.write(bytes.fromhex(key[2:]) + len(raw).to_bytes(4, "big") + raw)


def _kona_fixture(raw: bytes) -> bytes:
    """The fixture as kona-exec-bench's parser takes it (the same chain parameters).

    Older fixtures give the EIP-1559 parameters as ``base_fee_params`` /
    ``canyon_base_fee_params`` or as hex strings in ``chain_op_config``; kona's rollup
    config wants ``chain_op_config`` with integers.
    """
    doc = json.loads(raw)
    config = doc.get("rollup_config", {})
    base = config.pop("base_fee_params", None)
    canyon = config.pop("canyon_base_fee_params", None) or base
    if base is not None:
        config["chain_op_config"] = {
            "eip1559Denominator": base["max_change_denominator"],
            "eip1559DenominatorCanyon": canyon["max_change_denominator"],
            "eip1559Elasticity": base["elasticity_multiplier"],
        }
    op_config = config.get("chain_op_config") or {}
    for key, value in op_config.items():
        if isinstance(value, str):
            op_config[key] = int(value, 0)
    return json.dumps(doc).encode()


def kona_times(dirs: list[Path], reps: int) -> tuple[dict[str, dict[str, Any]], str]:
    """kona-exec-bench's result per fixture name (one run over all fixtures)."""
    binary, why = _kona_binary()
    if binary is None:
        return {}, why
    with tempfile.TemporaryDirectory(prefix="kona-exec-bench-") as tmp:
        inputs = []
        for path in dirs:
            target = Path(tmp) / path.name
            target.mkdir()
            (target / "fixture.json").write_bytes(
                _kona_fixture((path / "fixture.json").read_bytes())
            )
            _write_kvbin(path / "preimages.json.gz", target / "kv.bin")
            inputs.append(target)
        done = subprocess.run(
            [str(binary), *map(str, inputs)], capture_output=True, text=True, timeout=1800,
            env={**os.environ, "REPS": str(reps)}, check=False,
        )
    results = {}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    for path, line in zip(dirs, lines, strict=False):
        results[path.name] = json.loads(line)
    if done.returncode != 0 or len(results) != len(dirs):
        return results, f"kona-exec-bench exit {done.returncode}: {done.stderr[-500:]}"
    return results, ""


def cli_seconds(path: Path) -> float:
    """Wall seconds of ``op-program execute-block PATH`` as its own process."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "op_program.cli.main", "execute-block", str(path)],
        capture_output=True, timeout=600, check=False,
    )
    return time.perf_counter() - start


def cli_build_times(dirs: list[Path], reps: int) -> tuple[dict[str, dict[str, Any]], str]:
    """``op-program execute-block --reps`` over all fixtures in one process: line per name."""
    done = subprocess.run(
        [sys.executable, "-m", "op_program.cli.main", "execute-block", "--reps", str(reps),
         *map(str, dirs)],
        capture_output=True, text=True, timeout=3600, check=False,
    )
    results = {}
    for line in done.stdout.splitlines():
        if line.startswith("{"):
            entry = json.loads(line)
            results[Path(entry["fixture"]).name] = entry
    if done.returncode not in (0, 1) or len(results) != len(dirs):
        return results, f"execute-block --reps exit {done.returncode}: {done.stderr[-500:]}"
    return results, ""


def main() -> int:  # noqa: PLR0912, PLR0915 - one flat report
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dirs", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--profile", type=Path, default=None)
    parser.add_argument("--no-kona", action="store_true")
    parser.add_argument("--cli", action="store_true")
    args = parser.parse_args()
    dirs = args.dirs or sorted(p for p in DEFAULT_DIR.glob("*") if (p / "fixture.json").exists())
    if not dirs:
        print(json.dumps({"error": f"no fixtures under {DEFAULT_DIR}"}))
        return 2
    import op_program.executor.builder  # noqa: F401 - imported before the first timing
    profiler = cProfile.Profile() if args.profile else None
    rows = []
    for path in dirs:
        fixture = load_fixture_dir(path)
        best = best_cpu = None
        for _ in range(max(1, args.repeat)):
            if profiler:
                profiler.enable()
            cpu = time.process_time()
            result, seconds = execute_fixture(fixture)
            cpu = time.process_time() - cpu
            if profiler:
                profiler.disable()
            best = seconds if best is None else min(best, seconds)
            best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
        assert best is not None and best_cpu is not None
        gas = result.header.gas_used
        rows.append({
            "fixture": path.name, "match": result.block_hash == fixture.expected_block_hash,
            "transactions": len(result.transactions), "gas": gas, "seconds": round(best, 4),
            "cpu_seconds": round(best_cpu, 4), "mgas_per_s": round(gas / best / 1e6, 3),
            "mgas_per_cpu_s": round(gas / best_cpu / 1e6, 3),
        })
        if args.cli:
            rows[-1]["cli_seconds"] = round(cli_seconds(path), 3)
    reps = max(3, args.repeat)
    kona, kona_error = ({}, "not run (--no-kona)") if args.no_kona else kona_times(dirs, reps)
    built, cli_error = cli_build_times(dirs, reps) if args.cli else ({}, "")
    for row in rows:
        b = built.get(row["fixture"])
        if b is not None and "error" not in b:
            row["cli_build_match"] = b["match"]
            row["cli_build_seconds"] = round(b["seconds_min"], 4)
            row["cli_build_cpu_seconds"] = round(b["cpu_seconds_min"], 4)
            row["cli_build_seconds_first"] = round(b["seconds_first"], 4)
            row["cli_build_cpu_seconds_first"] = round(b["cpu_seconds_first"], 4)
        k = kona.get(row["fixture"])
        if k is not None:
            row["kona_seconds"] = round(k["seconds_min"], 4)
            row["kona_match"] = k["match"]
            row["ratio_cpu_vs_kona"] = round(row["cpu_seconds"] / k["seconds_min"], 1)
            if "cli_seconds" in row:
                row["ratio_cli_vs_kona"] = round(row["cli_seconds"] / k["seconds_min"], 1)
            if b is not None and "cli_build_seconds" in row:
                row["ratio_cli_build_vs_kona"] = round(b["seconds_min"] / k["seconds_min"], 1)
                row["ratio_cli_build_cpu_vs_kona"] = round(
                    b["cpu_seconds_min"] / k["seconds_min"], 1
                )
    total_gas = sum(r["gas"] for r in rows)
    total_s = sum(r["seconds"] for r in rows)
    total_cpu = sum(r["cpu_seconds"] for r in rows)
    aggregate: dict[str, Any] = {
        "fixtures": len(rows), "matched": sum(r["match"] for r in rows), "gas": total_gas,
        "seconds": round(total_s, 3), "mgas_per_s": round(total_gas / total_s / 1e6, 3),
        "cpu_seconds": round(total_cpu, 3),
        "mgas_per_cpu_s": round(total_gas / total_cpu / 1e6, 3),
        "max_seconds": max(r["seconds"] for r in rows),
        "max_cpu_seconds": max(r["cpu_seconds"] for r in rows),
    }
    if kona and len(kona) == len(rows):
        kona_total = sum(r["kona_seconds"] for r in rows)
        aggregate.update({
            "kona_seconds": round(kona_total, 3),
            "kona_mgas_per_s": round(total_gas / kona_total / 1e6, 3),
            "ratio_cpu_vs_kona": round(total_cpu / kona_total, 1),
            "max_ratio_cpu_vs_kona": max(r["ratio_cpu_vs_kona"] for r in rows),
        })
        if args.cli:
            aggregate["max_ratio_cli_vs_kona"] = max(r["ratio_cli_vs_kona"] for r in rows)
        for key in ("ratio_cli_build_vs_kona", "ratio_cli_build_cpu_vs_kona"):
            if rows and all(key in r for r in rows):
                aggregate[f"max_{key}"] = max(r[key] for r in rows)
    if built:
        first = next(iter(built.values()))
        aggregate["cli_startup_seconds"] = first.get("startup_seconds")
        aggregate["cli_import_seconds"] = first.get("import_seconds")
        aggregate["cli_build_matched"] = sum(bool(b.get("match")) for b in built.values())
    if kona_error:
        aggregate["kona_error"] = kona_error
    if cli_error:
        aggregate["cli_build_error"] = cli_error
    out: dict[str, Any] = {"fixtures": rows, "aggregate": aggregate}
    if profiler:
        profiler.dump_stats(str(args.profile))
    print(json.dumps(out, indent=2))
    return 0 if aggregate["matched"] == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
