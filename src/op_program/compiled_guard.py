"""Optional mypyc-compiled modules: used only while they were built from the sources beside them.

Issue 12 ("compiled where it pays, Python source always"): ``scripts/build_compiled`` compiles a
few hot, stable modules (RLP, trie nodes, preimage keys, receipt and batch decoders, the EVM
interpreter and its journaled world state; the list is ``COMPILED_MODULES`` in
``scripts/build_compiled.py``) with mypyc into extension modules next to their ``.py`` files,
and writes ``_compiled.json``: the SHA-256 of every source the compiler read. Python imports
an extension module in preference to the ``.py`` beside it, so an edited source would
silently lose to its stale build. This guard, run by ``op_program/__init__.py``
before any other submodule is imported, prevents that: when a recorded source changed, or
``OP_PROGRAM_PURE_PYTHON=1`` is set, every compiled module is imported from its ``.py`` instead
(all of them at once: compiled modules of one build call each other directly in C, so a
partial fallback could still run stale code). Without a build (the default, and what CI's main
run tests) nothing here is active: the cost is one ``stat``.
"""

import hashlib
import importlib.util
import json
import os
import sys
from collections.abc import Mapping, Sequence
from importlib.abc import MetaPathFinder
from importlib.machinery import EXTENSION_SUFFIXES, ModuleSpec
from pathlib import Path
from types import ModuleType

MANIFEST_NAME = "_compiled.json"
"""Written by ``scripts/build_compiled.py`` into the package directory, beside the build."""
PURE_ENV = "OP_PROGRAM_PURE_PYTHON"
"""Set to ``1`` to import the ``.py`` of every compiled module (compare, debug, profile)."""


class PureSourceFinder(MetaPathFinder):
    """Finds a package module's ``.py`` when an extension module (a build) lies beside it."""

    def __init__(self, package_dir: Path, package: str) -> None:
        self.package_dir = package_dir
        self.prefix = package + "."

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None,
    ) -> ModuleSpec | None:
        """The source-file spec of a compiled module; ``None`` lets the usual finders run."""
        if not fullname.startswith(self.prefix):
            return None
        source = self.package_dir.joinpath(*fullname.split(".")[1:]).with_suffix(".py")
        if not any(source.with_suffix(suffix).exists() for suffix in EXTENSION_SUFFIXES):
            return None
        return importlib.util.spec_from_file_location(fullname, source)


def changed_sources(package_dir: Path, manifest: Mapping[str, object]) -> list[str]:
    """The recorded sources (package-relative paths) whose SHA-256 differs from the build's.

    A missing or unreadable source counts as changed; so does a manifest of another shape.
    """
    recorded = manifest.get("sources")
    if not isinstance(recorded, dict):
        return ["<manifest>"]
    changed = []
    for relative, digest in sorted(recorded.items()):
        try:
            actual = hashlib.sha256((package_dir / relative).read_bytes()).hexdigest()
        except OSError:
            actual = ""
        if actual != digest:
            changed.append(relative)
    return changed


def install(
    package_dir: Path, package: str, environ: Mapping[str, str] = os.environ,
) -> str | None:
    """Route the compiled modules to their sources when stale or when asked; return a note.

    Returns ``None`` when there is no build or the build is used; otherwise the one line that
    says why the pure-Python modules run (the caller prints it only for a stale build).
    """
    try:
        raw = (package_dir / MANIFEST_NAME).read_text()
    except OSError:
        return None
    try:
        manifest = json.loads(raw)
    except ValueError:
        manifest = {}
    if not isinstance(manifest, dict):
        manifest = {}
    if environ.get(PURE_ENV) == "1":
        note = f"{PURE_ENV}=1: compiled modules ignored, running pure Python"
    else:
        changed = changed_sources(package_dir, manifest)
        if not changed:
            return None
        note = (f"compiled modules are stale ({changed[0]} changed since scripts/build_compiled)"
                "; running pure Python: rebuild, or scripts/build_compiled --clean")
    sys.meta_path.insert(0, PureSourceFinder(package_dir, package))
    return note
