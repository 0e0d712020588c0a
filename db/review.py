"""The annual policy review's figures (/ch-cases review): HR's summary from the
maintained totals (db.stats.summary) plus what only the review shows.

Everything is bounded by the period on an indexed column and grouped by SQLite; the
only rows read one by one are the "prevent recurrence" notes shown (at most
LESSONS_SHOWN) and the announcements (a handful a year).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

import sqlite_utils

from bot.domain.review import Lesson, Review
from db import announcements, stats
from db.recount import Range, where
from db.sealed import unseal

PREVENT_STEP = "prevent_recurrence"  # the policy's step whose note is the lesson learned
LESSONS_SHOWN = 60


def _by_month(
    db: sqlite_utils.Database, period: Range, offset_min: int
) -> tuple[dict[str, int], dict[str, int]]:
    cond, params = where("reported_at", period)
    month = f"substr(datetime(reported_at, '{offset_min:+d} minutes'), 1, 7)"
    monthly: dict[str, int] = {}
    versions: dict[str, int] = {}
    for m, v, n in db.execute(
        f"SELECT {month} AS m, policy_version, COUNT(*) FROM cases "
        f"INDEXED BY idx_cases_reported_at WHERE {cond} GROUP BY m, policy_version",
        params,
    ):
        monthly[str(m)] = monthly.get(str(m), 0) + int(n)
        versions[str(v or "")] = versions.get(str(v or ""), 0) + int(n)
    return monthly, versions


def _welfare(db: sqlite_utils.Database, period: Range) -> tuple[int, dict[str, int]]:
    cond, params = where("c.reported_at", period)
    sent = db.execute(
        f"SELECT COUNT(*) FROM reminders r JOIN cases c ON c.id = r.case_id "
        f"WHERE r.kind = 'welfare' AND {cond} AND (r.outcome = 'sent' OR EXISTS ("
        "SELECT 1 FROM welfare_answers w WHERE w.reminder_id = r.id))",
        params,
    ).fetchone()[0]
    answers = {
        str(a): int(n)
        for a, n in db.execute(
            f"SELECT w.answer, COUNT(DISTINCT w.reminder_id) FROM welfare_answers w "
            f"JOIN reminders r ON r.id = w.reminder_id JOIN cases c ON c.id = r.case_id "
            f"WHERE r.kind = 'welfare' AND {cond} GROUP BY w.answer",
            params,
        )
    }
    return int(sent), answers


def _lessons(db: sqlite_utils.Database, period: Range) -> tuple[int, int, tuple[Lesson, ...]]:
    cond, params = where("c.reported_at", period)
    done, noted = db.execute(
        f"SELECT COUNT(*), COUNT(s.note) FROM case_steps s JOIN cases c ON c.id = s.case_id "
        f"WHERE s.step_id = ? AND {cond}",
        [PREVENT_STEP, *params],
    ).fetchone()
    rows = db.execute(
        f"SELECT c.case_no, s.done_at, s.note FROM case_steps s JOIN cases c "
        f"ON c.id = s.case_id WHERE s.step_id = ? AND s.note IS NOT NULL AND {cond} "
        f"ORDER BY s.done_at DESC LIMIT ?",
        [PREVENT_STEP, *params, LESSONS_SHOWN],
    ).fetchall()
    lessons = tuple(
        Lesson(no, datetime.fromisoformat(at), unseal(db, "case_steps.note", note) or "")
        for no, at, note in rows
    )
    return int(done), int(noted), lessons


def _by_site(db: sqlite_utils.Database, period: Range) -> dict[str, int]:
    """Cases by the site the employee picked when asking for help now (m170); the
    rest recorded none. Grouped by SQLite over the period's cases (by reported_at)."""
    if "site" not in {c.name for c in db.table("cases").columns}:
        return {}
    cond, params = where("reported_at", period)
    rows = db.execute(
        f"SELECT COALESCE(site, ''), COUNT(*) FROM cases WHERE {cond} GROUP BY 1", params
    ).fetchall()
    return {str(k): int(v) for k, v in rows}


def review(
    db: sqlite_utils.Database,
    key: str,
    period: Range,
    previous: Range | None,
    targets: Mapping[str, timedelta],
    now: datetime,
    offset_min: int,
) -> Review:
    """`offset_min`: the company zone's UTC offset, for months as HR counts them."""
    summary = stats.summary(db, key, period, previous, targets, now)
    monthly, versions = _by_month(db, period, offset_min)
    sent, answers = _welfare(db, period)
    done, noted, lessons = _lessons(db, period)
    return Review(
        summary, monthly, versions, sent, answers, done, noted, lessons,
        tuple(announcements.listed(db, period)), _by_site(db, period),
    )  # fmt: skip
