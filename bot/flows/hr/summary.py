"""`/ch-cases summary [period]`: the figures, then the chart, in HR's DM.

Acked at once; the queries run on the store thread and the chart in a worker
thread, so neither Slack's 3 seconds nor other people's requests wait for them.
"""

from __future__ import annotations

import asyncio
import logging

from bot.context import AppContext
from bot.domain.periods import Period, PeriodError, parse_period
from bot.domain.stats import Summary
from bot.flows.hr.access import Tell, post_dm, require_hr
from bot.i18n import t
from bot.views.hr_chart import OVERFLOW, Chart, build_chart, weekly_series
from bot.views.hr_summary import build_summary, period_label
from db import audit, stats

log = logging.getLogger(__name__)


def period_or_tell(ctx: AppContext, text: str) -> Period:
    return parse_period(text, ctx.clock.now(), ctx.config.timezone)


async def compute(ctx: AppContext, period: Period) -> Summary:
    prev = period.previous
    targets = ctx.config.reminders.ack_after
    return await ctx.store.run(
        stats.summary,
        period.key,
        (period.start, period.end),
        (prev.start, prev.end) if prev else None,
        targets,
        ctx.clock.now(),  # cases still within their target are pending, not missed
    )


async def chart(ctx: AppContext, period: Period, lang: str) -> Chart | None:
    offset = ctx.clock.now().astimezone(ctx.config.timezone).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    rows = await ctx.store.run(stats.weekly, (period.start, period.end), minutes)
    start = period.start.date() if period.start else None
    end = period.end.date() if period.end else None
    weeks, series = weekly_series(rows, start, end)
    if not weeks:
        return None
    # Cases of any version: a category only an older one has keeps its label.
    labels = {c.id: c.label.get(lang) for c in ctx.policies.labels().categories}
    labels[OVERFLOW] = t(lang, "hr.chart.other")  # not "other": the policy has one
    title = t(lang, "hr.chart.title", period=period_label(lang, period))
    ylabel = t(lang, "hr.chart.ylabel")
    return await asyncio.to_thread(build_chart, weeks, series, labels, title, ylabel)


async def send_summary(ctx: AppContext, user_id: str, text: str, tell: Tell) -> None:
    await require_hr(ctx, user_id)
    lang = await ctx.people.lang(user_id)
    try:
        period = period_or_tell(ctx, text)
    except PeriodError as e:
        await tell(t(lang, str(e)))
        return
    await tell(t(lang, "hr.working"))
    summary = await compute(ctx, period)
    await ctx.store.run(audit.record, ctx.clock.now(), user_id, "summary", period.key)
    labels = ctx.policies.labels()  # cases of any version: every version's labels
    fallback, blocks = build_summary(lang, summary, period, labels, ctx.workspace_url)
    channel = await post_dm(ctx, user_id, fallback, blocks)
    png = await chart(ctx, period, lang)
    if png is not None:
        await ctx.client.files_upload_v2(
            channel=channel,
            file=png.png,
            filename=f"ch-cases-{period.key}.png",
            title=t(lang, "hr.chart.title", period=period_label(lang, period)),
        )
    log.info("hr summary delivered: period=%s cases=%s", period.key, summary.counts.total)
