"""`/ch-cases review <year or period>`: the annual policy review report, as a PDF in
HR's DM. Acked at once; the figures run on the store thread, the PDF (charts and
pages) in a worker thread, then it is uploaded like the summary's chart.
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.context import AppContext
from bot.domain.periods import Period, PeriodError, parse_period
from bot.domain.policy_versions import in_force
from bot.flows.hr.access import Tell, dm_channel, require_hr
from bot.i18n import t
from bot.views.counting import cases
from bot.views.hr_summary import period_label, previous_label
from bot.views.review_pdf import build_review_pdf
from db import audit, review

log = logging.getLogger(__name__)
_YEAR = re.compile(r"^(\d{4})$")


def review_period(text: str, now: datetime, tz: ZoneInfo) -> Period:
    """A calendar year ("2026", in the company's zone), or any summary period."""
    if m := _YEAR.match(text.strip()):
        year = int(m.group(1))
        if not 2000 <= year <= 2100:
            raise PeriodError("hr.review.usage")
        return Period(
            str(year), datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz),
            str(year - 1), datetime(year - 1, 1, 1, tzinfo=tz),
        )  # fmt: skip
    if not text.strip():
        raise PeriodError("hr.review.usage")
    try:
        return parse_period(text, now, tz)
    except PeriodError:
        raise PeriodError("hr.review.usage") from None


async def send_review(ctx: AppContext, user_id: str, text: str, tell: Tell) -> None:
    await require_hr(ctx, user_id)
    lang = await ctx.people.lang(user_id)
    now, tz = ctx.clock.now(), ctx.config.timezone
    try:
        period = review_period(text, now, tz)
    except PeriodError as e:
        await tell(t(lang, str(e)))
        return
    await tell(t(lang, "hr.review.working"))
    targets = ctx.config.reminders.ack_after
    offset = now.astimezone(tz).utcoffset()
    prev = period.previous
    data = await ctx.store.run(
        review.review, period.key, (period.start, period.end),
        (prev.start, prev.end) if prev else None, targets, now,
        int(offset.total_seconds() // 60) if offset else 0,
    )  # fmt: skip
    await ctx.store.run(audit.record, now, user_id, "review", period.key)
    label = period_label(lang, period)
    pdf = await asyncio.to_thread(
        build_review_pdf, lang, data, ctx.policy, label, previous_label(lang, period),
        targets, now, tz, in_force(ctx.policies.history, period.start, period.end),
        ctx.policies.labels(),
    )  # fmt: skip
    channel = await dm_channel(ctx, user_id)
    total = cases(lang, data.summary.counts.total)
    await ctx.client.files_upload_v2(
        channel=channel,
        file=pdf,
        filename=f"ch-review-{period.key}.pdf",
        title=t(lang, "hr.review.title"),
        initial_comment=t(lang, "hr.review.done", period=label, total=total),
    )
    log.info("hr review delivered: period=%s bytes=%d", period.key, len(pdf))
