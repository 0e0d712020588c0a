"""`/ch-cases export [period] [with-text <reason>]`: one row per case, to HR's DM, as a
CSV and as an Excel workbook (a summary sheet and a cases sheet).

Headers and values are in HR's language, people by name, times in the company's zone
(bot/views/hr_export_table.py); what each column means is written in the workbook.
Free text (the employee's words, reasons, the closing summary and lessons) is included
only when HR asks for it with a stated reason, which is recorded in the audit log.
Rows are read in pages of PAGE by (reported_at, id), so a large export never holds
the store thread for long: reports being filed meanwhile are not kept waiting.
"""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import tempfile
from pathlib import Path

import sqlite_utils

from bot.context import AppContext
from bot.domain.case_record import CaseRecord
from bot.domain.periods import Period, PeriodError, parse_period
from bot.flows.hr.access import Tell, dm_channel, require_hr
from bot.i18n import t
from bot.slack.people import LookupFailed
from bot.views.counting import cases
from bot.views.hr_export_table import columns, csv_cell, row
from bot.views.hr_summary import period_label
from bot.views.hr_xlsx import Tally, Workbook
from db import audit
from db.case_record import page

log = logging.getLogger(__name__)
PAGE = 2000  # rows per store call: a long export never holds the store thread long
MIN_REASON = 5


def parse_args(text: str) -> tuple[str, str | None]:
    """("2026-Q3", reason or None) from "2026-Q3 with-text because ..."."""
    head, sep, reason = text.partition("with-text")
    return head.strip(), reason.strip() if sep else None


async def _names(ctx: AppContext, records: list[CaseRecord], names: dict[str, str]) -> None:
    """Full names of the people who acted (users.info, cached); the ID if Slack
    does not answer, so the row still says who."""
    for person in sorted(set().union(*(r.people() for r in records)) - set(names)):
        try:
            info = await ctx.people.user(person)
            names[person] = info.real_name or info.name
        except LookupFailed:
            names[person] = person


async def build_files(
    ctx: AppContext, period: Period, lang: str, with_text: bool, folder: Path
) -> tuple[bytes, bytes, int]:
    """(the CSV, the workbook, rows). The employees' words never go to `folder`."""
    # Every step of every version a case may be under: a step only an older version has
    # still gets its column (its cases were handled under it).
    cols = columns(lang, ctx.policies.titles(), with_text)
    buf = io.StringIO()
    buf.write("\ufeff")  # a BOM: Excel in Japan opens UTF-8 CSV correctly only with it
    writer = csv.writer(buf)
    writer.writerow([c.header for c in cols])
    book = Workbook(lang, cols, None if with_text else folder)
    tally, names = Tally(), dict[str, str]()
    after: tuple[str, int] | None = ("", 0)
    while after is not None:
        found, after = await ctx.store.run(page, (period.start, period.end), after, PAGE, with_text)
        await _names(ctx, found, names)
        for record in found:
            cells = row(lang, record, cols, ctx.policy_of(record.case), ctx.config.timezone, names)
            writer.writerow([csv_cell(v) for v in cells])
            book.add(cells)
            tally.add(record)
    made_at = ctx.clock.now().astimezone(ctx.config.timezone)
    label = period_label(lang, period)
    # Compressing the workbook takes a moment for a large export: off the event loop.
    # Labels from every version: a channel or conclusion only an older one has.
    labels = ctx.policies.labels()
    workbook = await asyncio.to_thread(book.finish, tally, labels, label, made_at, with_text)
    return buf.getvalue().encode("utf-8"), workbook, tally.total


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
    with tempfile.TemporaryDirectory(prefix="ch-export-") as folder:
        content, workbook, n = await build_files(ctx, period, lang, with_text, Path(folder))
    # Recorded before the file leaves: an export that failed to arrive is still an export.
    now = ctx.clock.now()

    def record(db: sqlite_utils.Database) -> int:
        return audit.record(
            db, now, user_id, "export", period.key, reason or "", rows=n, with_text=with_text
        )

    await ctx.store.run(record)
    channel = await dm_channel(ctx, user_id)
    label = period_label(lang, period)
    name = f"ch-cases-{period.key}{'-with-text' if with_text else ''}"
    title = t(lang, "hr.export.title", period=label)
    await ctx.client.files_upload_v2(
        channel=channel,
        file_uploads=[
            {"file": workbook, "filename": f"{name}.xlsx", "title": f"{title} (Excel)"},
            {"file": content, "filename": f"{name}.csv", "title": f"{title} (CSV)"},
        ],
        initial_comment=t(lang, "hr.export.done", period=label, cases=cases(lang, n)),
    )
    log.info("hr export delivered: period=%s rows=%s with_text=%s", period.key, n, with_text)
