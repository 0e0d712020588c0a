"""Reminders as rows: scheduled once (a stable unique key), fired once (fired_at).

A reminder is claimed by stamping fired_at in the same transaction that decides to
send it and queues its message in the outbox (db/outbox.py): from then on the delivery
loop posts it exactly once, retrying through any outage; it never fires twice.

Keys: "ack:<case>:<n>", "step:<case>:<step>:<n>", "welfare:<case>:<closed_at>",
"digest:<local date>", "shift:<case>:<rotation>:<member>:<since>".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlite_utils

from bot.domain.case import Case
from bot.domain.severity import ack_target
from bot.domain.stored import ack_key, step_key, summon_key, welfare_key
from db.rows import immediate, iso
from db.sealed import seal

DEFAULT_WELFARE_AFTER = timedelta(days=14)


@dataclass(frozen=True)
class Reminder:
    id: int
    key: str
    case_id: int | None
    kind: str
    chain: str
    attempt: int
    due_at: datetime


_COLUMNS = "id, key, case_id, kind, chain, attempt, due_at"


def _reminder(row: tuple[object, ...]) -> Reminder:
    rid, key, case_id, kind, chain, attempt, due_at = row
    return Reminder(
        int(str(rid)),
        str(key),
        int(str(case_id)) if case_id is not None else None,
        str(kind),
        str(chain or ""),
        int(str(attempt or 1)),
        datetime.fromisoformat(str(due_at)),
    )


def schedule(
    db: sqlite_utils.Database,
    key: str,
    kind: str,
    due_at: datetime,
    now: datetime,
    *,
    case_id: int | None = None,
    chain: str = "",
    attempt: int = 1,
) -> bool:
    """Schedule a reminder unless one with this key exists; True if it was new."""
    cur = db.execute(
        "INSERT OR IGNORE INTO reminders (key, case_id, kind, chain, attempt, due_at,"
        " created_at, failures) VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
        [key, case_id, kind, chain, attempt, iso(due_at), iso(now)],
    )
    return bool(cur.rowcount)


def due(db: sqlite_utils.Database, now: datetime, limit: int = 500) -> list[Reminder]:
    """Pending reminders due at `now`, oldest first. Served by the partial index
    reminders_pending_due: the cost grows with what is due, not with what is open."""
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM reminders WHERE fired_at IS NULL AND due_at <= ?"
        " ORDER BY due_at LIMIT ?",
        [iso(now), limit],
    ).fetchall()
    return [_reminder(r) for r in rows]


def next_due_at(db: sqlite_utils.Database) -> datetime | None:
    row = db.execute("SELECT MIN(due_at) FROM reminders WHERE fired_at IS NULL").fetchone()
    return datetime.fromisoformat(row[0]) if row and row[0] else None


def get(db: sqlite_utils.Database, reminder_id: int) -> Reminder | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM reminders WHERE id = ?", [reminder_id]).fetchone()
    return _reminder(row) if row else None


def id_of(db: sqlite_utils.Database, key: str) -> int:
    """The id of the reminder stored under `key` (it must exist)."""
    row = db.execute("SELECT id FROM reminders WHERE key = ?", [key]).fetchone()
    return int(row[0])


def fire(db: sqlite_utils.Database, reminder_id: int, now: datetime, outcome: str) -> bool:
    """Claim a pending reminder (outcome "sent" or "skipped"); False if already fired."""
    cur = db.execute(
        "UPDATE reminders SET fired_at = ?, outcome = ? WHERE id = ? AND fired_at IS NULL",
        [iso(now), outcome, reminder_id],
    )
    return bool(cur.rowcount)


def defer(db: sqlite_utils.Database, reminder_id: int, until: datetime) -> None:
    """Move a pending reminder later (quiet hours, a card not yet in Slack)."""
    db.execute(
        "UPDATE reminders SET due_at = ? WHERE id = ? AND fired_at IS NULL",
        [iso(until), reminder_id],
    )


def set_message(db: sqlite_utils.Database, ids: Iterable[int], channel: str, ts: str) -> None:
    """Where a reminder was posted. A DM's channel leads to the person (a welfare
    check-in goes to a possibly confidential reporter): sealed like outbox.channel."""
    stored = channel if channel.startswith(("C", "G")) else seal(db, "reminders.channel", channel)
    with immediate(db):
        for rid in ids:
            db.execute("UPDATE reminders SET channel = ?, ts = ? WHERE id = ?", [stored, ts, rid])


def forget_channels(db: sqlite_utils.Database, case_id: int) -> None:
    """The identity retention rule: where the case's reminders went (a DM is a person)."""
    db.execute("UPDATE reminders SET channel = NULL WHERE case_id = ?", [case_id])


@dataclass(frozen=True)
class CasePlan:
    """What to schedule when a case is filed; called inside file_case's transaction."""

    ack_after: Mapping[str, timedelta]  # severity -> time allowed for an acknowledgement
    steps: tuple[tuple[str, timedelta], ...]  # (step id, remind_after) in policy order
    # A high case with one of these categories is acknowledged sooner (docs/severity.md).
    critical: frozenset[str] = frozenset()
    critical_after: timedelta = timedelta(minutes=15)
    # A case happening now widens its summons after this long if nobody is going.
    summon_after: timedelta | None = None

    def __call__(self, db: sqlite_utils.Database, case: Case) -> None:
        schedule_case(db, case, self)

    def ack_for(self, severity: str, categories: tuple[str, ...]) -> timedelta | None:
        critical = bool(self.critical & set(categories))
        return ack_target(severity, critical, self.ack_after, self.critical_after)


