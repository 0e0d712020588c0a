"""The private message to the colleague a report was filed for (issue 13): which case,
and a button to take over the conversation with the response team. It names neither
the filer nor anything from the report."""

from __future__ import annotations

import json
from typing import Any

from bot.i18n import t
from bot.views.common import actions, button, section
from bot.views.ids import Action


def build_behalf_notice(lang: str, case_no: str) -> tuple[str, list[dict[str, Any]]]:
    text = t(lang, "behalf.told", case_no=case_no)
    blocks = [
        section(text),
        actions(
            "behalf",
            button(
                Action.TAKE_OVER,
                t(lang, "behalf.take_over"),
                value=json.dumps({"case": case_no}),
                style="primary",
            ),
        ),
    ]
    return text, blocks
