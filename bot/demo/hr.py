"""The demo's HR scene: HR asks for the last 30 days' summary (signed, as Slack sends it)."""

from __future__ import annotations

from bot.demo.harness import Harness
from bot.demo.output import Printer


async def hr_asks(h: Harness, out: Printer) -> None:
    """Type `/ch-cases summary 30d` as HR; return once the summary message (and, when
    the period has cases, its chart) has reached the simulated Slack."""
    hr = h.cast.hr
    out.say("HR Yamada types `/ch-cases summary 30d`.")
    messages = len(h.sim.dms(hr))
    files = len(h.sim.files)
    reply = await h.slash("/ch-cases", hr, "summary 30d")
    assert reply.status == 200, reply
    await h.sim.wait_for(lambda s: len([m for m in s.dms(hr)[messages:] if m.blocks]) > 0, 20)
    summary = next(m for m in h.sim.dms(hr)[messages:] if m.blocks)
    if "No cases" not in str(summary.blocks):
        await h.sim.wait_for(lambda s: len(s.files) > files, 20)
