"""The summary's chart: cases per week by category, as a PNG. Pure (bytes out).

matplotlib's object API with the Agg canvas: no pyplot global state, no display, safe
to run in a worker thread. Rendering takes a few hundred milliseconds, so callers run
it off the event loop (asyncio.to_thread).
"""

from __future__ import annotations

import io
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

# matplotlib (with numpy and PIL) costs about 34 MiB of resident memory: it is imported
# when the first chart is drawn, not when the bot starts (see BENCHMARKS.md, memory).
MAX_SERIES = 8  # more lines than this are unreadable: the rest are summed as "other"


@dataclass(frozen=True)
class Chart:
    png: bytes
    series: tuple[str, ...]  # the legend, in order
    weeks: int


@cache
def _has_cjk_font() -> bool:
    from matplotlib.font_manager import fontManager

    names = {f.name for f in fontManager.ttflist}
    return any(n in names for n in ("Noto Sans CJK JP", "IPAexGothic", "IPAGothic", "TakaoGothic"))


def chart_lang(lang: str) -> str:
    """Japanese labels only when a Japanese font is installed; otherwise English rather
    than rows of empty boxes."""
    return lang if lang != "ja" or _has_cjk_font() else "en"


def weekly_series(
    rows: list[tuple[str, str, int]], start: date | None, end: date | None
) -> tuple[list[date], dict[str, list[int]]]:
    """(Mondays, category -> cases per week) from (monday, categories JSON, count) rows.
    Weeks without cases are present with zeros, so gaps show as gaps."""
    per: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    seen: set[date] = set()
    for monday, cats, n in rows:
        week = date.fromisoformat(monday)
        seen.add(week)
        for cat in json.loads(cats or "[]"):
            per[cat][week] += n
    if not seen:
        return [], {}
    first = min(seen) if start is None else start - timedelta(days=start.weekday())
    last = max(seen) if end is None else end - timedelta(days=1)
    weeks = []
    w = first
    while w <= last:
        weeks.append(w)
        w += timedelta(days=7)
    ranked = sorted(per, key=lambda c: -sum(per[c].values()))
    series = {c: [per[c].get(w, 0) for w in weeks] for c in ranked[:MAX_SERIES]}
    if len(ranked) > MAX_SERIES:
        series["other"] = [sum(per[c].get(w, 0) for c in ranked[MAX_SERIES:]) for w in weeks]
    return weeks, series


def build_chart(
    weeks: list[date], series: dict[str, list[int]], labels: dict[str, str], title: str
) -> Chart:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import date2num
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, 4.5), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    names = []
    for cat, values in series.items():
        name = labels.get(cat, cat)
        ax.plot(
            date2num(weeks),  # type: ignore[no-untyped-call]
            values,
            marker="o" if len(weeks) <= 20 else None,
            label=name,
        )
        names.append(name)
    ax.xaxis_date()
    ax.set_title(title)
    ax.set_ylabel("cases / week")
    ax.grid(alpha=0.3)
    if names:
        ax.legend(loc="upper left", fontsize="small", ncols=2)
    fig.autofmt_xdate()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return Chart(buf.getvalue(), tuple(names), len(weeks))
