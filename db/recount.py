"""HR's figures recounted straight from the base tables (cases, case_customers, ...).

This is how the summary was computed before the maintained totals (db/totals.py, m110):
every figure from the rows themselves. db/stats.py still uses it for what the totals
do not hold (the partial UTC days at a period's edges, repeat customers over a period
other than all time), and tests compare db.stats.summary with `recount` to prove the
totals exact. Computed by SQLite (GROUP BY; ORDER BY + OFFSET), never rows in Python.

Every query is bounded by the period on an indexed time column:
- cases: short periods by `idx_cases_reported_at`; long ones walk `idx_cases_hr_scan`
  (the grouped columns first, then reported_at and the counted ones: covering, no sort),
  and the percentiles walk `idx_cases_ack` / `idx_cases_close` (duration, reported_at)
  over the generated columns ack_secs / close_secs (m030) in order: no sort;
- case_customers: `idx_case_customers_hr` (hash, reported_at, case_id) for long periods,
  `idx_case_customers_period` (reported_at, hash, case_id) for short ones (m030);
- who filed (m160): `idx_cases_behalf` (reported_at, on_behalf), covering;
- timeline: `idx_timeline_event` (event, case_id, m030) for retaliation reports;
- reminders: (case_id, kind, chain); welfare_answers: its primary key (reminder_id, ...);
- assessments, case_steps: their primary keys (case_id, ...); measures: (case_id).
Tables other engineers add (assessments, measures, case_steps) may be missing in an
older database: their figures are then zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import sqlite_utils

from bot.domain import stats as S
from bot.domain.severity import DEFAULT_ACK_AFTER
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


# Durations are the generated columns cases.ack_secs / close_secs (m030): seconds,
# rounded to the millisecond, so 10 minutes is 600.0 (not 599.99998) and a case
# acknowledged exactly at its target counts as met.
DURATION_INDEX = {"ack_secs": "idx_cases_ack", "close_secs": "idx_cases_close"}
# Below this many rows a period is found by time and sorted; above it, walking an index
# in group order (no sort) over the whole table is cheaper.
SORT_LIMIT = 50_000


def _has(db: sqlite_utils.Database, table: str) -> bool:
    return bool(db.table(table).exists())


def counts(
    db: sqlite_utils.Database,
    period: Range,
    targets: Mapping[str, timedelta] = DEFAULT_ACK_AFTER,
    now: datetime | None = None,
) -> S.Counts:
    cond, params = where("reported_at", period)
    # A short period is found by reported_at and sorted; a long one is read in group
    # order from idx_cases_hr_scan, which needs no sort at all.
    n = db.execute(
        f"SELECT COUNT(*) FROM cases INDEXED BY idx_cases_reported_at WHERE {cond}", params
    ).fetchone()[0]
    how = "idx_cases_hr_scan" if n > SORT_LIMIT else "idx_cases_reported_at"
    rows = db.execute(
        f"""
        SELECT status, severity, contact_channel, categories, COUNT(*), COUNT(ack_secs),
               SUM(ack_secs <= {S.ack_target_sql(targets)}), COUNT(closed_at), SUM(counseling_ok)
        FROM cases INDEXED BY {how} WHERE {cond}
        GROUP BY status, severity, contact_channel, categories
        """,
        params,
    ).fetchall()
    folded = replace(
        S.fold(rows), by_filed_by=filed_by(db, period), counseling_ever=counseling_ever(db, period)
    )
    if now is None:
        return folded
    # Still within the target at `now`: the age of the case, computed here by SQLite's
    # date arithmetic (db/stats.py compares with a cut-off time instead; the totals
    # test holds the two equal).
    age = "ROUND((julianday(?) - julianday(reported_at)) * 86400.0, 3)"
    pending = db.execute(
        f"SELECT COUNT(*) FROM cases WHERE {cond} AND acknowledged_at IS NULL "
        f"AND {age} < {S.ack_target_sql(targets)}",
        [*params, iso(now)],
    ).fetchone()[0]
    return replace(folded, ack_pending=int(pending))


def counseling_ever(db: sqlite_utils.Database, period: Range) -> int:
    """Cases whose employee agreed to counseling at any time (m184; before it, consent
    never changed and the current answer is the only one)."""
    cond, params = where("reported_at", period)
    column = "counseling_ever" in {c.name for c in db.table("cases").columns}
    ever = (
        "MAX(COALESCE(counseling_ok, 0), COALESCE(counseling_ever, 0))"
        if column
        else ("COALESCE(counseling_ok, 0)")
    )
    row = db.execute(f"SELECT SUM({ever}) FROM cases WHERE {cond}", params).fetchone()
    return int(row[0] or 0)


def filed_by(db: sqlite_utils.Database, period: Range) -> dict[str, int]:
    """Cases reported by the employee ("self") and on their behalf (m160; covering
    index idx_cases_behalf). Before m160 every case was the employee's own."""
    if "on_behalf" not in {c.name for c in db.table("cases").columns}:
        return {}
    cond, params = where("reported_at", period)
    rows = db.execute(
        "SELECT CASE WHEN on_behalf = 1 THEN 'on_behalf' ELSE 'self' END AS k, COUNT(*) "
        f"FROM cases INDEXED BY idx_cases_behalf WHERE {cond} GROUP BY k",
        params,
    ).fetchall()
    return {str(k): int(n) for k, n in rows if n}


