"""HR's figures, computed by SQLite: GROUP BY and window functions, never rows in Python.

Every query is bounded by the period on an indexed time column:
- cases: `idx_cases_hr_scan` (reported_at + the grouped columns, m030) covers the main
  scan, so the sealed narratives in the table pages are never read;
- case_customers: `idx_case_customers_hr` (reported_at, hash, case_id, m030);
- timeline: `idx_timeline_event` (event, case_id, m030) for retaliation reports;
- reminders: (case_id, kind, chain); welfare_answers: its primary key (reminder_id, ...);
- assessments, case_steps: their primary keys (case_id, ...); measures: (case_id).
Tables other engineers add (assessments, measures, case_steps) may be missing in an
older database: their figures are then zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import sqlite_utils

from bot.domain import stats as S
from bot.reminder_settings import DEFAULT_ACK_AFTER
from db.rows import iso

Range = tuple[datetime | None, datetime | None]


def where(column: str, period: Range) -> tuple[str, list[Any]]:
    """`column` within [start, end) as SQL; ISO UTC text compares in time order."""
    start, end = period
    parts, params = ["1"], []
    if start is not None:
        parts.append(f"{column} >= ?")
        params.append(iso(start))
    if end is not None:
        parts.append(f"{column} < ?")
        params.append(iso(end))
    return " AND ".join(parts), params


def _seconds(column: str) -> str:
    # julianday() is a float of days: rounded to the millisecond, 10 minutes is 600.0
    # (not 599.99998), so a case acknowledged exactly at its target counts as met.
    return f"ROUND((julianday({column}) - julianday(reported_at)) * 86400.0, 3)"


def _has(db: sqlite_utils.Database, table: str) -> bool:
    return bool(db.table(table).exists())


def counts(
    db: sqlite_utils.Database, period: Range, targets: Mapping[str, timedelta] = DEFAULT_ACK_AFTER
) -> S.Counts:
    cond, params = where("reported_at", period)
    secs = _seconds("acknowledged_at")
    rows = db.execute(
        f"""
        SELECT status, severity, contact_channel, categories, COUNT(*),
               COUNT(acknowledged_at),
               SUM(acknowledged_at IS NOT NULL AND {secs} <= {S.ack_target_sql(targets)}),
               COUNT(closed_at), SUM(counseling_ok)
        FROM cases INDEXED BY idx_cases_hr_scan WHERE {cond}
        GROUP BY status, severity, contact_channel, categories
        """,
        params,
    ).fetchall()
    return S.fold(rows)


def durations(db: sqlite_utils.Database, period: Range, column: str) -> S.Durations:
    """Median and p90 of seconds from report to `column` (nearest rank, one sort)."""
    assert column in ("acknowledged_at", "closed_at")
    cond, params = where("reported_at", period)
    row = db.execute(
        f"""
        WITH d AS (
          SELECT {_seconds(column)} AS s
          FROM cases INDEXED BY idx_cases_hr_scan WHERE {cond} AND {column} IS NOT NULL),
        r AS (SELECT s, ROW_NUMBER() OVER (ORDER BY s) AS k, COUNT(*) OVER () AS n FROM d)
        SELECT MAX(n),
               MAX(CASE WHEN k = MAX(1, (n * 50 + 99) / 100) THEN s END),
               MAX(CASE WHEN k = MAX(1, (n * 90 + 99) / 100) THEN s END)
        FROM r
        """,
        params,
    ).fetchone()
    if not row or not row[0]:
        return S.Durations()
    return S.Durations(int(row[0]), row[1], row[2])


def conclusions(db: sqlite_utils.Database, period: Range) -> dict[str, int]:
    """The current (highest version) assessment of each case, by conclusion."""
    if not _has(db, "assessments"):
        return {}
    cond, params = where("c.reported_at", period)
    rows = db.execute(
        f"""
        SELECT a.conclusion, COUNT(*) FROM cases c JOIN assessments a ON a.case_id = c.id
        WHERE {cond} AND a.version = (
          SELECT MAX(version) FROM assessments b WHERE b.case_id = a.case_id)
        GROUP BY a.conclusion
        """,
        params,
    ).fetchall()
    return {str(k): int(n) for k, n in rows if k}


def measures(db: sqlite_utils.Database, period: Range) -> dict[str, int]:
    """Measures taken, by kind; a severe one counts once a second responder confirmed it."""
    if not _has(db, "measures"):
        return {}
    cond, params = where("c.reported_at", period)
    rows = db.execute(
        f"""
        SELECT m.kind, COUNT(*) FROM cases c JOIN measures m ON m.case_id = c.id
        WHERE {cond} AND (COALESCE(m.needs_confirmation, 0) = 0 OR m.confirmed_at IS NOT NULL)
        GROUP BY m.kind
        """,
        params,
    ).fetchall()
    return {str(k): int(n) for k, n in rows}


def care_done(db: sqlite_utils.Database, period: Range) -> int:
    if not _has(db, "case_steps"):
        return 0
    cond, params = where("c.reported_at", period)
    row = db.execute(
        f"SELECT COUNT(*) FROM cases c JOIN case_steps s ON s.case_id = c.id "
        f"WHERE {cond} AND s.step_id = ?",
        [*params, S.CARE_STEP],
    ).fetchone()
    return int(row[0])


def events(db: sqlite_utils.Database, period: Range, event: str) -> int:
    """Timeline events of one kind on the period's cases."""
    cond, params = where("c.reported_at", period)
    row = db.execute(
        f"SELECT COUNT(*) FROM timeline t INDEXED BY idx_timeline_event "
        f"JOIN cases c ON c.id = t.case_id WHERE t.event = ? AND {cond}",
        [event, *params],
    ).fetchone()
    return int(row[0])


