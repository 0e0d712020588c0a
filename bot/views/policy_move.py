"""Moving an open case to the current policy version: the modal that shows what would
change and asks for the reason (issue 12 §4; the card's line is in case_card). Pure."""

from __future__ import annotations

from typing import Any

from bot.domain.case import Case
from bot.domain.handling import MAX_SHORT_REASON
from bot.domain.policy import Policy
from bot.domain.policy_versions import StepChange, step_changes
from bot.i18n import t
from bot.views.actions_modals import action_modal, input_block, text_input
from bot.views.case_card import action_value
from bot.views.common import Block, context, section
from bot.views.ids import Callback
from bot.views.mrkdwn import escape


def change_lines(lang: str, changes: list[StepChange]) -> list[str]:
    """One line per step added, removed or changed (what changed named)."""
    lines = []
    for c in changes:
        title = escape(c.title.get(lang))
        if c.change == "changed":
            what = "、" if lang == "ja" else ", "
            fields = what.join(t(lang, f"policy_move.field_{f}") for f in c.fields)
            lines.append(t(lang, "policy_move.changed", step=title, fields=fields))
        else:
            lines.append(t(lang, f"policy_move.{c.change}", step=title))
    return lines


def move_modal(lang: str, case: Case, old: Policy, new: Policy) -> dict[str, Any]:
    lines = change_lines(lang, step_changes(old, new)) or [t(lang, "policy_move.no_step_change")]
    intro = t(lang, "policy_move.intro", case_no=case.case_no,
              version=escape(old.version), current=escape(new.version))  # fmt: skip
    blocks: list[Block] = [
        section(intro),
        section("\n".join(f"• {line}" for line in lines)[:2900]),
        context(t(lang, "policy_move.kept")),
        input_block(
            "reason",
            t(lang, "policy_move.reason"),
            text_input(MAX_SHORT_REASON, multiline=True),
            hint=t(lang, "policy_move.reason_hint"),
        ),
    ]
    meta = action_value(case.case_no, version=old.version)
    return action_modal(lang, Callback.MOVE_POLICY, "policy_move.title", blocks, meta)

