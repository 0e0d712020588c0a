"""4. HR summary over a million cases and the repeat-customer lookup.

The measurement itself is the HR engineer's (bench/bench_hr.py, `run(db_path, sizes,
repeats) -> list[dict]`, cases from bench/gen_cases.py); this wraps it into the report
and says so plainly while it is not in the tree yet.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import tempfile
from pathlib import Path
from typing import Any

from bench.results import MISSED, UNAVAILABLE, Section

# Absolute targets (issue 14, part 6): the summary reads maintained totals (db/totals.py),
# so at 1,000,000 cases it answers in well under a second; /ch-cases still acks at once.
TARGET_MS = {
    "summary 30d": 200.0, "summary all": 500.0, "customer lookup": 100.0,
    "review 1 year": 5000.0,
}  # fmt: skip


def _cell(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.2f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


async def measure(sizes: list[int], repeats: int) -> Section:
    section = Section(
        "hr",
        "HR summary and repeat-customer lookup",
        f"Cases from bench/gen_cases.py ({', '.join(f'{s:,}' for s in sizes)}); the bot's "
        "HR summary and repeat-customer lookup against a plain hand-written SQL query over "
        "the same file, p50/p99 (bench/bench_hr.py).",
        "p99 ≤ 0.2 s for a 30-day summary, ≤ 0.5 s for all time, ≤ 100 ms for a customer "
        "lookup, ≤ 5 s for the review report (figures and PDF) over a year of 100,000 cases "
        "(all after an immediate ack); the ratio to the hand-written query is reported",
    )
    if importlib.util.find_spec("bench.bench_hr") is None:
        section.verdict = UNAVAILABLE
        section.notes.append("not available yet: bench/bench_hr.py is not in the tree.")
        return section
    bench_hr = importlib.import_module("bench.bench_hr")
    with tempfile.TemporaryDirectory() as tmp:
        rows: list[dict[str, Any]] = await asyncio.to_thread(
            bench_hr.run, Path(tmp) / "hr.db", sizes, repeats
        )
    if rows:
        section.headers = [k for k in dict.fromkeys(k for r in rows for k in r) if k != "note"]
        for r in rows:
            section.add(*(_cell(r.get(k, "")) for k in section.headers))
    slow = [
        r
        for r in rows
        if isinstance(r.get("p99_ms"), int | float)
        and r["p99_ms"] > TARGET_MS.get(str(r.get("query")), float("inf"))
    ]
    if slow:
        section.verdict = MISSED
        section.notes.append(
            "Missed: "
            + ", ".join(f"{r['query']} at {r['size']:,} ({r['p99_ms']:.0f} ms)" for r in slow)
            + "."
        )
    section.notes.append(
        "How: the summary reads totals that SQLite triggers keep exact in the transaction of "
        "every write (migration m110, db/totals.py): per UTC day, counts by status, severity, "
        "channel and category, times to acknowledge and close in geometric buckets, "
        "conclusions, measures, care, welfare and retaliation; per identifier, its number of "
        "cases. A period is its whole UTC days from the totals plus its partial days at the "
        "edges counted from the cases by index. Percentiles stay exact nearest-rank: the "
        "bucket holding the rank comes from the totals, the value from walking the duration "
        "index over that one bucket. The ratio compares every figure HR sees with one "
        "`COUNT(*) … GROUP BY status` over the period."
    )
    section.notes.append(
        "Indexes: cases(reported_at) for the edges; cases(severity, ack_secs, reported_at) "
        "for the one bucket a target falls in (m110); ack_secs/close_secs with their indexes "
        "(m030) for the percentile walk; case_customers(hash, reported_at, case_id) and "
        "(reported_at, hash, case_id) for repeat customers over a period; audit(at). Repeat "
        "customers over a long period other than all time (e.g. 365d) still group the "
        "period's identifiers (≈0.6 s at 1,000,000 cases)."
    )
    section.notes.append(
        "Review report (`/ch-cases review`, issue 14 part 3): db/review.py (the summary from "
        "the totals above, plus months and policy versions grouped from the period's cases "
        "by idx_cases_reported_at, check-ins, 'prevent recurrence' notes and announcements) "
        "and the PDF with its two charts (bot/views/review_pdf.py), on its own file of "
        "100,000 cases filed over one year; the upload to Slack is not included."
    )
    section.notes.extend(str(r["note"]) for r in rows if r.get("note"))
    return section
