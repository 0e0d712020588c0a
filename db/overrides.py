"""Rotation overrides set by HR, and who is on duty once they are applied.

An active override beats the schedule; of several, the latest set wins. The rows are
never deleted: they are the record of who changed the rotation, when and for how long.
A cancelled one (cancelled_at, m150) stays as that record and no longer counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from bot.domain.rotation import Rotation
from db.rows import immediate, iso


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


@dataclass(frozen=True)
class Override:
    id: int
    rotation: str
    member: str
    starts: datetime
    ends: datetime
    set_by: str


_COLUMNS = "id, rotation, member, starts_at, ends_at, set_by"


def _override(row: tuple[object, ...]) -> Override:
    oid, rotation, member, starts, ends, set_by = row
    return Override(
        int(str(oid)),
        str(rotation),
        str(member),
        datetime.fromisoformat(str(starts)),
        datetime.fromisoformat(str(ends)),
        str(set_by),
    )


def in_effect(db: sqlite_utils.Database, now: datetime) -> list[Override]:
    """Overrides not cancelled that have not ended yet (current or future), oldest first."""
    return [
        _override(row)
        for row in db.execute(
            f"SELECT {_COLUMNS} FROM overrides WHERE ends_at > ? AND cancelled_at IS NULL"
            " ORDER BY id",
            [iso(now)],
        )
    ]


def cancel(db: sqlite_utils.Database, ids: list[int], at: datetime, by: str) -> list[Override]:
    """Cancel these overrides if still in effect; returns the ones this call cancelled."""
    with immediate(db):
        return _cancel(db, ids, at, by)


def _cancel(db: sqlite_utils.Database, ids: list[int], at: datetime, by: str) -> list[Override]:
    cancelled = []
    for oid in ids:
        row = db.execute(
            f"SELECT {_COLUMNS} FROM overrides WHERE id = ? AND ends_at > ?"
            " AND cancelled_at IS NULL",
            [oid, iso(at)],
        ).fetchone()
        if (
            row
            and db.execute(
                "UPDATE overrides SET cancelled_at = ?, cancelled_by = ?"
                " WHERE id = ? AND cancelled_at IS NULL",
                [iso(at), by, oid],
            ).rowcount
        ):
            cancelled.append(_override(row))
    return cancelled


def duty_at(db: sqlite_utils.Database, rotation: Rotation, when: datetime) -> Duty:
    at = iso(when)
    row = db.execute(
        "SELECT member, ends_at FROM overrides WHERE rotation = ? AND ends_at > ?"
        " AND starts_at <= ? AND cancelled_at IS NULL ORDER BY id DESC LIMIT 1",
        [rotation.name, at, at],
    ).fetchone()
    if row:
        return Duty(row[0], datetime.fromisoformat(row[1]), True)
    shift = rotation.shift_at(when)
    # An override starting later in this shift cuts it short.
    nxt = db.execute(
        "SELECT MIN(starts_at) FROM overrides WHERE rotation = ? AND starts_at > ?"
        " AND starts_at < ? AND ends_at > starts_at AND cancelled_at IS NULL",
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
