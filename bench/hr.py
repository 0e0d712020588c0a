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

# Absolute targets: /ch-cases acks at once ("working on it…") and delivers the summary
# by DM, so Slack's 3 s applies to the ack only; these keep the wait short for a person.
TARGET_MS = {"summary 30d": 3000.0, "summary all": 10000.0, "customer lookup": 100.0}


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
        "p99 ≤ 3 s for a 30-day summary, ≤ 10 s for all time, ≤ 100 ms for a customer "
        "lookup (after an immediate ack); the ratio to the hand-written query is reported",
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
        "Why the ratio is large: the baseline is one `COUNT(*) … GROUP BY status` over the "
        "period, while the summary computes every figure HR sees (counts by status, category, "
        "severity, channel and conclusion; median and p90 times to acknowledge and close; "
        "targets met; measures; care; welfare; repeat customers; the previous period) in about "
        "a dozen indexed queries. At 1,000,000 cases the all-time summary is dominated by the "
        "repeat-customer grouping (a GROUP BY over every identifier hash). What would cut it: "
        "trigger-maintained daily totals and a per-identifier count table, so that the cost "
        "follows the number of days rather than the number of cases."
    )
    section.notes.append(
        "Indexes (migration m030_hr): cases(reported_at) for short periods; a covering index "
        "on cases(status, severity, contact_channel, categories, reported_at, counseling_ok, "
        "ack_secs, closed_at) for long ones; "
        "generated columns ack_secs/close_secs with their indexes for percentiles by ORDER BY "
        "+ OFFSET; case_customers(hash, reported_at, case_id) and (reported_at, hash, case_id) "
        "covering indexes for repeat customers; timeline(event, case_id); audit(at)."
    )
    section.notes.extend(str(r["note"]) for r in rows if r.get("note"))
    return section
