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

TARGET = 1.2


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
        f"p50 and p99 within {TARGET}× of the hand-written query",
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
    met = [r.get("met") for r in rows if "met" in r]
    slow = [r for r in rows if isinstance(r.get("ratio"), int | float) and r["ratio"] > TARGET]
    if any(m is False for m in met) or slow:
        section.verdict = MISSED
        section.notes.append(
            "Missed where the ratio to the hand-written query is above "
            f"{TARGET}×: "
            + ", ".join(f"{r.get('query', '?')} ({r['ratio']:.0f}×)" for r in slow)
            + ". The figures and their explanation are bench/bench_hr.py's (the HR work); "
            "this suite only runs it."
        )
    section.notes.extend(str(r["note"]) for r in rows if r.get("note"))
    return section
