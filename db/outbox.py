"""Pending deliveries to Slack: durable intents a background loop carries out once."""

from __future__ import annotations

from collections.abc import Iterable
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


# Deliveries go to one of two places: the responders channel (card, thread replies)
# or the employee's DM (confirmation, messages, closing notice). Order matters within
# each; across them it does not, so a rate-limited channel never delays the employee.
_DESTINATION = """CASE WHEN {t}.kind IN ('confirmation', 'closed_notice')
    OR {t}.kind LIKE 'employee\\_message:%' ESCAPE '\\' THEN 'employee' ELSE 'team' END"""


def due(db: sqlite_utils.Database, now: datetime, limit: int = 100) -> list[Delivery]:
    """Pending deliveries whose time has come and whose predecessors are done.

    Within one case and destination a delivery waits for every earlier one: the
    thread reply needs the card's ts; messages to the employee keep their order."""
    rows = db.execute(
        f"""
        SELECT o.id, o.case_id, o.kind, o.attempts, o.channel, o.ts FROM outbox o
        WHERE o.status = 'pending' AND o.next_attempt_at <= ?
          AND NOT EXISTS (
            SELECT 1 FROM outbox p WHERE p.case_id = o.case_id AND p.id < o.id
              AND p.status = 'pending'
              AND {_DESTINATION.format(t="p")} = {_DESTINATION.format(t="o")})
        ORDER BY o.next_attempt_at, o.id LIMIT ?
        """,
        [iso(now), limit],
    ).fetchall()
    return [Delivery(*r) for r in rows]


def next_due_at(db: sqlite_utils.Database, exclude: Iterable[int] = ()) -> datetime | None:
    """When the next pending delivery not in `exclude` (those already in flight) is due."""
    skip = list(exclude)
    marks = ",".join("?" * len(skip))
    row = db.execute(
        "SELECT MIN(next_attempt_at) FROM outbox WHERE status = 'pending'"
        + (f" AND id NOT IN ({marks})" if skip else ""),
        skip,
    ).fetchone()
    if not row or row[0] is None:
        return None
    return datetime.fromisoformat(row[0]) if row[0] else datetime.min.replace(tzinfo=UTC)


def begin_attempt(db: sqlite_utils.Database, delivery_id: int) -> tuple[int, bool]:
    """Count the attempt and mark it uncertain *before* calling Slack.

    Returns (attempts, was_uncertain). If the process dies mid-call, the row stays
    uncertain, so the next attempt looks for the message before posting again."""
    row = db.execute("SELECT uncertain FROM outbox WHERE id = ?", [delivery_id]).fetchone()
    db.execute(
        "UPDATE outbox SET attempts = attempts + 1, uncertain = 1 WHERE id = ?", [delivery_id]
    )
    attempts = db.execute("SELECT attempts FROM outbox WHERE id = ?", [delivery_id]).fetchone()
    return int(attempts[0]), bool(row[0])


def not_posted(db: sqlite_utils.Database, delivery_id: int, was_uncertain: bool) -> None:
    """Slack answered that it did not post (429, 5xx, an error): certainty is back to
    what it was before this attempt."""
    db.execute("UPDATE outbox SET uncertain = ? WHERE id = ?", [int(was_uncertain), delivery_id])


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
