"""Benchmark: build every block of tests/fixtures/executor; print JSON (gas, s, Mgas/s).

Usage: python bench/execute_fixtures.py [--repeat N] [--profile OUT.pstats] [FIXTURE_DIR ...]
Each fixture is built ``--repeat`` times (best time kept); loading and parsing are not timed.
"""

import argparse
import cProfile
import json
import sys
import time
from pathlib import Path
from typing import Any

from op_program.cli.execute_block_cmd import execute_fixture, load_fixture_dir

DEFAULT_DIR = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "executor"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dirs", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--profile", type=Path, default=None)
    args = parser.parse_args()
    dirs = args.dirs or sorted(p for p in DEFAULT_DIR.glob("*") if (p / "fixture.json").exists())
    if not dirs:
        print(json.dumps({"error": f"no fixtures under {DEFAULT_DIR}"}))
        return 2
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
    total_gas = sum(r["gas"] for r in rows)
    total_s = sum(r["seconds"] for r in rows)
    total_cpu = sum(r["cpu_seconds"] for r in rows)
    out: dict[str, Any] = {
        "fixtures": rows,
        "aggregate": {
            "fixtures": len(rows), "matched": sum(r["match"] for r in rows), "gas": total_gas,
            "seconds": round(total_s, 3), "mgas_per_s": round(total_gas / total_s / 1e6, 3),
            "cpu_seconds": round(total_cpu, 3),
            "mgas_per_cpu_s": round(total_gas / total_cpu / 1e6, 3),
            "max_seconds": max(r["seconds"] for r in rows),
        },
    }
    if profiler:
        profiler.dump_stats(str(args.profile))
    print(json.dumps(out, indent=2))
    return 0 if out["aggregate"]["matched"] == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
