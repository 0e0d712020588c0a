"""Pending deliveries to Slack: durable intents a background loop carries out once.

Most rows name what to post ("the card of case 7") and are rendered from the case when
they go. Reminders are decided when they fire, so their rows carry the message itself
(`payload`, sealed: a welfare check-in names the reporter's DM), in kinds
"reminder:<id>", "digest:<id>", "welfare:<id>" and "notice:<id>".
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from bot.domain.stored import POST_KINDS, OutboxKind, parse_outbox_key
from db.rows import insert, iso
from db.sealed import seal, unseal

# Kinds whose row carries its message (see the module docstring).
# "notice:<reminder id>" is a private message a welfare answer sends (HR told of
# possible retaliation, counseling asked to get in touch).


@dataclass(frozen=True)
class Delivery:
    id: int
    case_id: int | None  # None for the daily digest
    kind: str
    attempts: int
    channel: str | None
    ts: str | None


def enqueue(db: sqlite_utils.Database, case_id: int | None, kind: str, now: datetime) -> int:
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
# The kinds are bot.domain.stored.EMPLOYEE_KINDS (tests/test_stored.py holds them equal).
# A copy of an evidence file (bot.domain.stored.EVIDENCE_KINDS) is neither: it waits for
# no card, and a files.info outage holds up no message. Deleting a copy shared into a
# viewer's DM (SHARED_COPY_KINDS) has an order of its own too: a files.delete outage
# holds up nothing else.
_DESTINATION = """CASE WHEN {t}.kind LIKE 'evidence\\_copy:%' ESCAPE '\\' THEN 'evidence'
    WHEN {t}.kind LIKE 'shared\\_copy\\_delete:%' ESCAPE '\\' THEN 'shared_copy'
    WHEN {t}.kind IN ('confirmation', 'closed_notice', 'ack_notice',
    'lead_notice', 'helper_notice', 'behalf_notice')
    OR {t}.kind LIKE 'employee\\_message:%' ESCAPE '\\' OR {t}.kind LIKE 'welfare:%'
    OR {t}.kind LIKE 'notice:%' THEN 'employee' ELSE 'team' END"""


def is_post_kind(kind: str) -> bool:
    """A post decided when it was queued: its message is stored with the row."""
    return parse_outbox_key(kind).kind in POST_KINDS


def enqueue_post(
    db: sqlite_utils.Database,
    case_id: int | None,
    kind: str,
    message: dict[str, Any],
    now: datetime,
) -> int:
    """Queue a message decided now (a reminder); call inside the deciding transaction."""
    if parse_outbox_key(kind).kind is OutboxKind.DIGEST:
        # A digest still waiting for Slack is out of date once the next one is queued.
        db.execute(
            "UPDATE outbox SET status = 'dead', payload = NULL, last_error = 'superseded'"
            " WHERE status = 'pending' AND kind LIKE 'digest:%'"
        )
    pk = enqueue(db, case_id, kind, now)
    db.execute(
        "UPDATE outbox SET payload = ? WHERE id = ?",
        [seal(db, "outbox.payload", json.dumps(message)), pk],
    )
    return pk


def payload(db: sqlite_utils.Database, delivery_id: int) -> dict[str, Any] | None:
    row = db.execute("SELECT payload FROM outbox WHERE id = ?", [delivery_id]).fetchone()
    if not row or not row[0]:
        return None
    message: dict[str, Any] = json.loads(unseal(db, "outbox.payload", row[0]) or "{}")
    return message


def _ids(ids: Iterable[int]) -> str:
    return json.dumps(sorted(set(ids)))


def due(
    db: sqlite_utils.Database,
    now: datetime,
    limit: int = 100,
    *,
    ready: Iterable[int] = (),
    waiting: Iterable[int] = (),
) -> list[Delivery]:
    """Pending deliveries whose time has come and whose predecessors are done.

    `ready` and `waiting` are rows whose retry the caller times itself (on a monotonic
    clock): they are due, or not, whatever `next_attempt_at` says. Within one case and
    destination a delivery waits for every earlier one: the thread reply needs the
    card's ts; messages to the employee keep their order."""
    rows = db.execute(
        f"""
        SELECT o.id, o.case_id, o.kind, o.attempts, o.channel, o.ts FROM outbox o
        WHERE o.status = 'pending'
          AND (o.next_attempt_at <= ? OR o.id IN (SELECT value FROM json_each(?)))
          AND o.id NOT IN (SELECT value FROM json_each(?))
          AND NOT EXISTS (
            SELECT 1 FROM outbox p WHERE p.case_id = o.case_id AND p.id < o.id
              AND p.status = 'pending'
              AND {_DESTINATION.format(t="p")} = {_DESTINATION.format(t="o")})
        ORDER BY o.next_attempt_at, o.id LIMIT ?
        """,
        [iso(now), _ids(ready), _ids(waiting), limit],
    ).fetchall()
    return [Delivery(*r) for r in rows]


def next_due_at(db: sqlite_utils.Database, exclude: Iterable[int] = ()) -> datetime | None:
    """When the next pending delivery not in `exclude` (those already in flight) is due."""
    row = db.execute(
        "SELECT MIN(next_attempt_at) FROM outbox WHERE status = 'pending'"
        " AND id NOT IN (SELECT value FROM json_each(?))",
        [_ids(exclude)],
    ).fetchone()
    if not row or row[0] is None:
        return None
    return datetime.fromisoformat(row[0]) if row[0] else datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Attempt:
    number: int
    was_uncertain: bool  # an earlier attempt may have posted: look before posting
    first_at: datetime  # the first attempt: no copy of the message can be older


def begin_attempt(db: sqlite_utils.Database, delivery_id: int, now: datetime) -> Attempt:
    """Count the attempt and mark it uncertain *before* calling Slack.

    If the process dies mid-call, the row stays uncertain, so the next attempt looks
    for the message (posted since the first attempt) before posting again."""
    row = db.execute("SELECT uncertain FROM outbox WHERE id = ?", [delivery_id]).fetchone()
    db.execute(
        "UPDATE outbox SET attempts = attempts + 1, uncertain = 1,"
        " first_attempt_at = COALESCE(first_attempt_at, ?) WHERE id = ?",
        [iso(now), delivery_id],
    )
    n, first = db.execute(
        "SELECT attempts, first_attempt_at FROM outbox WHERE id = ?", [delivery_id]
    ).fetchone()
    return Attempt(int(n), bool(row[0]), datetime.fromisoformat(first))


def not_posted(db: sqlite_utils.Database, delivery_id: int, was_uncertain: bool) -> None:
    """Slack answered that it did not post (429, a refusal; not a 5xx, which may have
    posted): certainty is back to what it was before this attempt."""
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
            "payload": None,  # the message is in Slack now; keep no copy
        },
    )


def retry_later(db: sqlite_utils.Database, delivery_id: int, at: datetime, error: str) -> None:
    db.table("outbox").update(delivery_id, {"next_attempt_at": iso(at), "last_error": error[:200]})


def give_up(db: sqlite_utils.Database, delivery_id: int, error: str) -> None:
    db.table("outbox").update(
        delivery_id, {"status": "dead", "last_error": error[:200], "payload": None}
    )


def pending_count(db: sqlite_utils.Database) -> int:
    return int(db.execute("SELECT COUNT(*) FROM outbox WHERE status = 'pending'").fetchone()[0])
