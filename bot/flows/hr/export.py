"""`/ch-cases export [period] [with-text <reason>]`: one CSV row per case, to HR's DM.

Columns are documented in docs/export.md. Free text (demand, narrative) is included
only when HR asks for it with a stated reason, which is recorded in the audit log.
Rows are read in pages of PAGE by (reported_at, id), so a large export never holds
the store thread for long: reports being filed meanwhile are not kept waiting.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlite_utils

from bot.context import AppContext
from bot.domain.periods import Period, PeriodError, parse_period
from bot.flows.hr.access import Tell, dm_channel, require_hr
from bot.i18n import t
from bot.views.hr_summary import period_label
from db import audit
from db.export import CASE_COLUMNS, TEXT_COLUMNS, export_page

log = logging.getLogger(__name__)
PAGE = 2000  # rows per store call: a long export never holds the store thread long
MIN_REASON = 5
COLUMNS = (
    *CASE_COLUMNS, "minutes_to_ack", "minutes_to_close", "conclusion", "measures", "care_done",
    "retaliation_reported",
)  # fmt: skip


def parse_args(text: str) -> tuple[str, str | None]:
    """("2026-Q3", reason or None) from "2026-Q3 with-text because ..."."""
    head, sep, reason = text.partition("with-text")
    return head.strip(), reason.strip() if sep else None


def _local(value: str | None, tz: ZoneInfo) -> str:
    return (
        datetime.fromisoformat(value).astimezone(tz).isoformat(timespec="seconds") if value else ""
    )


def _minutes(start: str, end: str | None) -> str:
    if not end:
        return ""
    delta = datetime.fromisoformat(end) - datetime.fromisoformat(start)
    return f"{delta.total_seconds() / 60:.1f}"


def _safe(text: str) -> str:
    # A cell starting with = + - @ is a formula to Excel: a typed "=HYPERLINK(...)"
    # must stay text (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_row(row: dict[str, Any], tz: ZoneInfo, with_text: bool) -> list[str]:
    out = dict(row)
    for key in ("reported_at", "occurred_at", "acknowledged_at", "closed_at"):
        out[key] = _local(row[key], tz)
    out["categories"] = ";".join(json.loads(row["categories"] or "[]"))
    out["minutes_to_ack"] = _minutes(row["reported_at"], row["acknowledged_at"])
    out["minutes_to_close"] = _minutes(row["reported_at"], row["closed_at"])
    cols = COLUMNS + (TEXT_COLUMNS if with_text else ())
    return [_safe(str(out.get(c) if out.get(c) is not None else "")) for c in cols]


async def build_csv(ctx: AppContext, period: Period, with_text: bool) -> tuple[str, int]:
    buf = io.StringIO()
    buf.write("\ufeff")  # a BOM: Excel in Japan opens UTF-8 CSV correctly only with it
    writer = csv.writer(buf)
    writer.writerow(COLUMNS + (TEXT_COLUMNS if with_text else ()))
    after, n = ("", 0), 0
    while True:
        page = await ctx.store.run(
            export_page, (period.start, period.end), after, with_text, PAGE
        )
        for row in page:
            writer.writerow(csv_row(row, ctx.config.timezone, with_text))
        n += len(page)
        if len(page) < PAGE:
            return buf.getvalue(), n
        after = (page[-1]["reported_at"], page[-1]["id"])


async def send_export(ctx: AppContext, user_id: str, text: str, tell: Tell) -> None:
    await require_hr(ctx, user_id)
    lang = await ctx.people.lang(user_id)
    period_text, reason = parse_args(text)
    try:
        period = parse_period(period_text, ctx.clock.now(), ctx.config.timezone)
    except PeriodError as e:
        await tell(t(lang, str(e)))
        return
    if reason is not None and len(reason) < MIN_REASON:
        await tell(t(lang, "hr.export.reason_needed"))
        return
    with_text = reason is not None
    await tell(t(lang, "hr.working"))
    content, n = await build_csv(ctx, period, with_text)
    # Recorded before the file leaves: an export that failed to arrive is still an export.
    now = ctx.clock.now()

    def record(db: sqlite_utils.Database) -> int:
        return audit.record(
            db, now, user_id, "export", period.key, reason or "", rows=n, with_text=with_text
        )

    await ctx.store.run(record)
    channel = await dm_channel(ctx, user_id)
    label = period_label(lang, period)
    await ctx.client.files_upload_v2(
        channel=channel,
        file=content.encode("utf-8"),
        filename=f"ch-cases-{period.key}{'-with-text' if with_text else ''}.csv",
        title=t(lang, "hr.export.title", period=label),
        initial_comment=t(lang, "hr.export.done", period=label, n=n),
    )
    log.info("hr export delivered: period=%s rows=%s with_text=%s", period.key, n, with_text)
