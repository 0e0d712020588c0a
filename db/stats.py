"""HR's figures from the maintained totals (db/totals.py), exact, at a cost that follows
the number of days and buckets in the period, not the number of cases.

A period [start, end) (midnights in the company's zone, bot/domain/periods.py) is split
into its whole UTC days, read from the totals, and at most two partial UTC days at its
edges (up to a day each: e.g. 15:00-24:00 UTC for a Tokyo midnight), counted from the
cases themselves by `idx_cases_reported_at` with db/recount.py's queries. The sum is
the recount's figure exactly; tests/test_hr_totals.py compares the two.

- counts: hr_counts (marginals per day) + targets met from hr_durations: the buckets
  wholly under a severity's target are added up, the one bucket a target falls inside
  is counted exactly from `idx_cases_sev_ack` (severity, ack_secs, reported_at);
- percentiles (nearest rank, exact): the bucket holding the rank is found from
  hr_durations (plus the edges' values), then `idx_cases_ack` / `idx_cases_close` is
  walked over that one bucket only (ORDER BY + OFFSET within it). A bucket spans a
  quarter of a doubling, so the walk reads a few per cent of the index, not all of it;
- conclusions, measures, care, welfare, retaliation: hr_facts per day;
- repeat customers: all time from hr_customers / hr_repeat_cases; a short period
  (up to SORT_LIMIT identifiers) by grouping its own identifiers; a long one that is
  not all time falls back to db/recount.py (grouping every identifier hash).
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlite_utils

from bot.domain import stats as S
from bot.domain.severity import DEFAULT_ACK_AFTER
from db import recount as R
from db.recount import DURATION_INDEX, SORT_LIMIT, Range, where
from db.rows import iso

__all__ = ["Range", "counts", "durations", "repeat", "summary", "weekly", "where"]


@dataclass(frozen=True)
class Split:
    """A period as whole UTC days (core, None if it has none) and partial-day edges."""

    core: Range | None
    edges: tuple[Range, ...]

    def days(self) -> tuple[str, list[str]]:
        """The core as a condition on the totals' `day` column."""
        assert self.core is not None
        parts, params = ["1"], []
        lo, hi = self.core
        if lo is not None:
            parts.append("day >= ?")
            params.append(lo.date().isoformat())
        if hi is not None:
            parts.append("day < ?")
            params.append(hi.date().isoformat())
        return " AND ".join(parts), params


def _floor(t: datetime) -> datetime:
    u = t.astimezone(UTC)
    return datetime(u.year, u.month, u.day, tzinfo=UTC)


def split(period: Range) -> Split:
    start, end = period
    lo = None if start is None else _floor(start)
    if start is not None and lo is not None and lo < start:
        lo += timedelta(days=1)
    hi = None if end is None else _floor(end)
    if lo is not None and hi is not None and lo >= hi:
        return Split(None, (period,))
    edges: list[Range] = []
    if start is not None and lo != start:
        edges.append((start, lo))
    if end is not None and hi != end:
        edges.append((hi, end))
    return Split((lo, hi), tuple(edges))


def _ready(db: sqlite_utils.Database) -> bool:
    return bool(db.table("hr_counts").exists())


def _buckets(db: sqlite_utils.Database) -> list[float]:
    return [float(lo) for (lo,) in db.execute("SELECT lo FROM hr_buckets ORDER BY lo")]


def _plus(a: S.Counts, b: S.Counts) -> S.Counts:
    def add(x: dict[str, int], y: dict[str, int]) -> dict[str, int]:
        return dict(Counter(x) + Counter(y))

    return S.Counts(
        a.total + b.total,
        add(a.by_status, b.by_status),
        add(a.by_category, b.by_category),
        add(a.by_severity, b.by_severity),
        add(a.by_channel, b.by_channel),
        a.acknowledged + b.acknowledged,
        a.ack_met + b.ack_met,
        a.closed + b.closed,
        a.counseling_ok + b.counseling_ok,
        add(a.by_filed_by, b.by_filed_by),
        counseling_ever=a.counseling_ever + b.counseling_ever,
    )


