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
from bot.flows.hr_access import Tell, dm_channel, require_hr
from bot.i18n import t
from bot.views.hr_summary import period_label
from db import audit
from db.sealed import unseal
from db.stats import where

log = logging.getLogger(__name__)
PAGE = 2000
MIN_REASON = 5
COLUMNS = (
    "case_no", "reported_at", "occurred_at", "status", "severity", "categories",
    "contact_channel", "danger", "reporter_named", "counseling_ok", "repeat_count",
    "policy_version", "lead", "acknowledged_at", "closed_at", "minutes_to_ack",
    "minutes_to_close", "conclusion", "measures", "care_done", "retaliation_reported",
)  # fmt: skip
TEXT_COLUMNS = ("demand", "narrative")


def parse_args(text: str) -> tuple[str, str | None]:
    """("2026-Q3", reason or None) from "2026-Q3 with-text because ..."."""
    head, sep, reason = text.partition("with-text")
    return head.strip(), reason.strip() if sep else None


def _page(
    db: sqlite_utils.Database, period: tuple[Any, Any], after: tuple[str, int], with_text: bool
) -> list[dict[str, Any]]:
    cond, params = where("c.reported_at", period)
    has = set(db.table_names())
    conclusion = (
        "(SELECT conclusion FROM assessments a WHERE a.case_id = c.id ORDER BY version DESC"
        " LIMIT 1)"
        if "assessments" in has
        else "NULL"
    )
    measures = (
        "(SELECT group_concat(kind, ';') FROM measures m WHERE m.case_id = c.id AND"
        " (COALESCE(m.needs_confirmation, 0) = 0 OR m.confirmed_at IS NOT NULL))"
        if "measures" in has
        else "NULL"
    )
    care = (
        "EXISTS (SELECT 1 FROM case_steps s WHERE s.case_id = c.id AND s.step_id = 'care')"
        if "case_steps" in has
        else "0"
    )
    lead = "c.lead" if "lead" in db.table("cases").columns_dict else "NULL"
    rows = db.execute(
        f"""
        SELECT c.id, c.case_no, c.reported_at, c.occurred_at, c.status, c.severity,
          c.categories, c.contact_channel, c.danger, c.show_name, c.counseling_ok,
          c.repeat_count, c.policy_version, {lead}, c.acknowledged_at, c.closed_at,
          {conclusion}, {measures}, {care},
          (SELECT COUNT(*) FROM timeline t WHERE t.case_id = c.id
             AND t.event = 'retaliation_reported'),
          c.demand, c.narrative
        FROM cases c INDEXED BY idx_cases_reported_at
        WHERE {cond} AND (c.reported_at, c.id) > (?, ?)
        ORDER BY c.reported_at, c.id LIMIT ?
        """,
        [*params, *after, PAGE],
    ).fetchall()
    out = []
    for r in rows:
        row = dict(zip(("id", *COLUMNS[:15]), r[:16], strict=True))
        row.update(conclusion=r[16], measures=r[17], care_done=int(bool(r[18])))
        row["retaliation_reported"] = r[19]
        if with_text:
            row["demand"] = unseal(db, "cases.demand", r[20]) or ""
            row["narrative"] = unseal(db, "cases.narrative", r[21]) or ""
        out.append(row)
    return out


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
        page = await ctx.store.run(_page, (period.start, period.end), after, with_text)
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
