"""The summary's chart: cases per week by category, as stacked bars in a PNG. Pure.

matplotlib's object API with the Agg canvas: no pyplot global state, no display, safe
to run in a worker thread. Rendering takes a few hundred milliseconds, so callers run
it off the event loop (asyncio.to_thread).

Text is drawn with the Japanese font that matplotlib-fontja ships (IPAexGothic, a TTF
inside the package), named by file rather than looked up among installed fonts: the
chart reads the same on any machine, in Japanese and in English. The same file is
embedded in the review PDF (bot/views/review_pdf.py).
"""

from __future__ import annotations

import importlib.util
import io
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

# matplotlib (with numpy and PIL) costs about 34 MiB of resident memory: it is imported
# when the first chart is drawn, not when the bot starts (see BENCHMARKS.md, memory).
MAX_SERIES = 8  # more stacked colours than this are unreadable: the rest are summed
# The key of the summed rest. Policy ids are [a-z][a-z0-9_]*, so this one can never be a
# category's own id: the policy's "other" category keeps its label ("Other").
OVERFLOW = "+rest"


@dataclass(frozen=True)
class Chart:
    png: bytes
    series: tuple[str, ...]  # the legend, in order
    weeks: int


@cache
def font_path() -> Path:
    """The bundled IPAexGothic TTF. Found without importing matplotlib_fontja, whose
    import changes matplotlib's global font settings."""
    spec = importlib.util.find_spec("matplotlib_fontja")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("matplotlib-fontja is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "fonts" / "ipaexg.ttf"


def font() -> Any:
    """FontProperties for the bundled font (Any: matplotlib is imported lazily)."""
    from matplotlib.font_manager import FontProperties

    return FontProperties(fname=str(font_path()))


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
        series[OVERFLOW] = [sum(per[c].get(w, 0) for c in ranked[MAX_SERIES:]) for w in weeks]
    return weeks, series


def bar_axes(ax: Any, fp: Any) -> None:
    """Whole numbers only on the count axis (there is no 0.2 of a case), in the font."""
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
    ax.set_ylim(bottom=0)
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    for label in (*ax.get_xticklabels(), *ax.get_yticklabels()):
        label.set_fontproperties(fp)


def build_chart(
    weeks: list[date],
    series: dict[str, list[int]],
    labels: dict[str, str],
    title: str,
    ylabel: str = "",
) -> Chart:
    """Stacked bars, one per week; a category is one colour in every bar."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fp = font()
    fig = Figure(figsize=(9, 4.5), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    x = list(range(len(weeks)))
    bottom = [0] * len(weeks)
    names = []
    for cat, values in series.items():
        name = labels.get(cat, cat)
        ax.bar(x, values, bottom=bottom, width=0.8, label=name)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        names.append(name)
    step = max(1, len(weeks) // 12)  # at most about 12 dates under the bars
    ax.set_xticks(x[::step], [w.strftime("%m/%d") for w in weeks[::step]])
    ax.set_title(title, fontproperties=fp)
    ax.set_ylabel(ylabel, fontproperties=fp)
    bar_axes(ax, fp)
    ax.set_ylim(top=max(1, *bottom) * 1.3)  # room for the legend above the bars
    if names:
        small = font()
        small.set_size(9)
        ax.legend(loc="upper left", prop=small, ncols=2)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return Chart(buf.getvalue(), tuple(names), len(weeks))
