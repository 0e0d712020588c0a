"""Changing a case's severity (a responder, with a reason): the case, its timeline,
and its acknowledgement escalation, in one transaction.

HR's figures (db/stats.py) read cases.severity when asked, so they follow at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import sqlite_utils

from db import timeline
from db.handling import Outcome, is_closed
from db.rows import immediate, iso
from db.sealed import seal


def change_severity(
    db: sqlite_utils.Database,
    case_id: int,
    to: str,
    reason: str,
    at: datetime,
    actor: str,
    ack_for: Callable[[str], timedelta | None],
) -> Outcome:
    """Set the severity; re-plan the pending acknowledgement escalation from `ack_for`
    (the new severity's interval: counted from the report for the first one, from now
    for later ones, never in the past)."""
    with immediate(db):
        if is_closed(db, case_id):
            return Outcome.CLOSED
        row = db.execute(
            "SELECT severity, reported_at FROM cases WHERE id = ?", [case_id]
        ).fetchone()
        before, reported = row[0], datetime.fromisoformat(row[1])
        if before == to:
            return Outcome.ALREADY
        db.execute("UPDATE cases SET severity = ? WHERE id = ?", [to, case_id])
        timeline.add(db, case_id, at, actor, "severity_changed", severity_from=before,
                     severity_to=to, reason=seal(db, timeline.TEXT, reason))  # fmt: skip
        interval = ack_for(to)
        pending = db.execute(
            "SELECT id, attempt FROM reminders WHERE case_id = ? AND kind = 'ack'"
            " AND fired_at IS NULL",
            [case_id],
        ).fetchall()
        for rid, attempt in pending:
            if interval is None:  # this severity does not escalate
                db.execute("UPDATE reminders SET fired_at = ?, outcome = 'skipped' WHERE id = ?",
                           [iso(at), rid])  # fmt: skip
                continue
            base = reported if attempt == 1 else at
            due = max(base + interval, at)
            db.execute("UPDATE reminders SET due_at = ? WHERE id = ?", [iso(due), rid])
        return Outcome.APPLIED
