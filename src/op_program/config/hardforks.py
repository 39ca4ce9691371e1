"""Hardforks: the OP Stack network upgrades and their activation rules.

Spec: specs/protocol/superchain-upgrades.md and each fork's overview (``specs/protocol/<fork>/``).

Every fork after Bedrock activates at an L2 timestamp given in the rollup config. A fork whose time
is missing never activates on its own, but the main line of forks is cumulative: a chain where a
later fork is active also has every earlier one (so a config that omits ``regolith_time`` while
setting ``canyon_time`` still runs Regolith rules, as kona and op-node-generated configs assume).
The Pectra blob schedule fix is optional and stands outside that line; Karst (experimental spec)
is active only from its own configured time.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, fields


class Fork(enum.Enum):
    """An OP Stack network upgrade, in activation order; the value is its rollup.json stem."""

    BEDROCK = "bedrock"
    REGOLITH = "regolith"
    CANYON = "canyon"
    DELTA = "delta"
    ECOTONE = "ecotone"
    FJORD = "fjord"
    GRANITE = "granite"
    HOLOCENE = "holocene"
    PECTRA_BLOB_SCHEDULE = "pectra_blob_schedule"
    ISTHMUS = "isthmus"
    JOVIAN = "jovian"
    KARST = "karst"
    INTEROP = "interop"

    @property
    def time_field(self) -> str:
        """The rollup.json key holding this fork's activation time (``<name>_time``)."""
        return f"{self.value}_time"


# What activating each fork implies: the cumulative main line (kona `is_<fork>_active`).
# Pectra blob schedule implies nothing and is implied by nothing; Karst implies Jovian but is
# never implied (experimental, config time only).
_IMPLIED_BY: dict[Fork, tuple[Fork, ...]] = {
    Fork.REGOLITH: (Fork.CANYON,),
    Fork.CANYON: (Fork.DELTA,),
    Fork.DELTA: (Fork.ECOTONE,),
    Fork.ECOTONE: (Fork.FJORD,),
    Fork.FJORD: (Fork.GRANITE,),
    Fork.GRANITE: (Fork.HOLOCENE,),
    Fork.HOLOCENE: (Fork.ISTHMUS,),
    Fork.ISTHMUS: (Fork.JOVIAN,),
    Fork.JOVIAN: (Fork.KARST, Fork.INTEROP),
}

# Forks with a time in the config, in order (Bedrock is active from genesis).
TIMED_FORKS: tuple[Fork, ...] = tuple(f for f in Fork if f is not Fork.BEDROCK)


@dataclass(frozen=True, slots=True)
class HardforkTimes:
    """Activation timestamps (unix seconds, L2 time) of every timed fork; None = not scheduled."""

    regolith_time: int | None = None
    canyon_time: int | None = None
    delta_time: int | None = None
    ecotone_time: int | None = None
    fjord_time: int | None = None
    granite_time: int | None = None
    holocene_time: int | None = None
    pectra_blob_schedule_time: int | None = None
    isthmus_time: int | None = None
    jovian_time: int | None = None
    karst_time: int | None = None
    interop_time: int | None = None

    def time_of(self, fork: Fork) -> int | None:
        """The configured activation time of ``fork`` (Bedrock: 0, always active)."""
        if fork is Fork.BEDROCK:
            return 0
        value: int | None = getattr(self, fork.time_field)
        return value

    def is_active(self, fork: Fork, timestamp: int) -> bool:
        """Whether ``fork`` rules apply at ``timestamp``, including activation by a later fork."""
        own = self.time_of(fork)
        if own is not None and timestamp >= own:
            return True
        return any(self.is_active(later, timestamp) for later in _IMPLIED_BY.get(fork, ()))

    def active_fork(self, timestamp: int) -> Fork:
        """The latest main-line fork active at ``timestamp`` (Pectra blob schedule excluded)."""
        latest = Fork.BEDROCK
        for fork in TIMED_FORKS:
            if fork is not Fork.PECTRA_BLOB_SCHEDULE and self.is_active(fork, timestamp):
                latest = fork
        return latest

    def as_dict(self) -> dict[str, int | None]:
        """The times keyed by rollup.json field name, in fork order."""
        return {f.name: getattr(self, f.name) for f in fields(self)}
