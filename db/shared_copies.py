"""Copies of evidence files the bot shared into a viewer's DM, and their deletion.

Opening an evidence file uploads a copy into the viewer's DM (bot/flows/case/evidence.py).
Slack would keep that copy for good, beyond the retention rules, so every one is
recorded here (which case and item, who, when, the Slack ID of the bot's upload) with
the time it is to go. When that time comes, or when the case's evidence is purged, an
outbox job `shared_copy_delete:<row id>` deletes it through the delivery loop, retried
through outages like any delivery. The row stays as the record of what was shared.

The Slack file ID is stored plain: it is the bot's own upload, with a neutral name, in a
responder's or HR person's DM; it names neither the reporter nor her file.
"""

from __future__ import annotations

from datetime import datetime

import sqlite_utils

from bot.domain.stored import OutboxKind, outbox_key
from db import outbox
from db.rows import immediate, insert, iso

SHARED, DELETING, DELETED = "shared", "deleting", "deleted"
IN_SLACK = "shared_copies.slack_file"  # the deletion record's name for the copies in Slack


def record(
    db: sqlite_utils.Database,
    case_id: int,
    item: int,
    viewer: str,
    slack_file_id: str,
    at: datetime,
    delete_after: datetime,
) -> int:
    row = {
        "case_id": case_id,
        "item": item,
        "viewer": viewer,
        "slack_file_id": slack_file_id,
        "shared_at": iso(at),
        "delete_after": iso(delete_after),
        "status": SHARED,
    }
    with immediate(db):
        return insert(db, "shared_copies", row)


def _queue(db: sqlite_utils.Database, rows: list[tuple[int, int]], now: datetime) -> int:
    for copy_id, case_id in rows:
        db.execute("UPDATE shared_copies SET status = ? WHERE id = ?", [DELETING, copy_id])
        outbox.enqueue(db, case_id, outbox_key(OutboxKind.SHARED_COPY_DELETE, copy_id), now)
    return len(rows)


def _shared(db: sqlite_utils.Database, where: str, params: list[object]) -> list[tuple[int, int]]:
    rows = db.execute(
        f"SELECT id, case_id FROM shared_copies WHERE status = ? AND {where} ORDER BY id",
        [SHARED, *params],
    ).fetchall()
    return [(int(i), int(c)) for i, c in rows]


def expire_due(db: sqlite_utils.Database, now: datetime) -> int:
    """Queue the deletion of every copy whose time is up; how many were queued.
    Called on each round of the delivery loop: a read, and a write only when due."""
    if not _shared(db, "delete_after <= ?", [iso(now)]):
        return 0
    with immediate(db):  # read again under the lock: another process may have queued them
        return _queue(db, _shared(db, "delete_after <= ?", [iso(now)]), now)


def expire_case(db: sqlite_utils.Database, case_id: int, now: datetime) -> int:
    """Queue the deletion of every copy of the case still in Slack (its evidence is
    purged). Call inside the purging transaction."""
    return _queue(db, _shared(db, "case_id = ?", [case_id]), now)


def to_delete(db: sqlite_utils.Database, copy_id: int) -> str | None:
    """The Slack file a deletion job is to delete; None once it is deleted."""
    row = db.execute(
        "SELECT slack_file_id FROM shared_copies WHERE id = ? AND status = ?", [copy_id, DELETING]
    ).fetchone()
    return str(row[0]) if row else None


def deleted(db: sqlite_utils.Database, delivery_id: int, copy_id: int, now: datetime) -> None:
    """The copy is gone from Slack: say so and finish its job, in one transaction."""
    with immediate(db):
        db.execute(
            "UPDATE shared_copies SET status = ?, deleted_at = ? WHERE id = ? AND status = ?",
            [DELETED, iso(now), copy_id, DELETING],
        )
        # A deletion posts nothing: no channel and no ts to record.
        db.execute(
            "UPDATE outbox SET status = 'done', done_at = ?, last_error = NULL WHERE id = ?",
            [iso(now), delivery_id],
        )
