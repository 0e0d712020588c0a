"""The pseudonymous case card in the responders channel, and its details modal.

The card carries only what responders need to pick the case up: no narrative, no
customer identifiers, and the reporter's name only when they agreed.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.case import Case, EarlierCase
from bot.domain.policy import Policy
from bot.i18n import t
from bot.views.common import Block, actions, button, context, header, modal, section
from bot.views.ids import Action, Callback
from bot.views.mrkdwn import escape, link, user

SEVERITY_EMOJI = {
    "urgent": ":rotating_light:",
    "high": ":red_circle:",
    "medium": ":large_orange_circle:",
    "low": ":white_circle:",
}


def permalink(workspace_url: str, channel: str, ts: str) -> str:
    """Slack's documented message link format; saves a chat.getPermalink call per case."""
    return f"{workspace_url.rstrip('/')}/archives/{channel}/p{ts.replace('.', '')}"


def ordinal(lang: str, n: int) -> str:
    if lang == "ja":
        return f"{n}件目"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def repeat_line(
    lang: str, case: Case, earlier: list[EarlierCase], workspace_url: str, window_days: int
) -> str | None:
    if not case.repeat_count:
        return None
    links = [
        link(permalink(workspace_url, e.card_channel, e.card_ts), e.case_no)
        if e.card_channel and e.card_ts
        else escape(e.case_no)
        for e in earlier[-10:]
    ]
    return t(
        lang,
        "card.repeat",
        nth=ordinal(lang, case.repeat_count + 1),
        days=window_days,
        cases=", ".join(links),
    )


def reporter_text(lang: str, case: Case) -> str:
    return user(case.reporter_id) if case.show_name else t(lang, "card.confidential")


def _when(case: Case, tz: ZoneInfo) -> str:
    return case.occurred_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def build_card(
    lang: str, case: Case, policy: Policy, tz: ZoneInfo, repeat: str | None
) -> tuple[str, list[Block]]:
    """(fallback text, blocks). The fallback text is what notifications show."""
    sev = t(lang, f"severity.{case.severity}")
    cats = ", ".join(policy.category(c).label.get(lang) for c in case.categories)
    fields = [
        (t(lang, "card.severity"), f"{SEVERITY_EMOJI.get(case.severity, '')} {sev}"),
        (t(lang, "card.status"), t(lang, f"status.{case.status}")),
        (t(lang, "card.categories"), escape(cats)),
        (
            t(lang, "card.contact_channel"),
            escape(policy.contact_channel(case.contact_channel).label.get(lang)),
        ),
        (t(lang, "card.reporter"), reporter_text(lang, case)),
        (t(lang, "card.occurred"), _when(case, tz)),
    ]
    blocks: list[Block] = [
        header(t(lang, "card.title", case_no=case.case_no, severity=sev)),
        {
            "type": "section",
            "fields": [{"type": "mrkdwn", "text": f"*{k}*\n{v}"} for k, v in fields],
        },
    ]
    if case.happening_now:
        blocks.append(section(t(lang, "card.happening_now")))
    if repeat:
        blocks.append(section(f":repeat: {repeat}"))
    blocks.append(
        actions(
            "case_card",
            button(Action.VIEW_DETAILS, t(lang, "card.view_details"), value=case_value(case)),
        )
    )
    blocks.append(context(t(lang, "card.policy_version", version=escape(case.policy_version))))
    return t(lang, "card.fallback", case_no=case.case_no, severity=sev), blocks


def case_value(case: Case) -> str:
    """Button values carry the case number only; who may act is checked on every press."""
    return json.dumps({"case": case.case_no})


def parse_case_value(value: Any) -> str | None:
    try:
        data = json.loads(value) if isinstance(value, str) else None
    except ValueError:
        return None
    case_no = data.get("case") if isinstance(data, dict) else None
    return case_no if isinstance(case_no, str) and len(case_no) <= 20 else None


def build_details_modal(
    lang: str, case: Case, policy: Policy, tz: ZoneInfo, additions: list[tuple[datetime, str]]
) -> dict[str, Any]:
    """The narrative, shown only to responders and HR, on demand (each viewing is logged)."""

    def row(key: str, value: str) -> Block:
        return section(f"*{t(lang, key)}*\n{value or '—'}")

    cats = ", ".join(policy.category(c).label.get(lang) for c in case.categories)
    blocks: list[Block] = [
        header(case.case_no),
        row("card.occurred", _when(case, tz)),
        row(
            "card.contact_channel",
            escape(policy.contact_channel(case.contact_channel).label.get(lang)),
        ),
        row("card.categories", escape(cats)),
        row("details.danger", t(lang, f"danger.{case.danger}")),
        row("card.reporter", reporter_text(lang, case)),
        row("details.counseling_ok", t(lang, "yes" if case.counseling_ok else "no")),
        row("details.demand", escape(case.demand)),
    ]
    # The narrative can be up to 3000 characters; after escaping it may grow, so split.
    text = escape(case.narrative)
    label = f"*{t(lang, 'details.narrative')}*\n"
    chunks = [text[i : i + 2800] for i in range(0, len(text), 2800)] or [""]
    blocks.append(section(label + chunks[0]))
    blocks += [section(c) for c in chunks[1:]]
    evidence = [escape(u) for u in (*case.evidence_files, *case.evidence_links)]
    blocks.append(row("details.evidence", "\n".join(evidence)))
    for when, text in additions[-10:]:
        stamp = when.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        blocks.append(section(f"*{t(lang, 'details.additions')}* ({stamp})\n{escape(text)[:2800]}"))
    blocks.append(context(t(lang, "details.audited")))
    return modal(Callback.CASE_DETAILS, t(lang, "details.title"), blocks, close=t(lang, "close"))
