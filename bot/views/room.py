"""What the private case channel shows: the summary the bot posts when it opens, and
the notice when the case closes. Pure; never the narrative, demand or evidence."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.domain.case import Case
from bot.i18n import t
from bot.views.common import Block, context, section
from bot.views.mrkdwn import link, user
from bot.views.record_labels import comma


def room_name(case_no: str) -> str:
    """`ch-2026-0042`: from the case number only, never a customer or an employee.
    Slack's channel names are lower case; the number may already start with CH-."""
    base = case_no.lower()
    return base if base.startswith("ch-") else f"ch-{base}"


def room_intro(
    lang: str, case: Case, tz: ZoneInfo, card_link: str | None, invited: list[str]
) -> tuple[str, list[Block]]:
    card = link(card_link, case.case_no) if card_link else "—"
    text = t(
        lang,
        "room.intro",
        case_no=case.case_no,
        severity=t(lang, f"severity.{case.severity}"),
        status=t(lang, f"status.{case.status}"),
        when=case.reported_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
        card=card,
    )
    people = comma(lang).join(user(u) for u in invited)
    note = t(lang, "room.invited", people=people) if invited else t(lang, "room.none_invited")
    return text, [section(text), context(note)]


def room_closing(lang: str, case_no: str, archive: bool) -> str:
    return t(lang, "room.closing_archived" if archive else "room.closing_kept", case_no=case_no)
