"""``op-program witness import|export|verify``: preimage sets between JSON files and datadirs.

``generate`` (a claim's preimage set fetched online) is in ``witness_generate_cmd``.

Spec: fault-proof/index.md, "Pre-image key types"; DESIGN §8. ``import`` reads and re-hashes
the whole file first and never stores a bad entry; it builds a new datadir aside and renames
it into place (``host.kvstore.staging``), so a failed or interrupted import leaves nothing. Bad
entries are counted and the first few named on stderr; the good ones are still written, but
the import is incomplete, so the exit code is 2 (0 only when every entry was imported).
``verify`` re-hashes a whole datadir (exit 0 all good, 1 some entries bad, 2 error);
``export`` writes a datadir as JSON (gzip when the name ends in .gz), atomically.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from op_program.cli.progress import Tracker, progress
from op_program.exit_codes import ExitCode
from op_program.host.kvstore.base import DataFormat

if TYPE_CHECKING:
    from op_program.host.kvstore.base import IterableKV
    from op_program.host.witness import WitnessReport

_log = logging.getLogger("op_program.cli.witness")


def register(subparsers: Any) -> None:
    """Add the ``witness`` subcommand and its three actions."""
    parser = subparsers.add_parser(
        "witness", help="import, export or verify preimage sets",
        description="Move preimage sets between a JSON(.gz) witness file and a datadir.")
    actions = parser.add_subparsers(dest="witness_action", metavar="<action>", required=True)
    formats = [f.value for f in DataFormat]
    imp = actions.add_parser("import", help="store a witness file's preimages in a datadir")
    imp.add_argument("file", help="witness JSON file ({\"0x<key>\": \"0x<value>\"}, .gz ok)")
    imp.add_argument("datadir", help="datadir to write (created if missing)")
    imp.add_argument("--data.format", dest="data_format", choices=formats,
                     default=DataFormat.DIRECTORY.value,
                     help="format of a new datadir (an existing one keeps its kvformat)")
    imp.set_defaults(func=run)
    exp = actions.add_parser("export", help="write a datadir's preimages to a witness file")
    exp.add_argument("datadir", help="datadir to read")
    exp.add_argument("file", help="witness file to write (.gz compresses)")
    exp.set_defaults(func=run)
    ver = actions.add_parser("verify", help="re-hash every preimage of a datadir")
    ver.add_argument("datadir", help="datadir to check")
    ver.set_defaults(func=run)
    from op_program.cli.witness_generate_cmd import register as register_generate

    register_generate(actions)


SHOWN_BAD_ENTRIES = 5
"""Bad entries of an import named on stderr (all are counted)."""


def _import(args: argparse.Namespace) -> int:
    from op_program.host.kvstore.disk import check_datadir_path, open_disk_kv
    from op_program.host.kvstore.staging import staged_datadir
    from op_program.host.witness import check_witness

    good, report = check_witness(args.file)
    target = Path(args.datadir)
    check_datadir_path(target)
    with staged_datadir(target) as where:
        store = open_disk_kv(where, DataFormat(args.data_format))
        try:
            with progress("importing witness", "entries") as tracker:
                # LMDB: one transaction; directory: one atomic file each.
                store.put_many(tracker.count(good))
        finally:
            store.close()
    print(f"imported: {report.total} entries, {len(good)} ok, {report.bad} bad")
    if not report.bad:
        return int(ExitCode.VALID)
    for problem in report.problems[:SHOWN_BAD_ENTRIES]:
        print(f"bad preimage {problem}", file=sys.stderr)
    more = report.bad - min(report.bad, SHOWN_BAD_ENTRIES)
    print(f"op-program: error: witness import incomplete: {report.bad} bad entries not "
          f"imported{f' ({more} more not shown)' if more else ''}; the {len(good)} good ones "
          f"are in {target}", file=sys.stderr)
    return int(ExitCode.ERROR)


def _print_report(what: str, report: WitnessReport) -> int:
    for problem in report.problems:
        print(f"bad preimage {problem}")
    print(f"{what}: {report.total} entries, {report.total - report.bad} ok, {report.bad} bad")
    return int(ExitCode.VALID if report.bad == 0 else ExitCode.INVALID)


def run(args: argparse.Namespace) -> int:
    """Run the chosen witness action; return its exit code."""
    from op_program.host.kvstore.disk import open_disk_kv, read_format
    from op_program.host.witness import (
        WitnessFileError,
        export_witness,
        verify_store,
    )

    action = args.witness_action
    if action == "import":
        return _import(args)
    if read_format(Path(args.datadir)) is None:
        raise WitnessFileError(f"{args.datadir} is not a datadir (no kvformat file)")
    store = open_disk_kv(args.datadir)
    try:
        if action == "export":
            with progress("exporting witness", "entries") as tracker:
                count = export_witness(_Counted(store, tracker), args.file)
            print(f"exported {count} entries to {args.file}")
            return int(ExitCode.VALID)
        with progress("verifying datadir", "entries") as tracker:
            report = verify_store(_Counted(store, tracker))
        return _print_report("verified", report)
    finally:
        store.close()


class _Counted:
    """A read-only view of a store that advances the progress line once per value read."""

    def __init__(self, store: IterableKV, tracker: Tracker) -> None:
        self._store = store
        self._tracker = tracker

    def keys(self) -> Iterator[bytes]:
        """The store's keys."""
        return iter(self._store.keys())

    def get(self, key: bytes) -> bytes | None:
        """The store's value, counted."""
        self._tracker.advance()
        return self._store.get(key)

    def put(self, key: bytes, value: bytes) -> None:
        """Delegated (the witness actions that use this view only read)."""
        self._store.put(key, value)

    def put_many(self, items: Iterable[tuple[bytes, bytes]]) -> None:
        """Delegated."""
        self._store.put_many(items)

    def close(self) -> None:
        """Delegated."""
        self._store.close()
