"""DESIGN §6: only ``executor/evm_backend`` may import py-evm, so the interpreter can be replaced.

import-linter cannot express "one subpackage of executor and nobody else", so this test reads the
import statements of every source module.
"""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "op_program"
BACKEND = SRC / "executor" / "evm_backend"


def _imports_py_evm(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        if any(name == "eth" or name.startswith("eth.") for name in names):
            return True
    return False


def test_only_the_evm_backend_imports_py_evm() -> None:
    offenders = [
        str(path.relative_to(SRC))
        for path in sorted(SRC.rglob("*.py"))
        if BACKEND not in path.parents and _imports_py_evm(path)
    ]
    assert offenders == []


def test_the_backend_does_import_py_evm() -> None:
    # Guards the scan itself: if it stopped seeing imports, the test above would pass vacuously.
    assert any(_imports_py_evm(path) for path in BACKEND.rglob("*.py"))
