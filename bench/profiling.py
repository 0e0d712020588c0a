"""cProfile around an awaited workload, summarised as the top functions by own time.

The bot, the simulator and the load generator share one event loop in-process, so the
profile shows all three; the file column tells them apart (bot/, handlers/, db/ are ours).
"""

from __future__ import annotations

import cProfile
import io
import pstats
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = str(Path(__file__).resolve().parent.parent) + "/"


async def profile(work: Callable[[], Awaitable[object]], top: int = 15) -> str:
    prof = cProfile.Profile()
    prof.enable()
    try:
        await work()
    finally:
        prof.disable()
    return summarise(prof, top)


def summarise(prof: cProfile.Profile, top: int = 15) -> str:
    stats = pstats.Stats(prof)
    rows = []
    for (file, line, name), (_cc, ncalls, tottime, cumtime, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append((tottime, cumtime, ncalls, _short(file), line, name))
    rows.sort(reverse=True)
    total = sum(r[0] for r in rows) or 1.0
    out = io.StringIO()
    out.write(f"{'own s':>7} {'own %':>6} {'cum s':>7} {'calls':>8}  function\n")
    for tot, cum, n, file, line, name in rows[:top]:
        share = 100 * tot / total
        out.write(f"{tot:7.3f} {share:5.1f}% {cum:7.3f} {n:8d}  {file}:{line}({name})\n")
    return out.getvalue()


def _short(file: str) -> str:
    if file.startswith(ROOT):
        return file[len(ROOT) :]
    for marker in ("site-packages/", "lib/python3"):
        if marker in file:
            return file.split(marker, 1)[1]
    return file
