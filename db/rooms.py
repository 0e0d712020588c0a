"""The private case channel's bookkeeping (m160_case_rooms): one per case, claimed
before it is created so two presses cannot make two, and its events in the timeline."""

from __future__ import annotations

from datetime import datetime

import sqlite_utils

from bot.domain.case import ROOM_CREATING
from db import timeline
from db.rows import immediate, iso


def claim(db: sqlite_utils.Database, case_id: int) -> bool:
    """Reserve the case's room; False if it has one (or one is being made)."""
    with immediate(db):
        return bool(
            db.execute(
                "UPDATE cases SET room_channel = ? WHERE id = ? AND room_channel IS NULL",
                [ROOM_CREATING, case_id],
            ).rowcount
        )


def release(db: sqlite_utils.Database, case_id: int) -> None:
    """Slack did not make the channel: the case may try again."""
    with immediate(db):
        db.execute(
            "UPDATE cases SET room_channel = NULL WHERE id = ? AND room_channel = ?",
            [case_id, ROOM_CREATING],
        )


def opened(
    db: sqlite_utils.Database, case_id: int, channel: str, name: str, at: datetime, actor: str
) -> None:
    with immediate(db):
        db.execute("UPDATE cases SET room_channel = ? WHERE id = ?", [channel, case_id])
        timeline.add(db, case_id, at, actor, "room_opened", channel=channel, name=name)


def invited(
    db: sqlite_utils.Database, case_id: int, at: datetime, actor: str, users: list[str]
) -> None:
    """Who was invited, and when: the record of who could read the room."""
    with immediate(db):
        timeline.add(db, case_id, at, actor, "room_invited", users=users)


def claim_closing(db: sqlite_utils.Database, case_id: int, at: datetime) -> str | None:
    """The room of a closed case whose close it has not been told yet, claimed so it is
    told once; None if there is nothing to tell."""
    with immediate(db):
        row = db.execute(
            "SELECT room_channel FROM cases WHERE id = ? AND status = 'closed'"
            " AND room_archived_at IS NULL AND room_channel IS NOT NULL AND room_channel != ?",
            [case_id, ROOM_CREATING],
        ).fetchone()
        if row is None:
            return None
        db.execute("UPDATE cases SET room_archived_at = ? WHERE id = ?", [iso(at), case_id])
        return str(row[0])


def archived(db: sqlite_utils.Database, case_id: int, at: datetime, channel: str) -> None:
    with immediate(db):
        timeline.add(db, case_id, at, "ch-responder", "room_archived", channel=channel)
