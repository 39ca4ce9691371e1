"""The result store of ``verify-range``: SQLite (stdlib), one row per finished step.

Why SQLite: a real embedded database that survives a killed run (each verdict is committed as
it arrives, WAL journal) and is readable with any SQLite tool. A row is keyed by what makes a
verdict reusable: the chain, the claimed block, the claimed output root, the span and the agreed
output root it was proven from. A changed claim (the node now reports another root) is a new key
and is proven again. Only verdicts (valid, invalid) are stored: an error is not a result, and a
rerun retries it.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from types import TracebackType

from op_program.errors import OpProgramError
from op_program.verify_range.task import BlockResult, Verdict

SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    chain_id INTEGER NOT NULL,
    block INTEGER NOT NULL,
    claimed_root BLOB NOT NULL,
    span INTEGER NOT NULL,
    agreed_root BLOB NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('valid', 'invalid')),
    computed_root BLOB NOT NULL,
    gas_used INTEGER NOT NULL,
    seconds REAL NOT NULL,
    preimages INTEGER NOT NULL,
    finished_at REAL NOT NULL,
    PRIMARY KEY (chain_id, block, claimed_root, span, agreed_root)
)
"""


class StoreError(OpProgramError):
    """The result store cannot be opened, read or written."""


class ResultStore:
    """Finished verdicts of one chain, in the SQLite file at ``path``."""

    __slots__ = ("_chain_id", "_db")

    def __init__(self, path: Path, chain_id: int) -> None:
        self._chain_id = chain_id
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(SCHEMA)
            self._db.commit()
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the result store {path}: {exc}") from exc

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Close the database (every verdict was committed when it was added)."""
        self._db.close()

    def find(self, block: int, claimed_root: bytes, span: int,
             agreed_root: bytes) -> BlockResult | None:
        """The stored verdict of this step, or None."""
        try:
            row = self._db.execute(
                "SELECT verdict, computed_root, gas_used, seconds, preimages FROM results "
                "WHERE chain_id=? AND block=? AND claimed_root=? AND span=? AND agreed_root=?",
                (self._chain_id, block, claimed_root, span, agreed_root)).fetchone()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read the result store: {exc}") from exc
        if row is None:
            return None
        verdict, computed, gas, seconds, preimages = row
        return BlockResult(block=block, span=span, claimed_root=claimed_root,
                           verdict=Verdict(verdict), computed_root=bytes(computed),
                           gas_used=int(gas), seconds=float(seconds), preimages=int(preimages),
                           cached=True)

    def add(self, result: BlockResult, agreed_root: bytes) -> None:
        """Commit a verdict (errors are not stored)."""
        if result.verdict is Verdict.ERROR or result.computed_root is None:
            return
        try:
            with self._db:
                self._db.execute(
                    "INSERT OR REPLACE INTO results VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (self._chain_id, result.block, result.claimed_root, result.span,
                     agreed_root, result.verdict.value, result.computed_root, result.gas_used,
                     result.seconds, result.preimages, time.time()))
        except sqlite3.Error as exc:
            raise StoreError(f"cannot write the result store: {exc}") from exc

    def count(self) -> int:
        """Stored verdicts of this chain."""
        row = self._db.execute("SELECT COUNT(*) FROM results WHERE chain_id=?",
                               (self._chain_id,)).fetchone()
        return int(row[0])