def schedule_case(db: sqlite_utils.Database, case: Case, plan: CasePlan) -> None:
    opened = case.reported_at
    ack = plan.ack_for(case.severity, case.categories)
    if ack is not None:
        schedule(db, ack_key(case.id, 1), "ack", opened + ack, opened, case_id=case.id)
    if plan.summon_after is not None and case.happening_now:
        due = opened + plan.summon_after
        schedule(db, summon_key(case.id, 1), "summon", due, opened, case_id=case.id)
    for step_id, after in plan.steps:
        schedule(
            db,
            step_key(case.id, step_id, 1),
            "step",
            opened + after,
            opened,
            case_id=case.id,
            chain=step_id,
        )


def sent_count(db: sqlite_utils.Database, case_id: int, kind: str, chain: str) -> int:
    """How many reminders of a chain were sent (skipped ones were never seen): what
    `max_step_reminders` limits."""
    row = db.execute(
        "SELECT COUNT(*) FROM reminders WHERE case_id = ? AND kind = ? AND chain = ?"
        " AND outcome = 'sent'",
        [case_id, kind, chain],
    ).fetchone()
    return int(row[0])


def remind_step_again(
    db: sqlite_utils.Database,
    case_id: int,
    step_id: str,
    now: datetime,
    after: timedelta,
    max_reminders: int,
) -> bool:
    """A step handled and then undone is open again: its chain resumes, due `after`
    from now (inside the caller's transaction). The loop skipped the reminder that fell
    due while it was handled and scheduled no next one, so without this it would never
    be reminded again. Nothing when a reminder is still pending (the chain never
    stopped) or the chain has sent its `max_reminders`. True if one was scheduled."""
    pending = db.execute(
        "SELECT 1 FROM reminders WHERE case_id = ? AND kind = 'step' AND chain = ?"
        " AND fired_at IS NULL",
        [case_id, step_id],
    ).fetchone()
    if pending or sent_count(db, case_id, "step", step_id) >= max_reminders:
        return False
    n = db.execute(
        "SELECT MAX(attempt) FROM reminders WHERE case_id = ? AND kind = 'step' AND chain = ?",
        [case_id, step_id],
    ).fetchone()[0]
    attempt = int(n or 0) + 1
    key = step_key(case_id, step_id, attempt)
    return schedule(
        db, key, "step", now + after, now, case_id=case_id, chain=step_id, attempt=attempt
    )


def schedule_welfare(
    db: sqlite_utils.Database,
    case_id: int,
    closed_at: datetime,
    after: timedelta = DEFAULT_WELFARE_AFTER,
) -> bool:
    """Schedule the employee's welfare check-in for a case closed at `closed_at`.

    Idempotent per close (reopening and closing again schedules a new one); pass
    `after=ctx.config.reminders.welfare_after` to honour the configuration."""
    return schedule(
        db,
        welfare_key(case_id, iso(closed_at)),
        "welfare",
        closed_at + after,
        closed_at,
        case_id=case_id,
    )


def recently_closed(db: sqlite_utils.Database, since: datetime) -> list[tuple[int, datetime]]:
    # `+status` keeps SQLite on the closed_at index (a range of recent closes) rather
    # than the status index, which would walk every case ever closed.
    rows = db.execute(
        "SELECT id, closed_at FROM cases WHERE closed_at >= ? AND +status = 'closed'",
        [iso(since)],
    ).fetchall()
    return [(int(i), datetime.fromisoformat(c)) for i, c in rows]


def snooze(
    db: sqlite_utils.Database, ids: Iterable[int], until: datetime, by: str, now: datetime
) -> list[tuple[int, str]]:
    """Push the next reminder of each chain in `ids` to `until` (scheduling one when the
    chain had run out). Returns the (case id, chain) pairs snoozed."""
    done: list[tuple[int, str]] = []
    with immediate(db):
        for rid in ids:
            r = get(db, rid)
            if r is None or r.case_id is None or (r.case_id, r.chain) in done:
                continue
            cur = db.execute(
                "UPDATE reminders SET due_at = ?, snoozed_until = ?, snoozed_by = ?"
                " WHERE case_id = ? AND kind = ? AND chain = ? AND fired_at IS NULL",
                [iso(until), iso(until), by, r.case_id, r.kind, r.chain],
            )
            if not cur.rowcount:
                n = db.execute(
                    "SELECT MAX(attempt) FROM reminders WHERE case_id = ? AND kind = ?"
                    " AND chain = ?",
                    [r.case_id, r.kind, r.chain],
                ).fetchone()[0]
                attempt = int(n or 0) + 1
                key = f"{r.kind}:{r.case_id}:{r.chain}:{attempt}"
                schedule(
                    db, key, r.kind, until, now, case_id=r.case_id, chain=r.chain, attempt=attempt
                )
                db.execute(
                    "UPDATE reminders SET snoozed_until = ?, snoozed_by = ? WHERE key = ?",
                    [iso(until), by, key],
                )
            done.append((r.case_id, r.chain))
    return done


def record_welfare_answer(
    db: sqlite_utils.Database, reminder_id: int, answer: str, at: datetime
) -> bool:
    """Keep a check-in answer; False if this answer to it was given before."""
    return bool(
        db.execute(
            "INSERT OR IGNORE INTO welfare_answers (reminder_id, answer, at) VALUES (?, ?, ?)",
            [reminder_id, answer, iso(at)],
        ).rowcount
    )


def welfare_answers(db: sqlite_utils.Database, reminder_id: int) -> frozenset[str]:
    rows = db.execute(
        "SELECT answer FROM welfare_answers WHERE reminder_id = ?", [reminder_id]
    ).fetchall()
    return frozenset(a for (a,) in rows)
