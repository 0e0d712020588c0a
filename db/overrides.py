"""Rotation overrides set by HR, and who is on duty once they are applied.

An active override beats the schedule; of several, the latest set wins. The rows are
never deleted: they are the record of who changed the rotation, when and for how long.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from bot.domain.rotation import Rotation
from db.rows import iso


@dataclass(frozen=True)
class Duty:
    member: str
    until: datetime  # when this duty ends (the shift's end, or the override's)
    override: bool


def add_override(
    db: sqlite_utils.Database,
    rotation: str,
    member: str,
    starts: datetime,
    ends: datetime,
    set_by: str,
) -> int:
    pk = (
        db.table("overrides")
        .insert(
            {
                "rotation": rotation,
                "member": member,
                "starts_at": iso(starts),
                "ends_at": iso(ends),
                "set_by": set_by,
                "set_at": iso(starts),
            }
        )
        .last_pk
    )
    assert isinstance(pk, int)
    return pk


def duty_at(db: sqlite_utils.Database, rotation: Rotation, when: datetime) -> Duty:
    at = iso(when)
    row = db.execute(
        "SELECT member, ends_at FROM overrides WHERE rotation = ? AND ends_at > ?"
        " AND starts_at <= ? ORDER BY id DESC LIMIT 1",
        [rotation.name, at, at],
    ).fetchone()
    if row:
        return Duty(row[0], datetime.fromisoformat(row[1]), True)
    shift = rotation.shift_at(when)
    # An override starting later in this shift cuts it short.
    nxt = db.execute(
        "SELECT MIN(starts_at) FROM overrides WHERE rotation = ? AND starts_at > ?"
        " AND starts_at < ? AND ends_at > starts_at",
        [rotation.name, at, iso(shift.ends)],
    ).fetchone()[0]
    until = datetime.fromisoformat(nxt) if nxt else shift.ends
    return Duty(shift.member, until, False)


def on_duty(db: sqlite_utils.Database, rotation: Rotation, when: datetime) -> str:
    return duty_at(db, rotation, when).member


def next_duty(db: sqlite_utils.Database, rotation: Rotation, when: datetime) -> Duty:
    """Who takes over when the current duty ends."""
    return duty_at(db, rotation, duty_at(db, rotation, when).until)


def next_person(db: sqlite_utils.Database, rotation: Rotation, when: datetime) -> str:
    """The next person to add when escalating: whoever is on duty next, or, when that
    is the same person, the one after them in the rotation."""
    now = on_duty(db, rotation, when)
    nxt = next_duty(db, rotation, when).member
    return nxt if nxt != now else rotation.after(now)


def seen_duty(db: sqlite_utils.Database, rotation: str) -> str | None:
    row = db.execute("SELECT member FROM duty_seen WHERE rotation = ?", [rotation]).fetchone()
    return str(row[0]) if row else None


def record_duty(db: sqlite_utils.Database, rotation: str, member: str, since: datetime) -> None:
    db.execute(
        "INSERT INTO duty_seen (rotation, member, since) VALUES (?, ?, ?)"
        " ON CONFLICT(rotation) DO UPDATE SET member = excluded.member, since = excluded.since",
        [rotation, member, iso(since)],
    )
