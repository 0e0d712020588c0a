"""HR's summary: figures checked against cases with known numbers, end to end."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import FixedClock
from bot.demo.harness import Harness
from bot.domain.periods import parse_period
from bot.domain.severity import DEFAULT_ACK_AFTER
from bot.domain.stats import Summary
from db import stats
from slacksim.render import render_message
from tests.hr_common import TZ, ask, jst, report_at, seed_known_cases

PNG = b"\x89PNG\r\n\x1a\n"


async def summary_of(h: Harness, text: str) -> Summary:
    p = parse_period(text, h.bot.ctx.clock.now(), TZ)
    prev = p.previous
    return await h.bot.ctx.store.run(
        stats.summary, p.key, (p.start, p.end), (prev.start, prev.end) if prev else None,
        DEFAULT_ACK_AFTER,
    )  # fmt: skip


async def test_november_figures(h: Harness, clock: FixedClock) -> None:
    ids = await seed_known_cases(h, clock)
    s = await summary_of(h, "2026-11")
    c = s.counts
    # A (midnight 1 Nov, Tokyo), C and D; B is one second earlier: October.
    assert c.total == 3
    assert c.by_status == {"closed": 1, "acknowledged": 1, "new": 1}
    # A and C name the same customer as B (earlier), so A is at least medium.
    assert c.by_severity == {"medium": 1, "urgent": 1, "low": 1}
    assert c.by_channel == {"phone": 1, "email": 1, "chat": 1}
    assert c.by_category == {"verbal_abuse": 1, "threat": 1, "other": 1}
    # A: 20 min for medium (target 4 h) met; C: 15 min for urgent (10 min) missed.
    assert (c.acknowledged, c.ack_met, c.closed, c.counseling_ok) == (2, 1, 1, 1)
    assert (s.ack.n, s.ack.median, s.ack.p90) == (2, 900.0, 1200.0)
    assert s.close.n == 1 and abs((s.close.median or 0) - 2 * 86400) < 1
    assert s.by_conclusion == {"harassment": 1}  # the current (2nd) version only
    assert s.measures == {"warned": 1}  # the police report is not confirmed yet
    assert (s.care_done, s.welfare_answered, s.retaliation) == (1, 1, 1)
    assert (s.repeat.customers, s.repeat.cases) == (1, 2)
    assert [[r.case_no for r in refs] for _, refs in s.repeat.top] == [[ids["C"], ids["A"]]]
    assert s.previous is not None and s.previous.total == 1  # October: B


async def test_boundary_and_empty_periods(h: Harness, clock: FixedClock) -> None:
    ids = await seed_known_cases(h, clock)
    october = await summary_of(h, "2026-10")
    assert october.counts.total == 1 and october.counts.by_category == {"threat": 1}
    assert october.repeat.customers == 0  # B alone in October
    every = await summary_of(h, "all")
    assert every.counts.total == 4 and every.previous is None
    assert (every.repeat.customers, every.repeat.cases) == (1, 3)
    empty = await summary_of(h, "2026-06")
    assert empty.counts.total == 0 and empty.ack.n == 0 and empty.repeat.cases == 0
    assert empty.by_conclusion == {} and empty.measures == {}
    assert ids  # seeded


async def test_summary_reaches_hr_with_chart(h: Harness, clock: FixedClock) -> None:
    ids = await seed_known_cases(h, clock)
    await ask(h, h.cast.hr, "summary 2026-11")
    await h.sim.wait_for(lambda s: s.files, timeout=15)
    [text] = await _dm_texts(h)
    assert "Cases: 2026-11" in text
    assert "*Cases reported*\n  3 (+2)" in text
    assert "1 of 3 (33%)" in text
    assert "median 15 min · 90% within 20 min (n=2)" in text
    assert "Customer harassment: *1*" in text and "Not assessed yet: *2*" in text
    assert "Warned the customer: *1*" in text and "Retaliation reported: *1*" in text
    assert "Customers named in more than one case: 1 customer (2 cases in all)." in text
    assert "• 2 cases: " in text
    assert ids["C"] in text and ids["A"] in text
    assert "090" not in text  # never an identifier
    [png] = h.sim.files
    assert png.data is not None and png.data.startswith(PNG)
    assert png.channel_id == h.sim.dm_channel(h.cast.hr)
    assert png.filename == "ch-cases-2026-11.png"
    # "working on it" came at once, privately.
    assert any("Working on it" in str(r.body.get("text")) for r in h.sim.responses)


async def test_empty_period_says_so_without_chart(h: Harness) -> None:
    [text] = await ask(h, h.cast.hr, "summary 2026-06")
    assert "No cases were reported in this period." in text
    await h.sim.wait_for(lambda s: any(c.method == "chat.postMessage" for c in s.calls))
    assert h.sim.files == []


async def test_default_is_30_days_and_bad_period_is_explained(
    h: Harness, clock: FixedClock
) -> None:
    [text] = await ask(h, h.cast.hr, "")
    assert "Cases: the last 30 days" in text
    await ask(h, h.cast.hr, "summary soon", wait_dm=False)
    await h.sim.wait_for(lambda s: any("Please give a period" in str(r.body.get("text"))
                                       for r in s.responses))  # fmt: skip
    clock.advance(timedelta(0))


async def _dm_texts(h: Harness) -> list[str]:
    return [render_message(m, {}) for m in h.sim.dms(h.cast.hr) if m.blocks]


async def test_demo_scene_returns_when_summary_arrived(h: Harness, clock: FixedClock) -> None:
    import io

    from bot.demo.hr import hr_asks
    from bot.demo.output import Printer

    await seed_known_cases(h, clock)
    out = io.StringIO()
    await hr_asks(h, Printer(h.cast.names(), out))
    [summary] = [m for m in h.sim.dms(h.cast.hr) if m.blocks]
    assert "Cases: the last 30 days" in render_message(summary, {})
    assert len(h.sim.files) == 1 and "/ch-cases summary 30d" in out.getvalue()


async def test_a_case_filed_moments_ago_is_not_a_miss(h: Harness, clock: FixedClock) -> None:
    """Asked a minute after a new report: the share counts only cases whose target has
    passed and says how many are still within it."""
    await seed_known_cases(h, clock)
    await report_at(h, clock, jst(2026, 11, 27, 10, 0), categories=["threat"], contact="phone")
    clock.advance(timedelta(minutes=1))
    [text] = await ask(h, h.cast.hr, "summary 2026-11")
    assert "1 of 3 (33%)" in text  # not 1 of 4
    assert "1 case not acknowledged yet is still within its target and is not counted." in text
    [text] = await ask(h, h.cast.hr_group_member, "summary 2026-11")
    assert "*Cases reported*\n  4 (+3)" in text


async def test_japanese_summary_counts_with_counters(h: Harness, clock: FixedClock) -> None:
    await seed_known_cases(h, clock)
    h.sim.users[h.cast.hr].locale = "ja-JP"
    [text] = await ask(h, h.cast.hr, "summary 2026-11")
    assert "複数の案件で報告された顧客: 1人（案件は計2件）。" in text
    assert "• 2件: " in text and "3件中1件（33%）" in text