def durations(db: sqlite_utils.Database, period: Range, column: str, n: int) -> S.Durations:
    """Median and p90 (nearest rank) of `column` ("ack_secs" or "close_secs") over the
    period's `n` cases that have it (n comes from counts()): ORDER BY + OFFSET."""
    index = DURATION_INDEX[column]
    if n == 0:
        return S.Durations()
    cond, params = where("reported_at", period)
    # Walking the duration index in order and skipping cases outside the period reads
    # only index entries; finding the period's cases by time would read table pages.
    sql = (
        f"SELECT {column} FROM cases INDEXED BY {index} WHERE {column} IS NOT NULL AND {cond} "
        f"ORDER BY {column} LIMIT 1 OFFSET ?"
    )

    def at(p: float) -> float:
        return float(db.execute(sql, [*params, S.rank(p, n) - 1]).fetchone()[0])

    return S.Durations(n, at(0.5), at(0.9))


def conclusions(db: sqlite_utils.Database, period: Range) -> dict[str, int]:
    """The current (highest version) assessment of each case, by conclusion."""
    if not _has(db, "assessments"):
        return {}
    cond, params = where("c.reported_at", period)
    # Without a period the join to cases (a lookup per assessment) is not needed.
    join = "JOIN cases c ON c.id = a.case_id" if params else ""
    rows = db.execute(
        f"""
        SELECT a.conclusion, COUNT(*) FROM assessments a {join}
        WHERE {cond} AND NOT EXISTS (
          SELECT 1 FROM assessments b WHERE b.case_id = a.case_id AND b.version > a.version)
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
    """Identifiers (keyed hashes) named in 2+ of the period's cases. GROUP BY hash walks
    idx_case_customers_hr in order (no sort), reading period and case from the index."""
    cond, params = where("reported_at", period)
    cc_cond, cc_params = where("cc.reported_at", period)
    n = db.execute(
        f"SELECT COUNT(*) FROM case_customers INDEXED BY idx_case_customers_period WHERE {cond}",
        params,
    ).fetchone()[0]
    index = "idx_case_customers_hr" if n > SORT_LIMIT else "idx_case_customers_period"
    scan = f"case_customers INDEXED BY {index}"
    rep = (
        f"WITH rep AS MATERIALIZED (SELECT hash, COUNT(DISTINCT case_id) AS n FROM {scan} "
        f"WHERE {cond} GROUP BY hash HAVING n >= 2) "
    )
    customers, cases = db.execute(
        rep + f"SELECT (SELECT COUNT(*) FROM rep), (SELECT COUNT(DISTINCT cc.case_id) "
        "FROM rep JOIN case_customers cc INDEXED BY idx_case_customers_hr "
        f"ON cc.hash = rep.hash WHERE {cc_cond})",
        [*params, *cc_params],
    ).fetchone()
    if not customers:
        return S.Repeat()
    # A customer known by two identifiers (phone and order) in the same cases is one
    # customer in the list: identical case sets merge. 5x headroom for merging.
    hashes = [h for (h,) in db.execute(
        rep + "SELECT hash FROM rep ORDER BY n DESC, hash LIMIT ?", [*params, top * 5]
    ).fetchall()]  # fmt: skip
    marks = ",".join("?" * len(hashes))
    sets: dict[str, set[int]] = {}
    for h, case_id in db.execute(
        f"SELECT hash, case_id FROM {scan} WHERE hash IN ({marks}) AND {cond}",
        [*hashes, *params],
    ):
        sets.setdefault(h, set()).add(case_id)
    return S.Repeat(int(customers), int(cases), listed(db, list(sets.values()), top))


def listed(
    db: sqlite_utils.Database, sets: list[set[int]], top: int
) -> tuple[tuple[int, tuple[S.CaseRef, ...]], ...]:
    """The top customers by their case sets, largest (then latest) first; identical sets
    (one customer known by two identifiers) merge. Ties end on the case ids, so the
    order never depends on how Python happens to iterate a set."""
    groups = sorted({frozenset(g) for g in sets}, key=lambda g: (-len(g), sorted(-i for i in g)))
    ranked = groups[:top]
    refs = _refs(db, set().union(*ranked))
    return tuple(
        (len(g), tuple(refs[i] for i in sorted(g, reverse=True)[:10] if i in refs)) for g in ranked
    )


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


def recount(
    db: sqlite_utils.Database,
    key: str,
    period: Range,
    previous: Range | None,
    targets: Mapping[str, timedelta] = DEFAULT_ACK_AFTER,
    at: datetime | None = None,
) -> S.Summary:
    """`at`: when HR asks; cases still within their acknowledgement target then are
    counted as pending, not as missed (None: none are)."""
    now = counts(db, period, targets, at)
    return S.Summary(
        period=key,
        counts=now,
        previous=counts(db, previous, targets, at) if previous else None,
        by_conclusion=conclusions(db, period),
        ack=durations(db, period, "ack_secs", now.acknowledged),
        close=durations(db, period, "close_secs", now.closed),
        measures=measures(db, period),
        care_done=care_done(db, period),
        welfare_answered=welfare_answered(db, period),
        retaliation=events(db, period, S.RETALIATION_EVENT),
        repeat=repeat(db, period),
    )
