"""A responder changes a case's severity, with a reason (issue 11)."""

from __future__ import annotations

from typing import Any

from bot.domain.case import Case
from bot.domain.severity import SEVERITIES
from bot.i18n import t
from bot.views.actions_modals import action_modal, input_block, text_input
from bot.views.case_card import action_value
from bot.views.common import option, plain, section
from bot.views.ids import Callback

MAX_REASON = 1000


def severity_modal(lang: str, case: Case) -> dict[str, Any]:
    options = [option(s, t(lang, f"severity.{s}")) for s in SEVERITIES]
    current = next(o for o in options if o["value"] == case.severity)
    now = t(lang, f"severity.{case.severity}")
    blocks = [
        section(t(lang, "urgent.sev.intro", case_no=case.case_no, severity=now)),
        input_block(
            "severity",
            t(lang, "urgent.sev.label"),
            {
                "type": "static_select",
                "placeholder": plain(t(lang, "form.choose"), 150),
                "options": options,
                "initial_option": current,
            },
        ),
        input_block("reason", t(lang, "urgent.sev.reason"), text_input(MAX_REASON)),
    ]
    meta = action_value(case.case_no)
    return action_modal(lang, Callback.SEVERITY, "urgent.sev.title", blocks, meta)
