"""On-call rotations: who is on duty at a given moment. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Shift:
    member: str
    starts: datetime
    ends: datetime


@dataclass(frozen=True)
class Rotation:
    name: str
    members: tuple[str, ...]
    start: datetime  # when members[0]'s first shift begins (aware)
    shift: timedelta

    def index_at(self, when: datetime) -> int:
        # Floor division on timedeltas also floors before `start`, so the rotation
        # runs backwards consistently: members[-1] is on duty just before `start`.
        return (when - self.start) // self.shift

    def shift_at(self, when: datetime) -> Shift:
        n = self.index_at(when)
        starts = self.start + n * self.shift
        return Shift(self.members[n % len(self.members)], starts, starts + self.shift)

    def on_duty(self, when: datetime) -> str:
        return self.shift_at(when).member

    def next_shift(self, when: datetime) -> Shift:
        return self.shift_at(self.shift_at(when).ends)

    def after(self, member: str) -> str:
        """The person after `member` in the rotation (for escalation)."""
        i = self.members.index(member) if member in self.members else -1
        return self.members[(i + 1) % len(self.members)]
