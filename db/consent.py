"""Consent that can change (issue 11 §3), and the employee reopening her own case (§4).

The form promises "you can change this later": here the employee's later answer becomes
the case's current one, in one transaction with its timeline entry and what Slack must
hear (a note in the case thread; the counseling person on duty, when she agrees to be
contacted). `counseling_ever` remembers that she agreed at some time, for HR's figures.

Being named is not only a flag: a confidential reporter's Slack ID is sealed in the case
(db/cases.py stored_reporter) and the timeline names her "reporter". Agreeing stores the
ID plain, so the card and the details name her; withdrawing seals it again and gives the
timeline's entries back to "reporter", as the identity purge does (db/retention.py).
What people have already seen cannot be unseen: the modal says so (bot/views/consent.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlite_utils

from bot.domain.stored import CaseStatus, OutboxKind, outbox_key
from db import outbox, timeline
from db.cases import stored_reporter
from db.rows import immediate
from db.sealed import PREFIX, unseal

# Timeline events (labels in the [event] section of bot/i18n/*.toml).
COUNSELING_AGREED = "counseling_agreed"
COUNSELING_WITHDRAWN = "counseling_withdrawn"
NAME_AGREED = "name_agreed"
NAME_WITHDRAWN = "name_withdrawn"
REOPENED = "reopened"  # the responders' event; `by_reporter` tells hers apart
REPORTER_EVENTS = (COUNSELING_AGREED, COUNSELING_WITHDRAWN, NAME_AGREED, NAME_WITHDRAWN)
SOURCES = ("dm", "home")  # where she made the change, from her buttons
FROM_FORM = "form"  # the full report completing her one-tap case (db/urgent.py)
FROM_WELFARE = "welfare"  # "I would like counseling" in the follow-up check-in


@dataclass(frozen=True)
class Choice:
    """What she answers now: may counseling contact her, may responders see her name."""

    counseling: bool
    named: bool


def change_consent(
    db: sqlite_utils.Database,
    case_id: int,
    at: datetime,
    user_id: str,
    choice: Choice,
    source: str,
    counselor: str,
    view_id: str | None = None,
    ping: bool = True,
) -> list[str]:
    """Make `choice` the case's consent; the events written (none: nothing changed, or
    this modal was already submitted). `user_id` is the reporter (the flow checked).
    `ping=False`: the caller tells the counseling person itself (the check-in does)."""
    with immediate(db):
        if view_id and timeline.has_view(db, view_id):
            return []  # a double click or a Slack retry: changed once
        row = db.execute(
            "SELECT counseling_ok, show_name FROM cases WHERE id = ?", [case_id]
        ).fetchone()
        if row is None:
            return []
        written: list[str] = []

        def record(event: str, actor: str, **detail: Any) -> int:
            first = view_id if not written else None  # the view id is unique in the timeline
            written.append(event)
            return timeline.add(db, case_id, at, actor, event, view_id=first, source=source,
                                **detail)  # fmt: skip

        named_now = bool(row[1])
        if bool(row[0]) != choice.counseling:
            actor = user_id if named_now else "reporter"
            if choice.counseling:
                db.execute(
                    "UPDATE cases SET counseling_ok = 1, counseling_ever = 1 WHERE id = ?",
                    [case_id],
                )
                entry = record(COUNSELING_AGREED, actor, counselor=counselor)
                if ping:
                    outbox.enqueue(db, case_id, outbox_key(OutboxKind.COUNSELING_PING, entry), at)
            else:
                # She agreed until now (maybe on the form, which leaves ever at 0).
                db.execute(
                    "UPDATE cases SET counseling_ok = 0, counseling_ever = 1 WHERE id = ?",
                    [case_id],
                )
                entry = record(COUNSELING_WITHDRAWN, actor)
            outbox.enqueue(db, case_id, outbox_key(OutboxKind.REPORTER_NOTE, entry), at)
        if named_now != choice.named:
            db.execute(
                "UPDATE cases SET show_name = ?, reporter_id = ? WHERE id = ?",
                [int(choice.named), stored_reporter(db, user_id, choice.named), case_id],
            )
            if choice.named:
                entry = record(NAME_AGREED, user_id)
            else:
                # Her ID leaves the timeline too: what she did is the reporter's again.
                db.execute(
                    "UPDATE timeline SET actor = 'reporter' WHERE case_id = ? AND actor = ?",
                    [case_id, user_id],
                )
                entry = record(NAME_WITHDRAWN, "reporter")
            outbox.enqueue(db, case_id, outbox_key(OutboxKind.REPORTER_NOTE, entry), at)
        return written


def current(db: sqlite_utils.Database, case_id: int) -> Choice:
    """Her consent as it is now."""
    row = db.execute(
        "SELECT counseling_ok, show_name FROM cases WHERE id = ?", [case_id]
    ).fetchone()
    return Choice(bool(row[0]), bool(row[1])) if row else Choice(False, False)


def reopen_by_reporter(db: sqlite_utils.Database, case_id: int, at: datetime, actor: str) -> bool:
    """The employee reopens her closed case: open again, and the thread is told.
    False: it is not closed (reopened already, or never closed)."""
    with immediate(db):
        cur = db.execute(
            "UPDATE cases SET status = ?, closed_at = NULL, closed_by = NULL"
            " WHERE id = ? AND status = ?",
            [CaseStatus.IN_PROGRESS.value, case_id, CaseStatus.CLOSED.value],
        )
        if not cur.rowcount:
            return False
        entry = timeline.add(db, case_id, at, actor, REOPENED, by_reporter=True)
        outbox.enqueue(db, case_id, outbox_key(OutboxKind.REPORTER_NOTE, entry), at)
        return True


def note_entry(
    db: sqlite_utils.Database, case_id: int, entry_id: int
) -> tuple[str, dict[str, Any]]:
    """(event, detail) of the entry a reporter note or a counseling ping carries."""
    row = db.execute(
        "SELECT event, detail FROM timeline WHERE id = ? AND case_id = ?", [entry_id, case_id]
    ).fetchone()
    if row is None:
        raise LookupError(f"no timeline entry {entry_id} in case {case_id}")
    detail: dict[str, Any] = json.loads(row[1] or "{}")
    return str(row[0]), detail


def confirmation_message(db: sqlite_utils.Database, case_id: int) -> tuple[str, str] | None:
    """(channel, ts) of the employee's confirmation DM, once it was posted: it shows her
    choices, so it is redrawn when they change. The DM channel is sealed (db/outbox.py)."""
    row = db.execute(
        "SELECT channel, ts FROM outbox WHERE case_id = ? AND kind = ? AND status = 'done'"
        " AND ts IS NOT NULL",
        [case_id, outbox_key(OutboxKind.CONFIRMATION)],
    ).fetchone()
    if row is None or not row[0]:
        return None
    sealed = row[0].startswith(PREFIX + ":")
    channel = unseal(db, "outbox.channel", row[0]) if sealed else row[0]
    return (channel, str(row[1])) if channel else None
