"""Modals for a checklist that fits: a step that does not apply, a measure withdrawn or
rejected (each asks for a short reason), and the checklist line of the close modal. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.domain.case import Case
from bot.domain.handling import MAX_SHORT_REASON, Measure
from bot.domain.policy import Step
from bot.i18n import t
from bot.views.actions_modals import action_modal, input_block, text_input
from bot.views.case_card import action_value
from bot.views.common import Block, context, section
from bot.views.ids import Callback
from bot.views.mrkdwn import escape, user


def not_applicable_modal(lang: str, case: Case, step: Step) -> dict[str, Any]:
    blocks: list[Block] = [
        section(f"*{escape(step.title.get(lang))}*\n{escape(step.text.get(lang))}"),
        input_block(
            "reason",
            t(lang, "checklist.na_label"),
            text_input(MAX_SHORT_REASON, multiline=False),
            hint=t(lang, "checklist.na_hint"),
        ),
    ]
    meta = action_value(case.case_no, step=step.id)
    return action_modal(lang, Callback.STEP_NOT_APPLICABLE, "checklist.na_title", blocks, meta)


def measure_end_modal(lang: str, case: Case, measure: Measure, ending: str) -> dict[str, Any]:
    """Withdraw (the recorder) or reject (a second responder) a pending severe measure."""
    intro = t(
        lang,
        f"measure_end.{ending}_intro",
        measure=t(lang, f"act.measure.{measure.kind}"),
        user=user(measure.recorded_by),
        case_no=case.case_no,
    )
    blocks: list[Block] = [
        section(intro),
        input_block(
            "reason", t(lang, "measure_end.reason"), text_input(MAX_SHORT_REASON, multiline=True)
        ),
        context(t(lang, "measure_end.in_timeline")),
    ]
    meta = action_value(case.case_no, measure=measure.id, ending=ending)
    return action_modal(lang, Callback.MEASURE_END, f"measure_end.{ending}_title", blocks, meta)


def checklist_line(lang: str, handled: int, total: int, open_titles: Sequence[str]) -> Block:
    """For the close modal: how much of the checklist is handled, and what is still open
    (steps marked not applicable are handled, so they are not listed)."""
    if not open_titles:
        return context(t(lang, "checklist.close_all", handled=handled, total=total))
    names = "、".join if lang == "ja" else ", ".join
    return context(
        t(
            lang,
            "checklist.close_open",
            handled=handled,
            total=total,
            steps=escape(names(open_titles)),
        )
    )
