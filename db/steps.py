"""Checklist steps handled other than by "Done": not applicable, or done by a measure.

A case_steps row means the step is handled (m010, m150): `not_applicable = 1` with the
reason sealed in `note`, or `measure_id` naming the measure that completed it. Like
db/handling.py, each change carries the condition that makes it apply once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlite_utils

from db import timeline
from db.handling import Outcome, is_closed, working
from db.rows import immediate, iso
from db.sealed import seal


def mark_not_applicable(
    db: sqlite_utils.Database,
    case_id: int,
    step_id: str,
    at: datetime,
    actor: str,
    reason: str,
) -> Outcome:
    """A conditional step that does not apply to this case; it counts as handled."""
    with immediate(db):
        if is_closed(db, case_id):
            return Outcome.CLOSED
        if not db.execute(
            "INSERT OR IGNORE INTO case_steps"
            " (case_id, step_id, done_at, done_by, note, not_applicable)"
            " VALUES (?, ?, ?, ?, ?, 1)",
            [case_id, step_id, iso(at), actor, seal(db, "case_steps.note", reason)],
        ).rowcount:
            return Outcome.ALREADY
        working(db, case_id, at, actor, "step")
        timeline.add(
            db,
            case_id,
            at,
            actor,
            "step_not_applicable",
            step=step_id,
            reason=seal(db, timeline.TEXT, reason),
        )
        return Outcome.APPLIED


def complete_by_measure(
    db: sqlite_utils.Database,
    case_id: int,
    step_ids: Iterable[str],
    measure_id: int,
    kind: str,
    at: datetime,
    actor: str,
) -> list[str]:
    """Complete the steps a measure that now counts stands for (inside the caller's
    transaction, the one that made the measure count). A step already done stays as it
    was; one marked not applicable is done after all: the measure shows it applied."""
    completed = []
    for step_id in step_ids:
        changed = db.execute(
            "INSERT INTO case_steps (case_id, step_id, done_at, done_by, measure_id)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT(case_id, step_id) DO UPDATE SET"
            " done_at = excluded.done_at, done_by = excluded.done_by, note = NULL,"
            " not_applicable = 0, measure_id = excluded.measure_id"
            " WHERE case_steps.not_applicable = 1",
            [case_id, step_id, iso(at), actor, measure_id],
        ).rowcount
        if changed:
            completed.append(step_id)
            timeline.add(
                db, case_id, at, actor, "step_done", step=step_id, measure=measure_id, kind=kind
            )
    return completed