def _target(targets: Mapping[str, timedelta], severity: str) -> float:
    # As S.ack_target_sql writes it: whole seconds.
    limit = targets.get(severity, S.ACK_TARGET_FALLBACK)
    return float(f"{limit.total_seconds():.0f}")


def _met(db: sqlite_utils.Database, sp: Split, targets: Mapping[str, timedelta]) -> int:
    """Acknowledged within their severity's target, over the core days."""
    lows = _buckets(db)
    cond, params = sp.days()
    met = 0
    rows = db.execute(
        f"SELECT severity, bucket, SUM(n) FROM hr_durations WHERE kind = 'ack' AND {cond} "
        "GROUP BY severity, bucket",
        params,
    ).fetchall()
    assert sp.core is not None
    rcond, rparams = where("reported_at", sp.core)
    for sev, lo, n in rows:
        if not n:
            continue
        limit = _target(targets, sev)
        i = bisect.bisect_left(lows, lo)
        hi = lows[i + 1] if i + 1 < len(lows) else None
        if hi is not None and hi <= limit:
            met += n
        elif lo <= limit:  # the target falls inside this bucket: count it exactly
            met += db.execute(
                "SELECT COUNT(*) FROM cases INDEXED BY idx_cases_sev_ack WHERE severity = ? "
                f"AND ack_secs >= ? AND ack_secs <= ? AND {rcond}",
                [sev, lo, limit, *rparams],
            ).fetchone()[0]
    return int(met)


def _core_counts(
    db: sqlite_utils.Database, sp: Split, targets: Mapping[str, timedelta]
) -> S.Counts:
    cond, params = sp.days()
    dims: dict[str, Counter[str]] = {}
    for dim, key, n in db.execute(
        f"SELECT dim, key, SUM(n) FROM hr_counts WHERE {cond} GROUP BY dim, key", params
    ):
        if n:
            # recount shows a case without a channel under "other", as fold does.
            k = (key or "other") if dim == "channel" else key
            dims.setdefault(dim, Counter())[k] += int(n)

    def one(dim: str) -> int:
        return sum(dims.get(dim, Counter()).values())

    return S.Counts(
        one("total"),
        dict(dims.get("status", {})),
        dict(dims.get("category", {})),
        dict(dims.get("severity", {})),
        dict(dims.get("channel", {})),
        one("acked"),
        _met(db, sp, targets),
        one("closed"),
        one("counseling"),
        dict(dims.get("filed_by", {})),
        counseling_ever=one("counseling_ever"),
    )


def pending(
    db: sqlite_utils.Database, period: Range, targets: Mapping[str, timedelta], now: datetime
) -> int:
    """Cases of the period not acknowledged yet whose target has not passed at `now`.
    Only cases reported within the longest target can be pending, so the index on
    reported_at bounds this to the last few hours whatever the size of the file."""
    longest = max([*targets.values(), S.ACK_TARGET_FALLBACK])
    cond, params = where("reported_at", period)
    whens, wparams = [], []
    for sev in targets:
        whens.append("WHEN ? THEN ?")
        wparams += [sev, iso(now - timedelta(seconds=_target(targets, sev)))]
    fallback = iso(now - timedelta(seconds=S.ACK_TARGET_FALLBACK.total_seconds()))
    row = db.execute(
        f"SELECT COUNT(*) FROM cases INDEXED BY idx_cases_reported_at WHERE {cond} "
        f"AND reported_at > ? AND acknowledged_at IS NULL "
        f"AND reported_at > (CASE severity {' '.join(whens)} ELSE ? END)",
        [*params, iso(now - longest), *wparams, fallback],
    ).fetchone()
    return int(row[0])


