"""Compile the hot, stable modules with mypyc, in place beside their sources (optional build).

Usage: python scripts/build_compiled.py [--src DIR] [--jobs N] [--clean] [--verify]

Issue 12: "compiled where it pays, Python source always". The modules below measured a gain
(bench/README.md, "Compiled modules"); the sources stay the implementation, ``mypy --strict``
typed, and the pure-Python path stays the default and what CI's main run tests. The build
writes ``op_program/_compiled.json`` (the SHA-256 of every source mypyc read), which
``op_program.compiled_guard`` checks at import: a stale build falls back to pure Python with a
one-line note, and ``OP_PROGRAM_PURE_PYTHON=1`` ignores the build. Needs a C compiler and the
dev tools (mypy ships mypyc; setuptools comes with Python 3.11's venv). Generated C and object
files go to a temporary directory; only the extension modules land in ``--src``.

``--verify`` imports every listed module (run it with ``--src`` first on ``PYTHONPATH``) and
fails unless each was loaded from its extension module.

The executor's interpreter (``evm_backend/interp``: loop, blocks, frame, table, opcodes,
message-call and creation frames), its journaled world state and the trie reads and writes
beneath it are compiled too: block execution on the 17 real fixtures measured about +50%
Mgas per CPU second (bench/README.md). ``interp/computation.py`` is not: it is a mixin of
py-evm's ``Computation`` class, entered once per transaction.

Not compiled, on purpose: ``encoding/hex.py`` (mypyc turns a wrong argument type into a
``TypeError`` before the function's own typed error), ``protocol/transactions`` (mypyc's
dataclasses reject the field order of the inherited transaction classes).
"""

import argparse
import ast
import hashlib
import importlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "op_program"
GROUP = f"{PACKAGE}._native"
"""The build's shared library is ``op_program/_native__mypyc*.so``, inside the package."""
MANIFEST_NAME = "_compiled.json"
COMPILED_MODULES = (
    "op_program.encoding.rlp",
    "op_program.encoding.hashing",
    "op_program.encoding.binary",
    "op_program.mpt.node",
    "op_program.mpt.nibbles",
    "op_program.mpt.lookup",
    "op_program.mpt.builder",
    "op_program.mpt.proof",
    "op_program.mpt.ordered",
    "op_program.mpt.account",
    "op_program.preimage.keys",
    "op_program.client.oracle",
    "op_program.client.blobs",
    "op_program.protocol.receipts",
    "op_program.protocol.header",
    "op_program.protocol.blob",
    "op_program.protocol.batches.bits",
    "op_program.protocol.batches.rlp_stream",
    "op_program.protocol.batches.span",
    "op_program.protocol.batches.span_tx",
    "op_program.protocol.batches.span_txs",
    "op_program.protocol.batches.singular",
    "op_program.executor.fees.fastlz",
    "op_program.executor.evm_backend.state_journal",
    "op_program.executor.evm_backend.world_state",
    "op_program.executor.evm_backend.interp.frame",
    "op_program.executor.evm_backend.interp.blocks",
    "op_program.executor.evm_backend.interp.exact",
    "op_program.executor.evm_backend.interp.table",
    "op_program.executor.evm_backend.interp.loop",
    "op_program.executor.evm_backend.interp.ops_arith",
    "op_program.executor.evm_backend.interp.ops_env",
    "op_program.executor.evm_backend.interp.ops_state",
    "op_program.executor.evm_backend.interp.ops_call",
    "op_program.executor.evm_backend.interp.ops_create",
    "op_program.executor.evm_backend.interp.message",
    "op_program.executor.evm_backend.interp.creation",
    "op_program.executor.evm_backend.interp.precompile_call",
    "op_program.executor.evm_backend.interp.txenv",
    "op_program.executor.evm_backend.trie_reader",
    "op_program.executor.evm_backend.trie_update",
    "op_program.executor.evm_backend.state_db",
    "op_program.executor.evm_backend.code_caches",
)
"""The modules that measured a gain and whose unit tests pass compiled (scripts/check_compiled
runs them, and for the executor's modules the differential tests and the real fixtures)."""


