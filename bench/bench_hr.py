"""HR's summary and customer lookup over big case files, against plain SQL baselines.

    from bench.bench_hr import run
    rows = run("/tmp/hr.db", sizes=[100_000, 1_000_000], repeats=5)

For each size a file `<db_path stem>-<size>.db` is generated once (bench/gen_cases.py)
and reused. Measured on it, each `repeats` times (p50/p99 in milliseconds):
- `summary 30d` / `summary all`: db.stats.summary, every figure HR sees, against the
  baseline a person would write by hand: one `COUNT(*) ... GROUP BY status` over the
  same period (so the ratio says what the whole summary costs beyond the least query);
- `customer lookup`: keyed hashes over every identifier kind + the matching cases,
  against a single `SELECT case_id FROM case_customers WHERE hash = ?`.
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
            return stats.summary(db, key, rng, before, DEFAULT_ACK_AFTER)

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
    return results
