"""Broken datadirs end in exit 2 with a message that says what is wrong (issue 11).

Before: a truncated LMDB file killed the host with SIGBUS (exit 135), a FIFO in place of a key
file blocked it forever, and a file given as datadir said "File exists". The tests run as root
in CI, so "unreadable" is built from the wrong kind of file in the wrong place, not chmod.
Every run is a real process with a timeout, so a hang fails instead of blocking.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from op_program.host.kvstore.directory import directory_path
from op_program.preimage.keys import keccak256_key
from tests.integration.process_harness import HOST, boot, import_witness, proof_flags, run

pytestmark = pytest.mark.integration

HANG_BOUND = 120.0
"""A host reading a FIFO used to block forever; this bounds the regression."""


def assert_exit_2(proc: subprocess.CompletedProcess[str], phrase: str) -> None:
    assert proc.returncode == 2, proc.stderr[-3000:]
    assert phrase in proc.stderr, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr


@pytest.fixture(scope="module")
def lmdb_witness(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return import_witness(tmp_path_factory.mktemp("faults") / "data", "lmdb")


@pytest.fixture
def lmdb_copy(lmdb_witness: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(lmdb_witness, copy)
    (copy / "preimages.lmdb-lock").unlink(missing_ok=True)
    return copy


@pytest.mark.slow
@pytest.mark.parametrize("keep", [0.5, 0.1])
def test_truncated_lmdb_is_refused_not_sigbus(lmdb_copy: Path, keep: float) -> None:
    data = lmdb_copy / "preimages.lmdb"
    size = data.stat().st_size
    os.truncate(data, int(size * keep) // 4096 * 4096)
    proc = run([*HOST, *proof_flags(lmdb_copy)])
    assert proc.returncode != -7 and proc.returncode != 135  # SIGBUS
    assert_exit_2(proc, "is truncated")
    assert_exit_2(run([*HOST, "witness", "verify", str(lmdb_copy)]), "is truncated")


@pytest.mark.slow
@pytest.mark.parametrize(("size", "phrase"), [(0, "is empty"), (100, "cannot open LMDB")])
def test_lmdb_without_its_header_pages(lmdb_copy: Path, size: int, phrase: str) -> None:
    os.truncate(lmdb_copy / "preimages.lmdb", size)
    assert_exit_2(run([*HOST, *proof_flags(lmdb_copy)]), phrase)


@pytest.mark.slow
def test_intact_lmdb_copy_still_proves(lmdb_copy: Path) -> None:
    proc = run([*HOST, *proof_flags(lmdb_copy)])
    assert proc.returncode == 0, proc.stderr[-3000:]


def _lmdb_datadir(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    root.mkdir()
    (root / "kvformat").write_text("lmdb")
    return root


@pytest.mark.parametrize("kind", ["directory", "fifo"])
@pytest.mark.parametrize("name", ["preimages.lmdb", "preimages.lmdb-lock"])
def test_lmdb_files_of_the_wrong_kind(tmp_path: Path, kind: str, name: str) -> None:
    root = _lmdb_datadir(tmp_path)
    if kind == "directory":
        (root / name).mkdir()
    else:
        os.mkfifo(root / name)
    proc = run([*HOST, *proof_flags(root)], timeout=HANG_BOUND)
    assert_exit_2(proc, f"is a {'FIFO' if kind == 'fifo' else 'directory'}, not a regular file")


def _directory_datadir(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    root.mkdir()
    (root / "kvformat").write_text("directory")
    return root


def _first_key_path(root: Path) -> Path:
    """Where the first preimage the client asks for lives: the agreed output root's."""
    agreed = bytes.fromhex(boot()["agreed_l2_output_root"][2:])
    return directory_path(root, keccak256_key(agreed))


def test_fifo_in_place_of_a_key_file(tmp_path: Path) -> None:
    root = _directory_datadir(tmp_path)
    path = _first_key_path(root)
    path.parent.mkdir(parents=True)
    os.mkfifo(path)
    proc = run([*HOST, *proof_flags(root)], timeout=HANG_BOUND)
    assert_exit_2(proc, "is a FIFO, not a regular file")


def test_directory_in_place_of_a_key_file(tmp_path: Path) -> None:
    root = _directory_datadir(tmp_path)
    _first_key_path(root).mkdir(parents=True)
    assert_exit_2(run([*HOST, *proof_flags(root)]), "is a directory, not a regular file")


def test_file_in_place_of_a_key_subdirectory(tmp_path: Path) -> None:
    root = _directory_datadir(tmp_path)
    _first_key_path(root).parent.write_text("not a directory")
    assert_exit_2(run([*HOST, *proof_flags(root)]), "Not a directory")


@pytest.mark.parametrize("kind", ["directory", "fifo"])
def test_kvformat_of_the_wrong_kind(tmp_path: Path, kind: str) -> None:
    root = tmp_path / "data"
    root.mkdir()
    if kind == "directory":
        (root / "kvformat").mkdir()
    else:
        os.mkfifo(root / "kvformat")
    proc = run([*HOST, *proof_flags(root)], timeout=HANG_BOUND)
    assert_exit_2(proc, "cannot read the data format")


def test_datadir_that_is_a_file(tmp_path: Path) -> None:
    path = tmp_path / "data"
    path.write_text("a file")
    assert_exit_2(run([*HOST, *proof_flags(path)]), f"--datadir {path} is a file, not a "
                                                     "directory")


def test_datadir_that_is_a_dangling_symlink(tmp_path: Path) -> None:
    path = tmp_path / "data"
    path.symlink_to(tmp_path / "gone")
    assert_exit_2(run([*HOST, *proof_flags(path)]), "is a dangling symbolic link")


def test_datadir_under_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file")
    assert_exit_2(run([*HOST, *proof_flags(blocker / "data")]), "cannot create --datadir")


def test_kvformat_is_written_atomically(tmp_path: Path) -> None:
    """A new datadir's marker appears whole; no temp file is left next to it."""
    root = tmp_path / "data"
    proc = run([*HOST, *proof_flags(root)])
    assert proc.returncode == 2  # an empty datadir cannot prove anything
    assert sorted(p.name for p in root.iterdir()) == ["kvformat"]
    assert (root / "kvformat").read_text() == "directory"
