"""6. Resident memory of the bot process, idle and after N reports, against bare Bolt."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from functools import partial
from pathlib import Path

import aiohttp

from bench.process import ROOT, bot_process, floor_process, rss_kib, settled_rss
from bench.results import MISSED, Section
from bench.stats import fmt_ratio
from bench.workload import Forms, add_employees, bounded, submit, wait_until
from bot.demo.harness import BOT_TOKEN, SIGNING_SECRET, populate
from slacksim import SlackSimulator
from slacksim.requests import SlackRequests

IDLE_RATIO = 2.0
GROWTH_MIB = 20.0
BATCH = 250


async def _reports(sim: SlackSimulator, slack: SlackRequests, users: list[str], n: int) -> None:
    forms = Forms(sim, slack)
    before = len(sim.all_messages)
    for start in range(0, n, BATCH):  # batches keep the load generator's own memory flat
        idx = range(start, min(n, start + BATCH))
        who = {i: users[i % len(users)] for i in idx}
        views = await bounded(10, [partial(forms.open, who[i]) for i in idx])
        pairs = zip(idx, views, strict=True)
        await bounded(10, [partial(submit, slack, who[i], v, i) for i, v in pairs])
    await wait_until(lambda: len(sim.all_messages) >= before + 3 * n, 120 + n / 5, "deliveries")


async def _slashes(sim: SlackSimulator, slack: SlackRequests, users: list[str], n: int) -> None:
    # Bare Bolt only answers the command with a modal: the first modal is what it opens.
    forms = Forms(sim, slack)
    await bounded(10, [partial(forms.open_start, users[i % len(users)]) for i in range(n)])


HEAVY = ("matplotlib", "numpy", "PIL", "pandas")
_PROBE = """
import json, sys
from pathlib import Path
def rss():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
before = rss()
{imports}
print(json.dumps([before, rss(), [m for m in {heavy!r} if m in sys.modules]]))
"""


def _probe(imports: str) -> tuple[float, float, list[str]]:
    code = _PROBE.format(imports=imports, heavy=HEAVY)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    before, after, heavy = json.loads(out.stdout.strip().splitlines()[-1])
    return float(before), float(after), list(heavy)


def _why_heavy() -> list[str]:
    """Which heavy libraries the bot imports at start, and what they cost on their own."""
    _, bot_rss, heavy = _probe("import bot.serve, bot.app, bot.cli")
    if not heavy:
        return [f"Importing the bot alone takes {bot_rss:.0f} MiB; no heavy library found."]
    _, lib_rss, _ = _probe("\n".join(f"import {m}" for m in heavy))
    _, plain, _ = _probe("pass")
    return [
        f"Why: importing the bot (`bot.serve`, `bot.app`) takes {bot_rss:.0f} MiB and pulls "
        f"in {', '.join(heavy)} at start; those alone take {lib_rss - plain:.0f} MiB over a "
        "bare interpreter (measured in this run), before anyone asks for a chart.",
        "What would fix it: import them where they are used (inside the function that "
        "draws the HR chart), so only a process that draws a chart pays for them.",
    ]


async def measure(n: int) -> Section:
    section = Section(
        "memory",
        "Memory",
        "Resident memory (VmRSS from /proc/<pid>/status, median of 3 readings 0.5 s apart "
        "after a quiet moment) of `python -m bot run` as its own process, serving HTTP "
        "against the simulator with a temporary database, idle and after "
        f"{n:,} reports (slash command, form, submission, 3 deliveries each). Baseline: "
        "the bare Bolt `AsyncApp` (bench/floor.py) as its own process, idle and after the "
        f"same {n:,} slash commands. One process each.",
        f"idle within {IDLE_RATIO:.0f}× of bare Bolt; no more than {GROWTH_MIB:.0f} MiB "
        f"growth after {n:,} reports (nothing kept in memory per report)",
        ["figure", "bot MiB", "bare Bolt MiB", "bot / bare Bolt"],
    )
    with tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)
        sim = SlackSimulator(token=BOT_TOKEN)
        await sim.start()
        populate(sim)
        users = add_employees(sim, 50)
        try:
            async with aiohttp.ClientSession() as session:
                async with floor_process(sim, tmp) as (pid, url):
                    f_idle = await settled_rss(pid)
                    await _slashes(sim, SlackRequests(url, SIGNING_SECRET, sim, session), users, n)
                    f_after, f_peak = await settled_rss(pid), rss_kib(pid, "VmHWM") / 1024
                async with bot_process(sim, tmp) as (pid, url):
                    b_idle = await settled_rss(pid)
                    await _reports(sim, SlackRequests(url, SIGNING_SECRET, sim, session), users, n)
                    b_after, b_peak = await settled_rss(pid), rss_kib(pid, "VmHWM") / 1024
                db_mib = (tmp / "ch.db").stat().st_size / 2**20
        finally:
            await sim.stop()
    section.add("idle", f"{b_idle:.1f}", f"{f_idle:.1f}", fmt_ratio(b_idle / f_idle))
    section.add(
        f"after {n:,} reports (bare Bolt: slash commands)",
        f"{b_after:.1f}",
        f"{f_after:.1f}",
        fmt_ratio(b_after / f_after),
    )
    section.add("growth", f"{b_after - b_idle:+.1f}", f"{f_after - f_idle:+.1f}", "–")
    section.add("peak (VmHWM)", f"{b_peak:.1f}", f"{f_peak:.1f}", fmt_ratio(b_peak / f_peak))
    section.notes.append(f"The database file after {n:,} reports: {db_mib:.1f} MiB on disk.")
    if b_idle > IDLE_RATIO * f_idle or b_after - b_idle > GROWTH_MIB:
        section.verdict = MISSED
        section.notes += _why_heavy()
    return section
