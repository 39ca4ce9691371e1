"""The state journal: one list of undo entries behind every revertible state change.

Spec: Yellow Paper §8 and §9.4.4 (a message call that halts exceptionally or REVERTs, EIP-140,
leaves the state as it was before the call: balances, nonces, code, storage, created and
destroyed accounts), EIP-2929 (the accessed addresses and slots are reverted with the frame),
EIP-1153 (transient storage is reverted with the frame). A change is recorded as the value it
replaced, so a snapshot is the journal's length, a revert undoes the entries above it, newest
first, and a commit only forgets the snapshot: each costs O(changes), never O(state).

Every journaled container is a plain ``dict``; an absent key is recorded as ``ABSENT`` so the
revert deletes it again. Snapshots are identified by tokens so a commit or revert of an outer
snapshot also closes the inner ones still open (a failed deposit's snapshot around a call tree).
"""

from typing import Any

from eth_utils.exceptions import ValidationError

ABSENT: Any = object()
"""Marks a key that was not in its container before the change."""


class StateJournal:
    """Undo entries ``(container, key, previous value)`` and the open snapshots."""

    __slots__ = ("entries", "_open", "_next")

    def __init__(self) -> None:
        self.entries: list[tuple[dict[Any, Any], Any, Any]] = []
        self._open: list[tuple[int, int]] = []  # (token, journal length), outermost first
        self._next = 0

    def set(self, container: dict[Any, Any], key: Any, value: Any) -> None:
        """``container[key] = value``, undone by a revert of any snapshot taken before.

        Without an open snapshot nothing could undo the change, so none is recorded.
        """
        if self._open:
            self.entries.append((container, key, container.get(key, ABSENT)))
        container[key] = value

    @property
    def depth(self) -> int:
        """How many snapshots are open."""
        return len(self._open)

    def snapshot(self) -> int:
        """Open a snapshot; the token is passed to ``commit`` or ``revert``."""
        self._next += 1
        self._open.append((self._next, len(self.entries)))
        return self._next

    def _close(self, token: int) -> int:
        open_ = self._open
        if open_ and open_[-1][0] == token:  # the innermost: a message call ends
            return open_.pop()[1]
        for index in range(len(open_) - 1, -1, -1):
            if open_[index][0] == token:
                mark = open_[index][1]
                del open_[index:]
                return mark
        raise ValidationError(f"snapshot {token!r} is not open")

    def revert(self, token: int) -> None:
        """Undo every change since snapshot ``token`` (inner snapshots close with it)."""
        mark = self._close(token)
        entries = self.entries
        while len(entries) > mark:
            container, key, previous = entries.pop()
            if previous is ABSENT:
                del container[key]
            else:
                container[key] = previous
        if not self._open:
            entries.clear()

    def commit(self, token: int) -> None:
        """Keep the changes since snapshot ``token``; they stay revertible by outer snapshots."""
        self._close(token)
        if not self._open:
            self.entries.clear()  # nothing can be reverted any more

    def forget(self) -> None:
        """Drop the entries when no snapshot is open (a transaction or block boundary)."""
        if not self._open:
            self.entries.clear()
