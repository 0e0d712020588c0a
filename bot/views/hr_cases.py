"""HR's case views: the purpose modal, customer matches and
the access log. Pure builders; all user text escaped."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.stats import Access, CaseRef
from bot.i18n import t
from bot.views.common import Block, context, header, modal, section
from bot.views.counting import counted
from bot.views.hr_summary import case_link
from bot.views.ids import Callback
from bot.views.mrkdwn import escape, truncate, user
from bot.views.record_labels import dot

_USER_ID = re.compile(r"^[UW][A-Z0-9]+$")
PURPOSE_BLOCK = "purpose"
PURPOSE_MAX = 300
PURPOSE_MIN = 5


def _when(at: datetime, tz: ZoneInfo) -> str:
    return at.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def build_purpose_modal(lang: str, case_no: str) -> dict[str, Any]:
    blocks: list[Block] = [
        section(t(lang, "hr.show.intro", case_no=escape(case_no))),
        {
            "type": "input",
            "block_id": PURPOSE_BLOCK,
            "label": {"type": "plain_text", "text": t(lang, "hr.show.purpose")},
            "element": {
                "type": "plain_text_input",
                "action_id": "value",
                "min_length": PURPOSE_MIN,
                "max_length": PURPOSE_MAX,
                "placeholder": {"type": "plain_text", "text": t(lang, "hr.show.placeholder")},
            },
        },
    ]
    return modal(
        Callback.HR_PURPOSE,
        t(lang, "hr.show.title"),
        blocks,
        submit=t(lang, "hr.show.submit"),
        close=t(lang, "close"),
        private_metadata=json.dumps({"case": case_no[:20]}),
    )


def purpose_case_no(view: dict[str, Any]) -> str:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return ""
    value = data.get("case") if isinstance(data, dict) else None
    return value if isinstance(value, str) else ""


def purpose_text(view: dict[str, Any]) -> str:
    values = (view.get("state") or {}).get("values") or {}
    value = ((values.get(PURPOSE_BLOCK) or {}).get("value") or {}).get("value")
    return value.strip() if isinstance(value, str) else ""


def build_customer_cases(
    lang: str, found: Sequence[tuple[CaseRef, str, str, datetime]], tz: ZoneInfo, url: str
) -> tuple[str, list[Block]]:
    """(ref, status, severity, reported_at) newest first; the identifier is not echoed."""
    text = t(lang, "hr.customer.found", n=len(found))
    if not found:
        return text, [section(t(lang, "hr.customer.none"))]
    lines = [
        "• "
        + dot(lang).join(
            (case_link(ref, url), _when(at, tz), t(lang, f"severity.{sev}"),
             t(lang, f"status.{st}"))
        )
        for ref, st, sev, at in found
    ]
    blocks = [header(text)]
    blocks += [section("\n".join(lines[i : i + 15])) for i in range(0, len(lines), 15)]
    blocks.append(context(t(lang, "hr.customer.note")))
    return text, blocks


def build_audit(
    lang: str, period_label: str, total: int, rows: Sequence[Access], tz: ZoneInfo
) -> tuple[str, list[Block]]:
    text = counted(lang, "hr.audit.title", total, period=period_label)
    blocks: list[Block] = [header(text)]
    if not rows:
        return text, [*blocks, section(t(lang, "hr.audit.none"))]
    lines = []
    for a in rows:
        what = t(lang, f"hr.audit.{a.action}", target=escape(a.target))
        if a.action == "export" and a.detail.get("with_text"):
            what += " " + t(lang, "hr.audit.with_text")
        line = "• " + dot(lang).join((_when(a.at, tz), user(a.actor), what))
        if a.purpose:
            line += f"\n    _{escape(truncate(a.purpose, 200))}_"
        lines.append(line)
    blocks += [section("\n".join(lines[i : i + 8])) for i in range(0, len(lines), 8)]
    if total > len(rows):
        blocks.append(context(t(lang, "hr.audit.more", shown=len(rows), n=total)))
    return text, blocks
