"""Pending deliveries to Slack: durable intents a background loop carries out once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlite_utils

from db.rows import insert, iso
from db.sealed import seal


@dataclass(frozen=True)
class Delivery:
    id: int
    case_id: int
    kind: str
    attempts: int
    channel: str | None
    ts: str | None


def enqueue(db: sqlite_utils.Database, case_id: int, kind: str, now: datetime) -> int:
    pk = insert(
        db,
        "outbox",
        {
            "case_id": case_id,
            "kind": kind,
            "status": "pending",
            "attempts": 0,
            # "" sorts before every timestamp: due at once, whatever clock the caller
            # keeps (the delivery loop runs on real time; flows may run on a test clock).
            "next_attempt_at": "",
            "created_at": iso(now),
        },
    )
    return pk


def due(db: sqlite_utils.Database, now: datetime, limit: int = 100) -> list[Delivery]:
    """Pending deliveries whose time has come and whose predecessors are done.

    Within one case a delivery waits for every earlier one: the thread reply needs
    the card's ts, and the employee hears back after the responders do."""
    rows = db.execute(
        """
        SELECT o.id, o.case_id, o.kind, o.attempts, o.channel, o.ts FROM outbox o
        WHERE o.status = 'pending' AND o.next_attempt_at <= ?
          AND NOT EXISTS (
            SELECT 1 FROM outbox p WHERE p.case_id = o.case_id AND p.id < o.id
              AND p.status = 'pending')
        ORDER BY o.next_attempt_at, o.id LIMIT ?
        """,
        [iso(now), limit],
    ).fetchall()
    return [Delivery(*r) for r in rows]


def next_due_at(db: sqlite_utils.Database) -> datetime | None:
    row = db.execute("SELECT MIN(next_attempt_at) FROM outbox WHERE status = 'pending'").fetchone()
    if not row or row[0] is None:
        return None
    return datetime.fromisoformat(row[0]) if row[0] else datetime.min.replace(tzinfo=UTC)


def begin_attempt(db: sqlite_utils.Database, delivery_id: int) -> int:
    """Count the attempt *before* calling Slack: after a crash, attempts > 0 tells
    the loop that Slack may already have the message, so it looks before posting."""
    db.execute("UPDATE outbox SET attempts = attempts + 1 WHERE id = ?", [delivery_id])
    row = db.execute("SELECT attempts FROM outbox WHERE id = ?", [delivery_id]).fetchone()
    return int(row[0])


def _stored_channel(db: sqlite_utils.Database, channel: str) -> str:
    # A DM's channel ID leads to the person through Slack's API: for a confidential
    # reporter that is their identity, so it is sealed like cases.reporter_id.
    return channel if channel.startswith(("C", "G")) else seal(db, "outbox.channel", channel) or ""


def record_channel(db: sqlite_utils.Database, delivery_id: int, channel: str) -> None:
    db.table("outbox").update(delivery_id, {"channel": _stored_channel(db, channel)})


def done(db: sqlite_utils.Database, delivery_id: int, channel: str, ts: str, now: datetime) -> None:
    db.table("outbox").update(
        delivery_id,
        {
            "status": "done",
            "channel": _stored_channel(db, channel),
            "ts": ts,
            "done_at": iso(now),
            "last_error": None,
        },
    )


def retry_later(db: sqlite_utils.Database, delivery_id: int, at: datetime, error: str) -> None:
    db.table("outbox").update(delivery_id, {"next_attempt_at": iso(at), "last_error": error[:200]})


def give_up(db: sqlite_utils.Database, delivery_id: int, error: str) -> None:
    db.table("outbox").update(delivery_id, {"status": "dead", "last_error": error[:200]})


def pending_count(db: sqlite_utils.Database) -> int:
    return int(db.execute("SELECT COUNT(*) FROM outbox WHERE status = 'pending'").fetchone()[0])
