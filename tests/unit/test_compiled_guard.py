"""The optional mypyc build's guard: a stale build or OP_PROGRAM_PURE_PYTHON=1 runs the sources.

The build itself (scripts/build_compiled.py) is exercised by scripts/check_compiled in CI; here
the guard runs on a package made in ``tmp_path`` whose "extension module" is junk that would
fail to load, so importing the module proves which file the guard chose.
"""

import hashlib
import importlib
import importlib.util
import json
import sys
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path
from types import ModuleType

import pytest

from op_program.compiled_guard import MANIFEST_NAME, PURE_ENV, changed_sources, install

ROOT = Path(__file__).resolve().parents[2]


def _build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_compiled", ROOT / "scripts" / "build_compiled.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _package(tmp_path: Path, name: str) -> Path:
    """``name/mod.py`` with a junk extension module beside it, and a manifest of its hash."""
    package_dir = tmp_path / name
    package_dir.mkdir()
    (package_dir / "__init__.py").write_text("")
    (package_dir / "mod.py").write_text("VALUE = 'from source'\n")
    (package_dir / f"mod{EXTENSION_SUFFIXES[0]}").write_bytes(b"not an ELF file")
    (package_dir / "plain.py").write_text("VALUE = 'plain'\n")
    digest = hashlib.sha256((package_dir / "mod.py").read_bytes()).hexdigest()
    manifest = {"modules": [f"{name}.mod"], "sources": {"mod.py": digest}}
    (package_dir / MANIFEST_NAME).write_text(json.dumps(manifest))
    return package_dir


@pytest.fixture
def isolated_imports(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    monkeypatch.setattr(sys, "modules", dict(sys.modules))


def test_no_build_means_nothing_installed(tmp_path: Path, isolated_imports: None) -> None:
    before = list(sys.meta_path)
    assert install(tmp_path, "anything", {}) is None
    assert sys.meta_path == before


def test_a_current_build_is_used(tmp_path: Path, isolated_imports: None) -> None:
    package_dir = _package(tmp_path, "guardpkg_current")
    before = list(sys.meta_path)
    assert install(package_dir, "guardpkg_current", {}) is None
    assert sys.meta_path == before
    # nothing routes around the (junk) extension module: Python tries to load it
    with pytest.raises(ImportError):
        importlib.import_module("guardpkg_current.mod")


def test_a_stale_build_falls_back_to_the_sources(tmp_path: Path, isolated_imports: None) -> None:
    package_dir = _package(tmp_path, "guardpkg_stale")
    (package_dir / "mod.py").write_text("VALUE = 'edited source'\n")
    note = install(package_dir, "guardpkg_stale", {})
    assert note is not None and "stale" in note and "mod.py" in note
    assert importlib.import_module("guardpkg_stale.mod").VALUE == "edited source"
    assert importlib.import_module("guardpkg_stale.plain").VALUE == "plain"


def test_the_switch_ignores_a_current_build(tmp_path: Path, isolated_imports: None) -> None:
    package_dir = _package(tmp_path, "guardpkg_switch")
    note = install(package_dir, "guardpkg_switch", {PURE_ENV: "1"})
    assert note is not None and note.startswith(PURE_ENV)
    assert importlib.import_module("guardpkg_switch.mod").VALUE == "from source"


@pytest.mark.parametrize("manifest", ["{not json", "[]", '{"sources": 3}'])
def test_a_damaged_manifest_counts_as_stale(
    tmp_path: Path, isolated_imports: None, manifest: str,
) -> None:
    name = f"guardpkg_damaged{abs(hash(manifest))}"
    package_dir = _package(tmp_path, name)
    (package_dir / MANIFEST_NAME).write_text(manifest)
    assert install(package_dir, name, {}) is not None
    assert importlib.import_module(f"{name}.mod").VALUE == "from source"


def test_a_missing_source_counts_as_changed(tmp_path: Path) -> None:
    manifest = {"sources": {"gone.py": hashlib.sha256(b"").hexdigest()}}
    assert changed_sources(tmp_path, manifest) == ["gone.py"]


def test_the_build_manifest_matches_the_tree() -> None:
    """Every listed module exists, and a manifest made now is current for the guard."""
    script = _build_script()
    src = ROOT / "src"
    for module in script.COMPILED_MODULES:
        assert script._source(src, module).is_file(), module
    manifest = script._manifest(src)
    sources = manifest["sources"]
    assert isinstance(sources, dict) and "encoding/rlp.py" in sources
    assert "encoding/errors.py" in sources  # an imported module's types count too
    assert changed_sources(src / "op_program", manifest) == []
