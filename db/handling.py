"""Handling a case: acknowledgement, lead, policy steps, close and reopen.

Every change is one transaction whose UPDATE/INSERT carries the condition that
makes it apply once (`WHERE acknowledged_at IS NULL`, `INSERT OR IGNORE`, ...):
a double click, a Slack retry or two people pressing at once change the case once,
and only the change that applied gets a timeline entry.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from enum import StrEnum

import sqlite_utils

from bot.domain.handling import Assessment, Handling, Measure, StepDone, missing_for_close
from bot.domain.stored import OutboxKind, outbox_key
from db import call_over, outbox, reminders, timeline
from db.rows import immediate, iso, parse_time
from db.sealed import seal, unseal

# Sealed free text inside timeline details (reasons, notes, messages) uses this column name.


class Outcome(StrEnum):
    APPLIED = "applied"
    ALREADY = "already"  # nothing to do: someone (maybe this person) got there first
    CLOSED = "closed"  # the case is closed: nothing changes
    INCOMPLETE = "incomplete"  # closing: the policy's requirements are not met yet
    SAME_PERSON = "same_person"  # a two-person confirmation by the person who recorded it
    NOT_RECORDER = "not_recorder"  # withdrawing a measure someone else recorded


def _changed(db: sqlite_utils.Database, sql: str, params: list[object]) -> bool:
    return bool(db.execute(sql, params).rowcount)


def is_closed(db: sqlite_utils.Database, case_id: int) -> bool:
    row = db.execute("SELECT status FROM cases WHERE id = ?", [case_id]).fetchone()
    return bool(row) and row[0] == "closed"


def _acknowledge(
    db: sqlite_utils.Database, case_id: int, at: datetime, actor: str, via: str
) -> bool:
    """Stamp the first acknowledgement (inside the caller's transaction)."""
    if not _changed(
        db,
        "UPDATE cases SET acknowledged_at = ?, acknowledged_by = ?,"
        " status = CASE WHEN status = 'new' THEN 'acknowledged' ELSE status END"
        " WHERE id = ? AND acknowledged_at IS NULL AND status != 'closed'",
        [iso(at), actor, case_id],
    ):
        return False
    timeline.add(db, case_id, at, actor, "acknowledged", via=via)
    # The employee hears "someone has your case" once; not when the same change tells
    # her more (someone is on the way, a lead is assigned, a message to her).
    if via not in ("helper", "lead", "message"):
        _tell_employee(db, case_id, OutboxKind.ACK_NOTICE, at)
    return True


def _tell_employee(db: sqlite_utils.Database, case_id: int, kind: OutboxKind, at: datetime) -> None:
    """The employee hears back privately (issue 11); queued in the change's transaction,
    so it is sent exactly once, and only for the change that applied."""
    outbox.enqueue(db, case_id, outbox_key(kind), at)


def working(db: sqlite_utils.Database, case_id: int, at: datetime, actor: str, via: str) -> None:
    """Someone working on the case has seen it: acknowledge it and mark it in progress."""
    _acknowledge(db, case_id, at, actor, via)
    db.execute(
        "UPDATE cases SET status = 'in_progress'"
        " WHERE id = ? AND status IN ('new', 'acknowledged')",
        [case_id],
    )


def acknowledge(
    db: sqlite_utils.Database, case_id: int, at: datetime, actor: str, via: str = "button"
) -> Outcome:
    with immediate(db):
        if _acknowledge(db, case_id, at, actor, via):
            return Outcome.APPLIED
        return Outcome.CLOSED if is_closed(db, case_id) else Outcome.ALREADY


def take_lead(db: sqlite_utils.Database, case_id: int, at: datetime, actor: str) -> Outcome:
    """Only when nobody leads: of two people pressing at once, the first leads."""
    with immediate(db):
        if not _changed(
            db,
            "UPDATE cases SET lead = ? WHERE id = ? AND lead IS NULL AND status != 'closed'",
            [actor, case_id],
        ):
            return Outcome.CLOSED if is_closed(db, case_id) else Outcome.ALREADY
        working(db, case_id, at, actor, "lead")
        timeline.add(db, case_id, at, actor, "lead_taken")
        _tell_employee(db, case_id, OutboxKind.LEAD_NOTICE, at)
        return Outcome.APPLIED


def hand_lead(
    db: sqlite_utils.Database, case_id: int, at: datetime, actor: str, to: str
) -> Outcome:
    with immediate(db):
        before = db.execute("SELECT lead FROM cases WHERE id = ?", [case_id]).fetchone()
        if not _changed(
            db,
            "UPDATE cases SET lead = ? WHERE id = ? AND lead IS NOT ? AND status != 'closed'",
            [to, case_id, to],
        ):
            return Outcome.CLOSED if is_closed(db, case_id) else Outcome.ALREADY
        working(db, case_id, at, actor, "lead")
        timeline.add(db, case_id, at, actor, "lead_handed", to=to)
        if before is not None and before[0] is None:  # the first lead, not a handover
            _tell_employee(db, case_id, OutboxKind.LEAD_NOTICE, at)
        return Outcome.APPLIED


def complete_step(
    db: sqlite_utils.Database,
    case_id: int,
    step_id: str,
    at: datetime,
    actor: str,
    note: str | None = None,
) -> Outcome:
    with immediate(db):
        if is_closed(db, case_id):
            return Outcome.CLOSED
        if not _changed(
            db,
            "INSERT OR IGNORE INTO case_steps (case_id, step_id, done_at, done_by, note)"
            " VALUES (?, ?, ?, ?, ?)",
            [case_id, step_id, iso(at), actor, seal(db, "case_steps.note", note) if note else None],
        ):
            return Outcome.ALREADY
        working(db, case_id, at, actor, "step")
        detail = {"note": seal(db, timeline.TEXT, note)} if note else {}
        timeline.add(db, case_id, at, actor, "step_done", step=step_id, **detail)
        return Outcome.APPLIED


def undo_step(
    db: sqlite_utils.Database,
    case_id: int,
    step_id: str,
    at: datetime,
    actor: str,
    *,
    remind_after: timedelta | None = None,
    max_reminders: int = 0,
) -> Outcome:
    """Reopen a step (done, done by a measure, or not applicable). `remind_after`: the
    step's interval under the case's policy version; its reminders resume from now."""
    with immediate(db):
        if is_closed(db, case_id):
            return Outcome.CLOSED
        if not _changed(
            db, "DELETE FROM case_steps WHERE case_id = ? AND step_id = ?", [case_id, step_id]
        ):
            return Outcome.ALREADY
        timeline.add(db, case_id, at, actor, "step_undone", step=step_id)
        if remind_after is not None:
            reminders.remind_step_again(db, case_id, step_id, at, remind_after, max_reminders)
        return Outcome.APPLIED


def done_steps(db: sqlite_utils.Database, case_id: int) -> set[str]:
    """The policy steps handled in the case thread (a case_steps row: done, done by a
    measure, or not applicable); reminders and overdue counts skip them."""
    rows = db.execute("SELECT step_id FROM case_steps WHERE case_id = ?", [case_id]).fetchall()
    return {r[0] for r in rows}


def view_seen(db: sqlite_utils.Database, view_id: str | None) -> bool:
    return bool(
        view_id and db.execute("SELECT 1 FROM views_done WHERE view_id = ?", [view_id]).fetchone()
    )


def claim_view(db: sqlite_utils.Database, view_id: str | None, at: datetime) -> bool:
    """True the first time a submitted modal is seen (inside the caller's transaction)."""
    if not view_id:
        return True
    return _changed(
        db, "INSERT OR IGNORE INTO views_done (view_id, at) VALUES (?, ?)", [view_id, iso(at)]
    )


def close(
    db: sqlite_utils.Database,
    case_id: int,
    at: datetime,
    actor: str,
    summary: str,
    view_id: str | None,
) -> tuple[Outcome, list[str]]:
    """Close when the policy's requirements are met, checked in the same transaction
    as the update: a step undone a moment earlier cannot slip through."""
    with immediate(db):
        if view_seen(db, view_id):
            return Outcome.ALREADY, []  # the same modal submitted twice
        if is_closed(db, case_id):
            return Outcome.CLOSED, []
        missing = missing_for_close(load_handling(db, case_id))
        if missing:
            return Outcome.INCOMPLETE, missing
        claim_view(db, view_id, at)
        db.execute(
            "UPDATE cases SET status = 'closed', closed_at = ?, closed_by = ?,"
            " closing_summary = ? WHERE id = ?",
            [iso(at), actor, seal(db, "cases.closing_summary", summary), case_id],
        )
        timeline.add(db, case_id, at, actor, "closed", summary=seal(db, timeline.TEXT, summary))
        call_over.end_call(db, case_id, at)  # a call for help now ends for good
        return Outcome.APPLIED, []


def reopen(db: sqlite_utils.Database, case_id: int, at: datetime, actor: str) -> Outcome:
    with immediate(db):
        if not _changed(
            db,
            "UPDATE cases SET status = 'in_progress', closed_at = NULL, closed_by = NULL"
            " WHERE id = ? AND status = 'closed'",
            [case_id],
        ):
            return Outcome.ALREADY
        timeline.add(db, case_id, at, actor, "reopened")
        return Outcome.APPLIED


def first_time_event(db: sqlite_utils.Database, event_id: str, at: datetime) -> bool:
    """Record an Events API delivery; False when it was seen before (a Slack retry)."""
    return _changed(
        db, "INSERT OR IGNORE INTO events_seen (event_id, at) VALUES (?, ?)", [event_id, iso(at)]
    )


def load_handling(db: sqlite_utils.Database, case_id: int) -> Handling:
    lead, acked_by = db.execute(
        "SELECT lead, acknowledged_by FROM cases WHERE id = ?", [case_id]
    ).fetchone()
    steps = {
        sid: StepDone(
            sid,
            datetime.fromisoformat(at),
            by,
            bool(note) and not na,
            # The reason is shown on the checklist, to responders only.
            (unseal(db, "case_steps.note", note) or "") if na else None,
            mkind,
        )
        for sid, at, by, note, na, mkind in db.execute(
            "SELECT s.step_id, s.done_at, s.done_by, s.note, s.not_applicable, m.kind"
            " FROM case_steps s LEFT JOIN measures m ON m.id = s.measure_id"
            " WHERE s.case_id = ?",
            [case_id],
        )
    }
    row = db.execute(
        "SELECT version, demand_valid, means_appropriate, conclusion, mhlw_types, reason, by, at"
        " FROM assessments WHERE case_id = ? ORDER BY version DESC LIMIT 1",
        [case_id],
    ).fetchone()
    assessment = None
    if row:
        v, dv, ma, concl, types, reason, by, at = row
        assessment = Assessment(
            v,
            dv,
            ma,
            concl,
            tuple(json.loads(types or "[]")),
            unseal(db, "assessments.reason", reason) or "",
            by,
            datetime.fromisoformat(at),
        )
    measures = tuple(
        Measure(
            mid,
            kind,
            json.loads(unseal(db, "measures.detail", detail) or "{}"),
            rby,
            datetime.fromisoformat(rat),
            bool(needs),
            cby,
            parse_time(cat),
            ended,
            eby,
        )
        for mid, kind, detail, needs, rby, rat, cby, cat, ended, eby in db.execute(
            "SELECT id, kind, detail, needs_confirmation, recorded_by, recorded_at,"
            " confirmed_by, confirmed_at, ended, ended_by FROM measures"
            " WHERE case_id = ? ORDER BY id",
            [case_id],
        )
    )
    return Handling(lead, acked_by, steps, assessment, measures)