def counts(
    db: sqlite_utils.Database,
    period: Range,
    targets: Mapping[str, timedelta] = DEFAULT_ACK_AFTER,
    now: datetime | None = None,
) -> S.Counts:
    """`now`: when HR asks, for the cases still within their acknowledgement target."""
    if not _ready(db):
        return R.counts(db, period, targets, now)
    sp = split(period)
    out = _core_counts(db, sp, targets) if sp.core else S.Counts()
    for edge in sp.edges:
        out = _plus(out, R.counts(db, edge, targets))
    return out if now is None else replace(out, ack_pending=pending(db, period, targets, now))


def durations(db: sqlite_utils.Database, period: Range, column: str, n: int) -> S.Durations:
    """Median and p90 (nearest rank) of `column` ("ack_secs" or "close_secs") over the
    period's `n` cases that have it (n comes from counts())."""
    if n == 0:
        return S.Durations()
    if not _ready(db):
        return R.durations(db, period, column, n)
    index = DURATION_INDEX[column]
    lows = _buckets(db)
    sp = split(period)
    hist: Counter[float] = Counter()
    if sp.core:
        cond, params = sp.days()
        kind = "ack" if column == "ack_secs" else "close"
        for lo, k in db.execute(
            f"SELECT bucket, SUM(n) FROM hr_durations WHERE kind = ? AND {cond} GROUP BY bucket",
            [kind, *params],
        ):
            hist[float(lo)] += int(k)
    for edge in sp.edges:
        econd, eparams = where("reported_at", edge)
        for (v,) in db.execute(
            f"SELECT {column} FROM cases INDEXED BY idx_cases_reported_at "
            f"WHERE {econd} AND {column} IS NOT NULL",
            eparams,
        ):
            hist[lows[bisect.bisect_right(lows, v) - 1]] += 1
    if sum(hist.values()) < n:  # cannot happen with exact totals; never guess
        return R.durations(db, period, column, n)
    pcond, pparams = where("reported_at", period)

    def at(p: float) -> float:
        rank, seen = S.rank(p, n), 0
        for lo in sorted(hist):
            if seen + hist[lo] >= rank:
                break
            seen += hist[lo]
        i = bisect.bisect_left(lows, lo)
        upper, uparams = ("", []) if i + 1 >= len(lows) else (f"AND {column} < ? ", [lows[i + 1]])
        # Within one bucket, in index order: the walk reads only that bucket's entries.
        sql = (
            f"SELECT {column} FROM cases INDEXED BY {index} WHERE {column} >= ? {upper}"
            f"AND {pcond} ORDER BY {column} LIMIT 1 OFFSET ?"
        )
        row = db.execute(sql, [lo, *uparams, *pparams, rank - seen - 1]).fetchone()
        return float(row[0])

    return S.Durations(n, at(0.5), at(0.9))


def _facts(db: sqlite_utils.Database, period: Range) -> dict[tuple[str, str], int]:
    """(fact, key) -> n over the period: core days from hr_facts, edges recounted."""
    sp = split(period)
    out: Counter[tuple[str, str]] = Counter()
    if sp.core:
        cond, params = sp.days()
        for fact, key, n in db.execute(
            f"SELECT fact, key, SUM(n) FROM hr_facts WHERE {cond} GROUP BY fact, key", params
        ):
            out[(fact, key)] += int(n)
    for edge in sp.edges:
        for key, n in R.conclusions(db, edge).items():
            out[("conclusion", key)] += n
        for key, n in R.measures(db, edge).items():
            out[("measure", key)] += n
        out[("care", "")] += R.care_done(db, edge)
        out[("welfare", "")] += R.welfare_answered(db, edge)
        out[("retaliation", "")] += R.events(db, edge, S.RETALIATION_EVENT)
    return {k: n for k, n in out.items() if n}


