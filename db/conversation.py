"""The private channel between responders and the employee: messages and relayed replies.

The text lives sealed in the timeline entry; the outbox row that carries it to Slack
names that entry (`employee_message:<id>`), so it is rendered at delivery time from
the database and a failed post is retried without being lost or sent twice.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlite_utils

from bot.domain.conversation import EVENTS, MESSAGED, VIEWED, Exchanged
from bot.domain.stored import OutboxKind, outbox_key
from db import outbox, timeline
from db.handling import (
    Outcome,
    claim_view,
    first_time_event,
    is_closed,
    view_seen,
    working,
)
from db.rows import immediate
from db.sealed import seal, unseal

# Outbox kinds this module enqueues, each followed by ":<timeline id>".


def _add(
    db: sqlite_utils.Database, case_id: int, at: datetime, actor: str, event: str, **detail: Any
) -> int:
    return timeline.add(db, case_id, at, actor, event, **detail)


def message_employee(
    db: sqlite_utils.Database,
    case_id: int,
    at: datetime,
    actor: str,
    text: str,
    signed: bool,
    view_id: str | None,
) -> Outcome:
    with immediate(db):
        if view_seen(db, view_id):
            return Outcome.ALREADY
        if is_closed(db, case_id):
            return Outcome.CLOSED
        claim_view(db, view_id, at)
        working(db, case_id, at, actor, "message")
        entry = _add(
            db,
            case_id,
            at,
            actor,
            "employee_messaged",
            text=seal(db, timeline.TEXT, text),
            signed=signed,
        )
        outbox.enqueue(db, case_id, outbox_key(OutboxKind.TO_EMPLOYEE, entry), at)
        outbox.enqueue(db, case_id, outbox_key(OutboxKind.SENT_NOTE, entry), at)
        return Outcome.APPLIED


def relay_reply(
    db: sqlite_utils.Database, case_id: int, at: datetime, actor: str, text: str
) -> None:
    """`actor`: the employee's ID, or "reporter" when they asked for confidentiality."""
    with immediate(db):
        entry = _add(db, case_id, at, actor, "employee_replied", text=seal(db, timeline.TEXT, text))
        outbox.enqueue(db, case_id, outbox_key(OutboxKind.RELAY, entry), at)


def enqueue_closed_notice(db: sqlite_utils.Database, case_id: int, at: datetime) -> None:
    outbox.enqueue(db, case_id, outbox_key(OutboxKind.CLOSED_NOTICE), at)


def entry_text(db: sqlite_utils.Database, case_id: int, entry_id: int) -> tuple[str, str, bool]:
    """(actor, text, signed) of a message entry of this case, for rendering."""
    row = db.execute(
        "SELECT actor, detail FROM timeline WHERE id = ? AND case_id = ?", [entry_id, case_id]
    ).fetchone()
    if row is None:
        raise LookupError(f"no timeline entry {entry_id} in case {case_id}")
    detail = json.loads(row[1] or "{}")
    text = unseal(db, timeline.TEXT, detail.get("text")) or ""
    return row[0], text, bool(detail.get("signed"))


def has_messages(db: sqlite_utils.Database, case_id: int) -> bool:
    """Whether anything was exchanged with the employee on this case."""
    marks = ", ".join("?" for _ in EVENTS)
    row = db.execute(
        f"SELECT 1 FROM timeline WHERE case_id = ? AND event IN ({marks}) LIMIT 1",
        [case_id, *EVENTS],
    ).fetchone()
    return row is not None


def open_conversation(
    db: sqlite_utils.Database, case_id: int, at: datetime, viewer: str
) -> list[Exchanged]:
    """The whole conversation of a case, oldest first, its words unsealed for `viewer`.

    The opening is recorded first, in the same transaction: an opening that then
    failed to display is still an access (as View details)."""
    with immediate(db):
        timeline.add(db, case_id, at, viewer, VIEWED)
        marks = ", ".join("?" for _ in EVENTS)
        rows = db.execute(
            f"SELECT at, actor, event, detail FROM timeline WHERE case_id = ?"
            f" AND event IN ({marks}) ORDER BY id",
            [case_id, *EVENTS],
        ).fetchall()
    found = []
    for when, actor, event, detail in rows:
        d = json.loads(detail or "{}")
        sealed = d.get("text")  # gone once the narrative rule has run (db/retention.py)
        text = unseal(db, timeline.TEXT, sealed) if isinstance(sealed, str) else None
        at_ = datetime.fromisoformat(when)
        found.append(Exchanged(at_, actor, event == MESSAGED, text, bool(d.get("signed"))))
    return found


# Outbox kinds that put a bot message in the employee's DM.
_DM_KINDS = (
    "(o.kind = 'confirmation' OR o.kind = 'closed_notice' OR o.kind LIKE 'employee_message:%')"
)


def case_for_dm(db: sqlite_utils.Database, ref: str, thread_ts: str | None) -> int | None:
    """Which of the employee's cases a DM reply is about (`ref`: cases.reporter_ref).

    The DM channel and a confidential reporter's ID are sealed, so the match goes
    through the reporter's keyed hash and the ts of our messages in their DM. A reply
    in the thread of one of our messages is about that message's case (even a closed
    one: the closing notice invites exactly that). Otherwise: the employee's most
    recent open case we have written to in the DM. None: we must ask."""
    if thread_ts:
        row = db.execute(
            "SELECT o.case_id FROM outbox o JOIN cases c ON c.id = o.case_id"
            f" WHERE o.ts = ? AND o.status = 'done' AND c.reporter_ref = ? AND {_DM_KINDS}",
            [thread_ts, ref],
        ).fetchone()
        if row:
            return int(row[0])
    row = db.execute(
        "SELECT o.case_id FROM outbox o JOIN cases c ON c.id = o.case_id"
        f" WHERE o.status = 'done' AND c.reporter_ref = ? AND c.status != 'closed' AND {_DM_KINDS}"
        " ORDER BY o.done_at DESC, o.id DESC LIMIT 1",
        [ref],
    ).fetchone()
    return int(row[0]) if row else None


# What became of an employee's DM (relay_dm).
RELAYED, REPEAT, NO_CASE, NO_REPORTS = "relayed", "repeat", "no_case", "no_reports"


def relay_dm(
    db: sqlite_utils.Database,
    keys: list[str],
    at: datetime,
    ref: str,
    thread_ts: str | None,
    employee: str,
    text: str,
) -> tuple[str, str | None]:
    """Relay a DM to its case exactly once: (what happened, the case number).

    The event's keys (event_id, client_msg_id) are recorded in the same transaction as
    the relay, so a Slack retry, or a journal entry committed again after a crash,
    finds them and relays nothing."""
    with immediate(db):
        fresh = [first_time_event(db, key, at) for key in keys]  # every key recorded
        if not all(fresh):
            return REPEAT, None
        case_id = case_for_dm(db, ref, thread_ts)
        if case_id is None:
            filed = db.execute("SELECT 1 FROM cases WHERE reporter_ref = ? LIMIT 1", [ref])
            return (NO_CASE if filed.fetchone() else NO_REPORTS), None
        case_no, show_name = db.execute(
            "SELECT case_no, show_name FROM cases WHERE id = ?", [case_id]
        ).fetchone()
        # A confidential reporter is not named in the timeline (as when the case was filed).
        relay_reply(db, case_id, at, employee if show_name else "reporter", text)
        return RELAYED, str(case_no)
