"""HR's summary and customer lookup over big case files, against plain SQL baselines.

    from bench.bench_hr import run
    rows = run("/tmp/hr.db", sizes=[100_000, 1_000_000], repeats=5)

For each size a file `<db_path stem>-<size>.db` is generated once (bench/gen_cases.py)
and reused. Measured on it, each `repeats` times (p50/p99 in milliseconds):
- `summary 30d` / `summary all`: db.stats.summary, every figure HR sees, against the
  baseline a person would write by hand: one `COUNT(*) ... GROUP BY status` over the
  same period (so the ratio says what the whole summary costs beyond the least query);
- `customer lookup`: keyed hashes over every identifier kind + the matching cases,
  against a single `SELECT case_id FROM case_customers WHERE hash = ?`;
- `review 1 year`: /ch-cases review end to end but for the upload: db.review.review
  (the summary from the totals, months, policy versions, check-ins, lessons,
  announcements) and the PDF with its charts, on a file of REVIEW_SIZE cases filed
  over one year (`<stem>-review-<size>.db`), against the same one-query baseline.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlite_utils

from bench.gen_cases import HASH_KEY, KINDS, generate
from bot.domain.identifiers import customer_hash
from bot.domain.periods import parse_period
from bot.domain.severity import DEFAULT_ACK_AFTER
from bot.flows.hr.cases import customer_hashes
from db import stats
from db.store import open_database

TZ = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)  # the generator's last day
REVIEW_SIZE = 100_000  # issue 14: the review report for a year of 100,000 cases <= 5 s


def _times(fn: Callable[[], object], repeats: int) -> list[float]:
    fn()  # warm the page cache: figures are for a running bot, not a cold disk
    out = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def _p(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


def _row(size: int, name: str, ours: list[float], base: list[float]) -> dict[str, Any]:
    p50, b50 = statistics.median(ours), statistics.median(base)
    return {
        "size": size,
        "query": name,
        "p50_ms": round(p50, 2),
        "p99_ms": round(_p(ours, 0.99), 2),
        "baseline_p50_ms": round(b50, 2),
        "baseline_p99_ms": round(_p(base, 0.99), 2),
        "ratio": round(p50 / b50, 2) if b50 else None,
        "repeats": len(ours),
    }


def file_for(db_path: Path | str, size: int) -> Path:
    p = Path(db_path)
    return p.with_name(f"{p.stem}-{size}{p.suffix or '.db'}")


def _measure(db: sqlite_utils.Database, size: int, repeats: int) -> list[dict[str, Any]]:
    results = []
    for key in ("30d", "all"):
        p = parse_period(key, NOW, TZ)
        prev = p.previous
        rng = (p.start, p.end)
        before = (prev.start, prev.end) if prev else None
        cond, params = stats.where("reported_at", rng)

        def ours(rng: Any = rng, before: Any = before, key: str = key) -> object:
            return stats.summary(db, key, rng, before, DEFAULT_ACK_AFTER, NOW)

        def baseline(cond: str = cond, params: list[Any] = params) -> object:
            sql = f"SELECT status, COUNT(*) FROM cases WHERE {cond} GROUP BY status"
            return db.execute(sql, params).fetchall()

        results.append(
            _row(size, f"summary {key}", _times(ours, repeats), _times(baseline, repeats))
        )
    c = 42  # a customer the generator draws often (low numbers recur most)
    value = f"cust{c}@example.com"
    one = customer_hash(HASH_KEY, KINDS[c % len(KINDS)], value)

    def lookup() -> object:
        hashes = customer_hashes(HASH_KEY, value)
        marks = ",".join("?" * len(hashes))
        return db.execute(
            f"SELECT c.case_no, c.status FROM cases c WHERE c.id IN (SELECT case_id FROM"
            f" case_customers WHERE hash IN ({marks})) ORDER BY c.reported_at DESC LIMIT 50",
            hashes,
        ).fetchall()

    def plain() -> object:
        return db.execute("SELECT case_id FROM case_customers WHERE hash = ?", [one]).fetchall()

    results.append(_row(size, "customer lookup", _times(lookup, repeats), _times(plain, repeats)))
    return results


def _review(db: sqlite_utils.Database, size: int, repeats: int) -> dict[str, Any]:
    from bot.domain.policy_file import load_policy
    from bot.views.review_pdf import build_review_pdf
    from db import review

    p = parse_period("365d", NOW, TZ)
    prev = p.previous
    rng, before = (p.start, p.end), (prev.start, prev.end) if prev else None
    policy = load_policy()
    cond, params = stats.where("reported_at", rng)

    def ours() -> object:
        data = review.review(db, p.key, rng, before, DEFAULT_ACK_AFTER, NOW, 540)
        return build_review_pdf("ja", data, policy, "365日", "前の365日", DEFAULT_ACK_AFTER,
                                NOW, TZ)  # fmt: skip

    def baseline() -> object:
        sql = f"SELECT status, COUNT(*) FROM cases WHERE {cond} GROUP BY status"
        return db.execute(sql, params).fetchall()

    return _row(size, "review 1 year", _times(ours, repeats), _times(baseline, repeats))


def run(db_path: Path | str, sizes: list[int], repeats: int) -> list[dict[str, Any]]:
    """One dict per (size, query): p50/p99 in ms for ours and the baseline, and the ratio
    of the p50s. Files are generated on first use and kept for the next run."""
    results: list[dict[str, Any]] = []
    for size in sizes:
        path = file_for(db_path, size)
        if not path.exists():
            generate(path, size)
        # Migrated as the bot opens it: a file from before m110 gets its HR totals.
        db = open_database(path)
        try:
            results += _measure(db, size, repeats)
        finally:
            db.close()
    p = Path(db_path)
    path = p.with_name(f"{p.stem}-review-{REVIEW_SIZE}{p.suffix or '.db'}")
    if not path.exists():
        generate(path, REVIEW_SIZE, years=1.0)
    db = open_database(path)
    try:
        results.append(_review(db, REVIEW_SIZE, repeats))
    finally:
        db.close()
    return results