def repeat(db: sqlite_utils.Database, period: Range, top: int = S.REPEAT_TOP) -> S.Repeat:
    """Identifiers (keyed hashes) named in 2+ of the period's cases."""
    if not _ready(db):
        return R.repeat(db, period, top)
    if period == (None, None):
        customers = db.execute("SELECT COUNT(*) FROM hr_customers WHERE n >= 2").fetchone()[0]
        if not customers:
            return S.Repeat()
        cases = db.execute("SELECT COUNT(*) FROM hr_repeat_cases").fetchone()[0]
        hashes = [h for (h,) in db.execute(
            "SELECT hash FROM hr_customers INDEXED BY hr_customers_n WHERE n >= 2 "
            "ORDER BY n DESC, hash LIMIT ?", [top * 5]
        )]  # fmt: skip
        marks = ",".join("?" * len(hashes))
        sets: dict[str, set[int]] = {}
        for h, case_id in db.execute(
            f"SELECT hash, case_id FROM case_customers INDEXED BY idx_case_customers_hr "
            f"WHERE hash IN ({marks})",
            hashes,
        ):
            sets.setdefault(h, set()).add(case_id)
        return S.Repeat(int(customers), int(cases), R.listed(db, [sets[h] for h in hashes], top))
    cond, params = where("reported_at", period)
    n = db.execute(
        f"SELECT COUNT(*) FROM case_customers INDEXED BY idx_case_customers_period WHERE {cond}",
        params,
    ).fetchone()[0]
    if n > SORT_LIMIT:
        return R.repeat(db, period, top)
    # A short period: its identifiers are grouped once, and the (hash, case) pairs of
    # the repeat ones (a few per cent of them) come back for counting and listing.
    sets = {}
    for h, case_id in db.execute(
        f"WITH rep AS MATERIALIZED (SELECT hash FROM case_customers INDEXED BY "
        f"idx_case_customers_period WHERE {cond} GROUP BY hash "
        f"HAVING COUNT(DISTINCT case_id) >= 2) "
        f"SELECT cc.hash, cc.case_id FROM rep JOIN case_customers cc INDEXED BY "
        f"idx_case_customers_hr ON cc.hash = rep.hash WHERE {where('cc.reported_at', period)[0]}",
        [*params, *params],
    ):
        sets.setdefault(h, set()).add(case_id)
    if not sets:
        return S.Repeat()
    ranked = sorted(sets, key=lambda h: (-len(sets[h]), h))[: top * 5]
    cases = len(set().union(*sets.values()))
    return S.Repeat(len(sets), cases, R.listed(db, [sets[h] for h in ranked], top))


def summary(
    db: sqlite_utils.Database,
    key: str,
    period: Range,
    previous: Range | None,
    targets: Mapping[str, timedelta] = DEFAULT_ACK_AFTER,
    at: datetime | None = None,
) -> S.Summary:
    """`at`: when HR asks (see counts); None counts no case as pending."""
    if not _ready(db):
        return R.recount(db, key, period, previous, targets, at)
    now = counts(db, period, targets, at)
    facts = _facts(db, period)

    def by(fact: str) -> dict[str, int]:
        return {k: n for (f, k), n in facts.items() if f == fact and k}

    return S.Summary(
        period=key,
        counts=now,
        previous=counts(db, previous, targets, at) if previous else None,
        by_conclusion=by("conclusion"),
        ack=durations(db, period, "ack_secs", now.acknowledged),
        close=durations(db, period, "close_secs", now.closed),
        measures={k: n for (f, k), n in facts.items() if f == "measure"},
        care_done=facts.get(("care", ""), 0),
        welfare_answered=facts.get(("welfare", ""), 0),
        retaliation=facts.get(("retaliation", ""), 0),
        repeat=repeat(db, period),
    )


def weekly(
    db: sqlite_utils.Database, period: Range, utc_offset_min: int
) -> list[tuple[str, str, int]]:
    """(Monday of the local week, categories JSON, cases) for the chart."""
    cond, params = where("reported_at", period)
    week = f"date(reported_at, '{utc_offset_min:+d} minutes', '-6 days', 'weekday 1')"
    rows: list[Any] = db.execute(
        f"SELECT {week} AS w, categories, COUNT(*) FROM cases INDEXED BY idx_cases_hr_scan "
        f"WHERE {cond} GROUP BY w, categories ORDER BY w",
        params,
    ).fetchall()
    return [(str(w), str(c), int(n)) for w, c, n in rows]