def _source(src: Path, module: str) -> Path:
    return src.joinpath(*module.split(".")).with_suffix(".py")


def _package_imports(path: Path) -> set[str]:
    """The ``op_program`` modules ``path`` imports (mypyc compiled against their types)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_bytes())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        out.update(name for name in names if name.split(".")[0] == PACKAGE)
    return out


def _manifest(src: Path) -> dict[str, object]:
    """Hash every compiled source and every package module it imports (a type it relies on)."""
    package_dir = src / PACKAGE
    files = set()
    for module in COMPILED_MODULES:
        files.add(_source(src, module))
        for imported in _package_imports(_source(src, module)):
            path = _source(src, imported)
            files.add(path if path.exists() else path.with_suffix("") / "__init__.py")
    sources = {
        path.relative_to(package_dir).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(files)
    }
    return {"modules": list(COMPILED_MODULES), "sources": sources}


def clean(src: Path) -> int:
    """Remove the build's extension modules and manifest; return how many files went."""
    package_dir = src / PACKAGE
    removed = 0
    for path in [*package_dir.rglob("*.so"), package_dir / MANIFEST_NAME]:
        if path.exists():
            path.unlink()
            removed += 1
    return removed


def build(src: Path, jobs: int) -> None:
    """Compile ``COMPILED_MODULES`` under ``src`` in place and write the manifest."""
    try:
        from mypyc.build import mypycify
        from setuptools import setup
    except ImportError as exc:
        raise SystemExit(
            f"build_compiled: {exc}; install the dev tools (scripts/setup.sh dev)") from exc
    clean(src)
    paths = [_source(src, module).relative_to(src).as_posix() for module in COMPILED_MODULES]
    with tempfile.TemporaryDirectory(prefix="op-program-mypyc.") as work:
        cwd = Path.cwd()
        os.chdir(src)
        try:
            extensions = mypycify(
                ["--config-file", str(ROOT / "pyproject.toml"),
                 "--cache-dir", str(Path(work) / "mypy_cache"), *paths],
                group_name=GROUP, target_dir=str(Path(work) / "c"),
            )
            setup(
                name="op-program-compiled", ext_modules=extensions, script_name="build_compiled",
                script_args=["--quiet", "build_ext", "--inplace", "--parallel", str(jobs),
                             "--build-temp", str(Path(work) / "obj"),
                             "--build-lib", str(Path(work) / "lib")],
            )
        finally:
            os.chdir(cwd)
    (src / PACKAGE / MANIFEST_NAME).write_text(json.dumps(_manifest(src), indent=1) + "\n")


def verify() -> None:
    """Import every compiled module; fail unless each came from its extension module."""
    pure = []
    for module in COMPILED_MODULES:
        loaded = importlib.import_module(module).__file__ or ""
        if loaded.endswith(".py"):
            pure.append(module)
    if pure:
        raise SystemExit(f"build_compiled --verify: loaded from source: {', '.join(pure)}")
    print(f"build_compiled: {len(COMPILED_MODULES)} compiled modules load")


def main() -> None:
    """Parse the command line and build, clean or verify."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="source root (src/)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--clean", action="store_true", help="remove the build, nothing else")
    parser.add_argument("--verify", action="store_true", help="check the build loads")
    args = parser.parse_args()
    src = args.src.resolve()
    if args.verify:
        verify()
    elif args.clean:
        print(f"build_compiled: removed {clean(src)} files")
    else:
        if shutil.which(os.environ.get("CC", "cc")) is None:
            raise SystemExit("build_compiled: no C compiler (cc) found; the pure-Python "
                             "modules are used as they are")
        build(src, args.jobs)
        print(f"build_compiled: {len(COMPILED_MODULES)} modules compiled into {src / PACKAGE}")


if __name__ == "__main__":
    sys.exit(main())
