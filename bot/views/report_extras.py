"""Parts of the report form added by issue 13: the reported message, shown at the top
when the form was opened from a message's shortcut, and the "filing for someone else"
questions. Pure Block Kit; bot/views/report_form.py places them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.report import BEHALF_AGREED, MAX_BEHALF
from bot.i18n import t
from bot.views.common import Block, context, header, option, plain, section
from bot.views.mrkdwn import escape, truncate

V = "value"
QUOTE_CHARS = 600  # enough to recognise the message; all of it is kept as evidence


@dataclass(frozen=True)
class FromMessage:
    """The message the form was opened from, as the employee sees it in the form."""

    token: str  # names the sealed copy kept while the form is open (db/reported_messages)
    link: str
    at: datetime
    when: str  # in the company's time zone, as the employee reads it
    sender_external: bool
    text: str  # as typed (entities resolved): escaped here before it is shown


def message_blocks(lang: str, src: FromMessage) -> list[Block]:
    who = t(lang, "shortcut.sender_customer" if src.sender_external else "shortcut.sender_other")
    quoted = "\n".join("> " + line for line in escape(truncate(src.text, QUOTE_CHARS)).split("\n"))
    return [
        section(t(lang, "shortcut.attached", who=who, when=src.when) + "\n" + (quoted or "> —")),
        context(t(lang, "shortcut.attached_hint")),
    ]


def behalf_blocks(lang: str) -> list[Block]:
    def field(block_id: str, key: str, element: dict[str, Any], hint: str = "") -> Block:
        block: Block = {
            "type": "input",
            "block_id": block_id,
            "label": plain(t(lang, key), 2000),
            "element": {"action_id": V, **element},
            "optional": True,
        }
        if hint:
            block["hint"] = plain(hint, 2000)
        return block

    text = {"type": "plain_text_input", "max_length": MAX_BEHALF}
    return [
        header(t(lang, "behalf.header")),
        context(t(lang, "behalf.hint")),
        field("behalf_name", "behalf.name", text),
        field("behalf_site", "behalf.site", text),
        field(
            "behalf_user",
            "behalf.user",
            {"type": "users_select", "placeholder": plain(t(lang, "form.choose"), 150)},
            hint=t(lang, "behalf.user_hint"),
        ),
        field(
            "behalf_agreed",
            "behalf.agreed",
            {
                "type": "radio_buttons",
                "options": [option(a, t(lang, f"behalf.agreed_{a}")) for a in BEHALF_AGREED],
            },
        ),
    ]
