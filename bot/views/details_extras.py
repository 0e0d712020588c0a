"""Issue 13's parts of View details: the reported message (its text, when, from whom)
and the person a report was filed for. Pure.

The person affected is shown under the rule for a named reporter: by name only when
the report may name people (show_name) and they agreed to it being reported; otherwise
"(kept confidential)", with their site or team, which responders need to act.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.domain.case import Case
from bot.domain.evidence import hide_reporter_id
from bot.domain.report import Behalf
from bot.domain.reported_message import Kept
from bot.i18n import t
from bot.views.common import Block, section
from bot.views.mrkdwn import escape, split_escaped, user

SECTION_CHARS = 2800


def reported_message_blocks(lang: str, case: Case, kept: list[Kept], tz: ZoneInfo) -> list[Block]:
    blocks: list[Block] = []
    for k in kept:
        who = t(lang, "shortcut.sender_customer" if k.sender_external else "shortcut.sender_other")
        when = k.at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        words = hide_reporter_id(k.text, case, t(lang, "evidence.id_hidden"))
        pieces = split_escaped(words, SECTION_CHARS) or ["—"]
        head = f"*{t(lang, 'shortcut.details', who=who, when=when)}*\n"
        blocks += [section(head + pieces[0]), *(section(p) for p in pieces[1:5])]
    return blocks


def behalf_details(lang: str, case: Case, behalf: Behalf | None) -> list[Block]:
    if behalf is None:
        return []
    named = case.show_name and behalf.agreed
    if named and behalf.user_id:
        who = user(behalf.user_id)
    elif named and behalf.name:
        who = escape(behalf.name)
    else:
        who = t(lang, "behalf.details_hidden")
    site = f" ・ {escape(behalf.site)}" if behalf.site else ""
    agreed = t(lang, "behalf.card_agreed" if behalf.agreed else "behalf.card_not_agreed")
    return [
        section(
            f"*{t(lang, 'behalf.details_person')}*\n{who}{site}\n"
            + t(lang, "behalf.card_line", agreed=agreed)
        )
    ]
