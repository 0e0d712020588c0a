"""db/reminders.py against real SQLite: due() costs O(due), keys make scheduling idempotent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlite_utils

from db import reminders
from db.rows import iso

NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


def _fill(db: sqlite_utils.Database, pending: int, due: int) -> None:
    later, earlier = iso(NOW + timedelta(days=1)), iso(NOW - timedelta(minutes=1))
    rows = [(f"step:{i}:x:1", "step", later) for i in range(pending)]
    rows += [(f"ack:{i}:1", "ack", earlier) for i in range(due)]
    with db.atomic():
        db.conn.executemany(
            "INSERT INTO reminders (key, kind, due_at, created_at) VALUES (?, ?, ?, ?)",
            [(k, kind, d, iso(NOW)) for k, kind, d in rows],
        )


def test_due_returns_only_what_is_due_through_the_partial_index(
    fresh_db: sqlite_utils.Database,
) -> None:
    db = fresh_db
    _fill(db, pending=20_000, due=100)
    got = reminders.due(db, NOW, 1000)
    assert len(got) == 100 and {r.kind for r in got} == {"ack"}
    plan = db.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM reminders WHERE fired_at IS NULL AND due_at <= ?"
        " ORDER BY due_at LIMIT ?",
        [iso(NOW), 10],
    ).fetchall()
    assert "USING INDEX reminders_pending_due" in str(plan)


def test_scheduling_twice_and_firing_twice_are_no_ops(fresh_db: sqlite_utils.Database) -> None:
    db = fresh_db
    assert reminders.schedule(db, "ack:1:1", "ack", NOW, NOW, case_id=None)
    assert not reminders.schedule(db, "ack:1:1", "ack", NOW + timedelta(hours=1), NOW)
    [r] = reminders.due(db, NOW)
    assert reminders.fire(db, r.id, NOW, "sent")
    assert not reminders.fire(db, r.id, NOW, "sent")
    assert reminders.due(db, NOW + timedelta(days=1)) == []
