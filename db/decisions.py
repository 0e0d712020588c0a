"""Decisions on a case: assessment versions and measures (with the two-person rule).

Like db/handling.py, each change is one transaction with the condition that makes it
apply once; a modal submitted twice (same view id) records one version or measure.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlite_utils

from bot.domain.handling import needs_second_responder
from db import steps, timeline
from db.handling import Outcome, is_closed, working
from db.rows import immediate, insert, iso
from db.sealed import seal


def record_assessment(
    db: sqlite_utils.Database,
    case_id: int,
    at: datetime,
    actor: str,
    *,
    demand_valid: str,
    means_appropriate: str,
    conclusion: str,
    mhlw_types: list[str],
    reason: str,
    view_id: str | None,
) -> tuple[Outcome, int]:
    """(outcome, version). Each submission is a new version; the older ones stay."""
    with immediate(db):
        if view_id:
            row = db.execute(
                "SELECT version FROM assessments WHERE view_id = ?", [view_id]
            ).fetchone()
            if row:
                return Outcome.ALREADY, int(row[0])
        if is_closed(db, case_id):
            return Outcome.CLOSED, 0
        version = int(
            db.execute(
                "SELECT COALESCE(MAX(version), 0) + 1 FROM assessments WHERE case_id = ?",
                [case_id],
            ).fetchone()[0]
        )
        db.table("assessments").insert(
            {
                "case_id": case_id,
                "version": version,
                "demand_valid": demand_valid,
                "means_appropriate": means_appropriate,
                "conclusion": conclusion,
                "mhlw_types": json.dumps(mhlw_types),
                "reason": seal(db, "assessments.reason", reason),
                "by": actor,
                "at": iso(at),
                "view_id": view_id,
            }
        )
        working(db, case_id, at, actor, "assessment")
        timeline.add(
            db,
            case_id,
            at,
            actor,
            "assessment_recorded",
            version=version,
            demand_valid=demand_valid,
            means_appropriate=means_appropriate,
            conclusion=conclusion,
            mhlw_types=mhlw_types,
            reason=seal(db, timeline.TEXT, reason),
        )
        return Outcome.APPLIED, version


def record_measure(
    db: sqlite_utils.Database,
    case_id: int,
    at: datetime,
    actor: str,
    kind: str,
    detail: dict[str, str],
    view_id: str | None,
    *,
    completes: Mapping[str, tuple[str, ...]] | None = None,
    applies_to: tuple[str, ...] = (),
) -> tuple[Outcome, int]:
    """(outcome, measure id). Severe kinds wait for a second responder's confirmation.
    `detail`: police_no, lawyer ("internal" | "external"), note; only those given.
    `completes`: measure kind -> the policy steps it completes once it counts.
    `applies_to`: the customer identifier kinds it acts on (kinds, not values: the
    timeline names them plainly, the values stay sealed in cases.customer_ids)."""
    with immediate(db):
        if view_id:
            row = db.execute("SELECT id FROM measures WHERE view_id = ?", [view_id]).fetchone()
            if row:
                return Outcome.ALREADY, int(row[0])
        if is_closed(db, case_id):
            return Outcome.CLOSED, 0
        needs = needs_second_responder(kind)
        measure_id = insert(
            db,
            "measures",
            {
                "case_id": case_id,
                "kind": kind,
                "detail": seal(
                    db,
                    "measures.detail",
                    json.dumps(_with_kinds(detail, applies_to), ensure_ascii=False),
                ),
                "needs_confirmation": int(needs),
                "recorded_by": actor,
                "recorded_at": iso(at),
                "view_id": view_id,
            },
        )
        working(db, case_id, at, actor, "measure")
        # The lawyer kind is a choice; the police report number and notes are sealed.
        extra: dict[str, Any] = {
            k: v if k == "lawyer" else seal(db, timeline.TEXT, v) for k, v in detail.items()
        }
        if applies_to:
            extra["applies_to"] = list(applies_to)
        timeline.add(
            db,
            case_id,
            at,
            actor,
            "measure_recorded",
            measure=measure_id,
            kind=kind,
            awaiting_confirmation=needs,
            **extra,
        )
        if not needs:
            steps.complete_by_measure(
                db, case_id, (completes or {}).get(kind, ()), measure_id, kind, at, actor
            )
        return Outcome.APPLIED, measure_id


def _with_kinds(detail: dict[str, str], applies_to: tuple[str, ...]) -> dict[str, str]:
    return {**detail, "applies_to": ",".join(applies_to)} if applies_to else detail


def confirm_measure(
    db: sqlite_utils.Database,
    case_id: int,
    measure_id: int,
    at: datetime,
    actor: str,
    *,
    completes: Mapping[str, tuple[str, ...]] | None = None,
) -> Outcome:
    """The second person's confirmation; the recorder cannot confirm their own measure.
    Once it counts it completes its steps (`completes`, as record_measure) in the same
    transaction."""
    with immediate(db):
        if is_closed(db, case_id):
            return Outcome.CLOSED
        row = db.execute(
            "SELECT recorded_by, kind FROM measures WHERE id = ? AND case_id = ?",
            [measure_id, case_id],
        ).fetchone()
        if row is None:
            return Outcome.ALREADY
        if row[0] == actor:
            return Outcome.SAME_PERSON
        if not db.execute(
            "UPDATE measures SET confirmed_by = ?, confirmed_at = ? WHERE id = ?"
            " AND needs_confirmation = 1 AND confirmed_at IS NULL AND ended IS NULL",
            [actor, iso(at), measure_id],
        ).rowcount:
            return Outcome.ALREADY
        timeline.add(db, case_id, at, actor, "measure_confirmed", measure=measure_id, kind=row[1])
        kind = str(row[1])
        steps.complete_by_measure(
            db, case_id, (completes or {}).get(kind, ()), measure_id, kind, at, actor
        )
        return Outcome.APPLIED


def end_measure(
    db: sqlite_utils.Database,
    case_id: int,
    measure_id: int,
    at: datetime,
    actor: str,
    ending: str,
    reason: str,
) -> Outcome:
    """Withdraw (only its recorder) or reject (only someone else) a measure still
    waiting for confirmation; it then never counts. One of the two, once."""
    with immediate(db):
        if is_closed(db, case_id):
            return Outcome.CLOSED
        row = db.execute(
            "SELECT recorded_by, kind FROM measures WHERE id = ? AND case_id = ?",
            [measure_id, case_id],
        ).fetchone()
        if row is None:
            return Outcome.ALREADY
        if ending == "withdrawn" and row[0] != actor:
            return Outcome.NOT_RECORDER
        if ending == "rejected" and row[0] == actor:
            return Outcome.SAME_PERSON
        if not db.execute(
            "UPDATE measures SET ended = ?, ended_by = ?, ended_at = ?, ended_reason = ?"
            " WHERE id = ? AND needs_confirmation = 1 AND confirmed_at IS NULL"
            " AND ended IS NULL",
            [ending, actor, iso(at), seal(db, "measures.ended_reason", reason), measure_id],
        ).rowcount:
            return Outcome.ALREADY
        detail = {"measure": measure_id, "kind": row[1], "reason": seal(db, timeline.TEXT, reason)}
        # Literal event names: tests/test_i18n.py finds every event written and its label.
        if ending == "withdrawn":
            timeline.add(db, case_id, at, actor, "measure_withdrawn", **detail)
        else:
            timeline.add(db, case_id, at, actor, "measure_rejected", **detail)
        return Outcome.APPLIED


def newest_measure(db: sqlite_utils.Database, case_no: str) -> int:
    """The id of the measure recorded last for the case (it must have one)."""
    row = db.execute(
        "SELECT m.id FROM measures m JOIN cases c ON c.id = m.case_id"
        " WHERE c.case_no = ? ORDER BY m.id DESC",
        [case_no],
    ).fetchone()
    return int(row[0])