def repeat(db: sqlite_utils.Database, period: Range, top: int = S.REPEAT_TOP) -> S.Repeat:
    cond, params = where("reported_at", period)
    rows = db.execute(
        f"""
        SELECT group_concat(case_id) FROM (
          SELECT DISTINCT hash, case_id FROM case_customers INDEXED BY idx_case_customers_hr
          WHERE {cond})
        GROUP BY hash HAVING COUNT(*) >= 2
        """,
        params,
    ).fetchall()
    # One customer often appears under two identifiers (phone and order) in the same
    # cases: identical case sets are one customer.
    groups = {frozenset(int(x) for x in r[0].split(",")) for r in rows}
    if not groups:
        return S.Repeat()
    every = set().union(*groups)
    ranked = sorted(groups, key=lambda g: (-len(g), -max(g)))[:top]
    refs = _refs(db, set().union(*ranked))
    listed = tuple(
        (len(g), tuple(refs[i] for i in sorted(g, reverse=True)[:10] if i in refs)) for g in ranked
    )
    return S.Repeat(len(groups), len(every), listed)


def _refs(db: sqlite_utils.Database, ids: set[int]) -> dict[int, S.CaseRef]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = db.execute(
        f"SELECT id, case_no, card_channel, card_ts FROM cases WHERE id IN ({marks})",
        sorted(ids),
    ).fetchall()
    return {i: S.CaseRef(no, ch, ts) for i, no, ch, ts in rows}


def welfare_answered(db: sqlite_utils.Database, period: Range) -> int:
    """Welfare check-ins (reminders of kind "welfare") the employee answered."""
    if not (_has(db, "welfare_answers") and _has(db, "reminders")):
        return 0
    cond, params = where("c.reported_at", period)
    row = db.execute(
        f"SELECT COUNT(DISTINCT w.reminder_id) FROM cases c "
        f"JOIN reminders r ON r.case_id = c.id JOIN welfare_answers w ON w.reminder_id = r.id "
        f"WHERE {cond}",
        params,
    ).fetchone()
    return int(row[0])


def summary(
    db: sqlite_utils.Database,
    key: str,
    period: Range,
    previous: Range | None,
    targets: Mapping[str, timedelta] = DEFAULT_ACK_AFTER,
) -> S.Summary:
    return S.Summary(
        period=key,
        counts=counts(db, period, targets),
        previous=counts(db, previous, targets) if previous else None,
        by_conclusion=conclusions(db, period),
        ack=durations(db, period, "acknowledged_at"),
        close=durations(db, period, "closed_at"),
        measures=measures(db, period),
        care_done=care_done(db, period),
        welfare_answered=welfare_answered(db, period),
        retaliation=events(db, period, S.RETALIATION_EVENT),
        repeat=repeat(db, period),
    )


def weekly(
    db: sqlite_utils.Database, period: Range, utc_offset_min: int
) -> list[tuple[str, str, int]]:
    """(Monday of the local week, categories JSON, cases) for the chart."""
    cond, params = where("reported_at", period)
    week = f"date(reported_at, '{utc_offset_min:+d} minutes', '-6 days', 'weekday 1')"
    rows = db.execute(
        f"SELECT {week} AS w, categories, COUNT(*) FROM cases INDEXED BY idx_cases_hr_scan "
        f"WHERE {cond} GROUP BY w, categories ORDER BY w",
        params,
    ).fetchall()
    return [(str(w), str(c), int(n)) for w, c, n in rows]
