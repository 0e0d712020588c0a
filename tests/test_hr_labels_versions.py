"""HR's summary, chart and export name what a case was filed with in the words of any
version of the policy (issue 12 audit): a category or contact channel that only an older
version has is shown by its label, never by its raw id, after the bot runs with a new
version. Through the real endpoint, with the bot started under v1 and then v2."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.clock import FixedClock
from bot.flows.hr.summary import chart as summary_chart
from bot.flows.hr.summary import period_or_tell
from slacksim import SlackSimulator
from tests.conftest import T0
from tests.hr_common import ask
from tests.test_hr_export import _export, _workbook
from tests.test_policy_versions import V1, V2, bot_with, policy_text, sim  # noqa: F401

OLD_CATEGORY = "sns_exposure"  # only in v1
OLD_CATEGORY_EN = "Exposed on social media"
OLD_CATEGORY_JA = "SNSでのさらし"
OLD_CHANNEL = "letter"  # only in v1
OLD_CHANNEL_EN = "Letter"

V1_EXTRA = f"""
[[categories]]
id = "{OLD_CATEGORY}"
ja = "{OLD_CATEGORY_JA}"
en = "{OLD_CATEGORY_EN}"
weight = "medium"
mhlw_type = "online_defamation"

[[contact_channels]]
id = "{OLD_CHANNEL}"
ja = "手紙"
en = "{OLD_CHANNEL_EN}"

[stop_scripts.{OLD_CHANNEL}]
ja = "返信せず、手紙は保管します。"
en = "Do not reply; keep the letter."
"""


async def test_hr_sees_an_older_versions_category_and_channel_by_their_labels(
    tmp_path: Path, sim: SlackSimulator, clock: FixedClock  # noqa: F811
) -> None:
    async with bot_with(tmp_path, sim, clock, policy_text(V1, V1_EXTRA), "v1") as h:
        reply = await h.report(h.cast.employee, categories=[OLD_CATEGORY], contact=OLD_CHANNEL)
        assert reply.status == 200, reply
        await h.settle()
    clock.set(T0 + timedelta(hours=1))
    async with bot_with(tmp_path, sim, clock, policy_text(V2), "v2") as h:
        assert OLD_CATEGORY not in {c.id for c in h.bot.ctx.policy.categories}
        await h.report(h.cast.employee, categories=["threat"])
        await h.settle()
        [text] = await ask(h, h.cast.hr, "summary 2026-11")
        assert f"{OLD_CATEGORY_EN}: *1*" in text and f"{OLD_CHANNEL_EN}: *1*" in text
        assert OLD_CATEGORY not in text and f"{OLD_CHANNEL}:" not in text
        # The chart sent with it: its legend (the PNG's text cannot be read back here,
        # so the series names of the chart the summary draws are checked).
        chart = await summary_chart(h.bot.ctx, period_or_tell(h.bot.ctx, "2026-11"), "ja")
        assert chart is not None and OLD_CATEGORY_JA in chart.series
        assert OLD_CATEGORY not in chart.series
        await h.sim.wait_for(lambda s: any(f.filename.endswith(".png") for f in s.files))

        before = len(h.sim.files)
        _, rows = await _export(h, "export 2026-11")
        old = next(r for r in rows if r["Contact channel"] == OLD_CHANNEL_EN)
        assert old["Categories"].startswith(OLD_CATEGORY_EN)
        book = await _workbook(h, before)
        summary = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True) if r[0]}
        assert summary.get(OLD_CHANNEL_EN) == 1 and OLD_CHANNEL not in summary

        # HR's review report for the policy review names them too.
        from tests.test_hr_review import _pages, _review

        pages = "\n".join(_pages(await _review(h, h.cast.hr, "review 2026-11"), "labels"))
        assert OLD_CATEGORY_EN in pages and OLD_CHANNEL_EN in pages
        assert OLD_CATEGORY not in pages.replace(OLD_CATEGORY_EN, "")
