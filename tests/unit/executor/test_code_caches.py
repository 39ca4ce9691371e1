"""``code_caches``: no executor cache carries per-block work from one ``--reps`` build to the next.

A build that fills a module-level container of the executor which ``clear_per_code_caches``
does not empty and ``KEPT_WARM`` does not list fails here, naming it (see the module's docstring).
"""

import sys
from pathlib import Path

import pytest

from op_program.cli.execute_block_cmd import execute_fixture, load_fixture_dir
from op_program.executor.evm_backend import code_caches

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "executor" / "op-sepolia-26207960"


def container_sizes() -> dict[str, int]:
    """``module.name`` -> length, for every dict/list/set global of the executor's modules."""
    sizes = {}
    for name, module in list(sys.modules.items()):
        if not name.startswith("op_program.executor") or module is None:
            continue
        for attr, value in vars(module).items():
            if isinstance(value, dict | list | set) and not attr.startswith("__"):
                sizes[f"{name}.{attr}"] = len(value)
    return sizes


def test_a_build_leaves_only_fork_level_caches_after_clearing() -> None:
    if not (FIXTURE / "fixture.json").exists():
        pytest.skip(f"fixture {FIXTURE} not found")
    fixture = load_fixture_dir(FIXTURE)
    import op_program.executor.builder  # noqa: F401 - every executor module, before measuring

    code_caches.clear_per_code_caches()
    before = container_sizes()
    result, _ = execute_fixture(fixture)
    assert result.block_hash == fixture.expected_block_hash
    grown = {k for k, n in container_sizes().items() if n > before.get(k, 0)}
    assert set(code_caches.per_code_caches()) & grown, "the build filled no per-code cache"
    code_caches.clear_per_code_caches()
    after = container_sizes()
    kept = {k for k in grown if after.get(k, 0) > before.get(k, 0)}
    assert kept <= set(code_caches.KEPT_WARM), sorted(kept - set(code_caches.KEPT_WARM))
    assert all(not cache for cache in code_caches.per_code_caches().values())
