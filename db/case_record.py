"""A case as a record HR can show: what was reported, every step, the assessment
versions, the measures, the care and the welfare check-ins, the close.

One data structure feeds HR's case view (bot/views/hr_record.py) and the export
(bot/views/hr_xlsx.py). `records` reads a page of cases with one query per table, so
an export of many cases costs a few queries per page, not per case.

Sealed free text (reasons, notes, the closing summary) is opened only when asked:
HR opening one case has stated a purpose; an export opens it only `with-text`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

import sqlite_utils

from bot.domain.case_record import (
    AssessmentRecord,
    CaseRecord,
    CheckIn,
    MeasureRecord,
    StepRecord,
)
from db import timeline
from db.recount import Range, where
from db.rows import case_from_row, parse_time
from db.sealed import unseal


def _open(db: sqlite_utils.Database, column: str, value: str | None, with_text: bool) -> str:
    return (unseal(db, column, value) or "") if with_text and value else ""


def _by_case(
    db: sqlite_utils.Database, sql: str, ids: Sequence[int]
) -> dict[int, list[tuple[Any, ...]]]:
    marks = ",".join("?" * len(ids))
    out: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in db.execute(sql.format(marks=marks), list(ids)).fetchall():
        out[row[0]].append(tuple(row[1:]))
    return out


def records(
    db: sqlite_utils.Database, case_ids: Sequence[int], with_text: bool
) -> list[CaseRecord]:
    """The records of these cases, in the order given (unknown ids are left out)."""
    if not case_ids:
        return []
    marks = ",".join("?" * len(case_ids))
    rows = {
        r["id"]: r for r in db.query(f"SELECT * FROM cases WHERE id IN ({marks})", list(case_ids))
    }
    steps = _by_case(
        db,
        "SELECT case_id, step_id, done_at, done_by, note FROM case_steps"
        " WHERE case_id IN ({marks})",
        case_ids,
    )
    assessments = _by_case(
        db,
        "SELECT case_id, version, demand_valid, means_appropriate, conclusion, mhlw_types,"
        " reason, by, at FROM assessments WHERE case_id IN ({marks}) ORDER BY case_id, version",
        case_ids,
    )
    measures = _by_case(
        db,
        "SELECT case_id, id, kind, detail, needs_confirmation, recorded_by, recorded_at,"
        " confirmed_by, confirmed_at FROM measures WHERE case_id IN ({marks}) ORDER BY id",
        case_ids,
    )
    checkins = _by_case(
        db,
        "SELECT r.case_id, r.id, r.fired_at, a.answer, a.at FROM reminders r"
        " LEFT JOIN welfare_answers a ON a.reminder_id = r.id"
        " WHERE r.case_id IN ({marks}) AND r.kind = 'welfare'"
        " AND (r.outcome = 'sent' OR a.answer IS NOT NULL)"  # an answered one was sent
        " ORDER BY r.id, a.at",
        case_ids,
    )
    retaliation = {
        cid: n
        for cid, n in db.execute(
            f"SELECT case_id, COUNT(*) FROM timeline WHERE event = 'retaliation_reported'"
            f" AND case_id IN ({marks}) GROUP BY case_id",
            list(case_ids),
        ).fetchall()
    }
    out = []
    for cid in case_ids:
        row = rows.get(cid)
        if row is None:
            continue
        case = case_from_row(db, row)
        if not with_text:  # what was not asked for does not travel further
            case = replace(case, demand="", narrative="", evidence_links=(), evidence_files=())
        out.append(
            CaseRecord(
                case=case,
                lead=row.get("lead"),
                acknowledged_by=row.get("acknowledged_by"),
                closed_by=row.get("closed_by"),
                closing_summary=_open(
                    db, "cases.closing_summary", row.get("closing_summary"), with_text
                ),
                steps={
                    sid: StepRecord(
                        sid,
                        datetime.fromisoformat(at),
                        by,
                        _open(db, "case_steps.note", note, with_text),
                    )
                    for sid, at, by, note in steps.get(cid, [])
                },
                assessments=tuple(
                    _assessment(db, row, with_text) for row in assessments.get(cid, [])
                ),
                measures=tuple(_measure(db, row, with_text) for row in measures.get(cid, [])),
                checkins=_checkins(checkins.get(cid, [])),
                retaliation_reports=int(retaliation.get(cid, 0)),
            )
        )
    return out


def _assessment(
    db: sqlite_utils.Database, row: tuple[Any, ...], with_text: bool
) -> AssessmentRecord:
    v, dv, ma, concl, types, reason, by, at = row
    return AssessmentRecord(
        version=v,
        demand_valid=dv or "",
        means_appropriate=ma or "",
        conclusion=concl or "",
        mhlw_types=tuple(json.loads(types or "[]")),
        reason=_open(db, "assessments.reason", reason, with_text),
        by=by or "",
        at=parse_time(at),
    )


def _measure(db: sqlite_utils.Database, row: tuple[Any, ...], with_text: bool) -> MeasureRecord:
    mid, kind, detail, needs, rby, rat, cby, cat = row
    return MeasureRecord(
        id=mid,
        kind=kind,
        detail=_detail(db, detail, with_text),
        recorded_by=rby or "",
        recorded_at=parse_time(rat),
        needs_confirmation=bool(needs),
        confirmed_by=cby,
        confirmed_at=parse_time(cat),
    )


def _detail(db: sqlite_utils.Database, value: str | None, with_text: bool) -> dict[str, str]:
    data = json.loads(_open(db, "measures.detail", value, with_text) or "{}")
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _checkins(rows: list[tuple[Any, ...]]) -> tuple[CheckIn, ...]:
    grouped: dict[int, tuple[str | None, list[tuple[str, datetime]]]] = {}
    for rid, fired, answer, at in rows:
        _, answers = grouped.setdefault(rid, (fired, []))
        if answer:
            answers.append((answer, datetime.fromisoformat(at)))
    return tuple(CheckIn(parse_time(s), tuple(a)) for s, a in grouped.values())


def case_record(db: sqlite_utils.Database, case_id: int) -> CaseRecord | None:
    """One case, everything HR may see opened, with its timeline."""
    found = records(db, [case_id], with_text=True)
    if not found:
        return None
    return replace(found[0], timeline=tuple(timeline.entries(db, case_id)))


def additions(db: sqlite_utils.Database, record: CaseRecord) -> list[tuple[datetime, str]]:
    """What the employee added later (sealed in the timeline), opened for HR."""
    return [
        (e.at, unseal(db, timeline.TEXT, e.detail.get("text")) or "")
        for e in record.timeline
        if e.event == "info_added"
    ]


def page(
    db: sqlite_utils.Database, period: Range, after: tuple[str, int], size: int, with_text: bool
) -> tuple[list[CaseRecord], tuple[str, int] | None]:
    """The next `size` records reported in the period after (reported_at, id), oldest
    first, and where the following page starts (None: this was the last)."""
    cond, params = where("c.reported_at", period)
    rows = db.execute(
        f"SELECT c.id, c.reported_at FROM cases c INDEXED BY idx_cases_reported_at"
        f" WHERE {cond} AND (c.reported_at, c.id) > (?, ?) ORDER BY c.reported_at, c.id LIMIT ?",
        [*params, *after, size],
    ).fetchall()
    found = records(db, [r[0] for r in rows], with_text)
    return found, ((rows[-1][1], rows[-1][0]) if len(rows) == size else None)
