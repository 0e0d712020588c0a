"""Modals responders use to act on a case: lead, step note, message, close. Pure.

Each modal carries the case (and step) in private_metadata as a small JSON value;
who may act is checked again when it is submitted.
"""

from __future__ import annotations

from typing import Any

from bot.domain.case import Case
from bot.domain.handling import MAX_MESSAGE, MAX_NOTE, MAX_SUMMARY
from bot.domain.policy import Step
from bot.i18n import t
from bot.views.case_card import action_value
from bot.views.common import Block, context, modal, option, plain, section
from bot.views.ids import Callback
from bot.views.mrkdwn import escape

# Every input's element has this action_id; the block_id names the field.
VALUE = "value"


def input_block(
    block_id: str, label: str, element: dict[str, Any], *, optional: bool = False, hint: str = ""
) -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        "element": {**element, "action_id": VALUE},
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint, 2000)
    return block


def text_input(max_length: int, *, multiline: bool = True, initial: str = "") -> dict[str, Any]:
    # Slack accepts up to 3000; the server checks the length again on submission.
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "multiline": multiline,
        "max_length": max_length,
    }
    if initial:
        element["initial_value"] = initial[:max_length]
    return element


def action_modal(
    lang: str, callback: Callback, title_key: str, blocks: list[Block], meta: str
) -> dict[str, Any]:
    return modal(
        callback,
        t(lang, title_key),
        blocks,
        submit=t(lang, "act.modal.submit"),
        close=t(lang, "act.modal.cancel"),
        private_metadata=meta,
    )


def lead_modal(lang: str, case: Case, current: str | None, actor: str) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "users_select", "initial_user": current or actor}
    blocks = [
        section(t(lang, "act.lead.intro", case_no=case.case_no)),
        input_block("lead", t(lang, "act.lead.label"), element),
    ]
    return action_modal(
        lang, Callback.HAND_LEAD, "act.lead.title", blocks, action_value(case.case_no)
    )


def step_note_modal(lang: str, case: Case, step: Step) -> dict[str, Any]:
    blocks = [
        section(f"*{escape(step.title.get(lang))}*\n{escape(step.text.get(lang))}"),
        input_block(
            "note",
            t(lang, "act.step.note_label"),
            text_input(MAX_NOTE),
            hint=t(lang, "act.step.note_hint"),
        ),
    ]
    meta = action_value(case.case_no, step=step.id)
    return action_modal(lang, Callback.STEP_NOTE, "act.step.note_title", blocks, meta)


def message_modal(lang: str, case: Case) -> dict[str, Any]:
    sign = {
        "type": "checkboxes",
        "options": [option("sign", t(lang, "act.message.sign_option"))],
    }
    blocks = [
        section(t(lang, "act.message.intro", case_no=case.case_no)),
        input_block("text", t(lang, "act.message.label"), text_input(MAX_MESSAGE)),
        input_block("sign", t(lang, "act.message.sign_label"), sign, optional=True),
        context(t(lang, "act.message.privacy")),
    ]
    meta = action_value(case.case_no)
    return action_modal(lang, Callback.MESSAGE_EMPLOYEE, "act.message.title", blocks, meta)


def close_modal(lang: str, case: Case, checklist: Block | None = None) -> dict[str, Any]:
    """`checklist`: the line saying how much of the checklist is handled (issue 12)."""
    blocks = [
        section(t(lang, "act.close.intro", case_no=case.case_no)),
        *([checklist] if checklist else []),
        input_block("summary", t(lang, "act.close.label"), text_input(MAX_SUMMARY)),
        context(t(lang, "act.close.employee_told")),
    ]
    return action_modal(lang, Callback.CLOSE, "act.close.title", blocks, action_value(case.case_no))


def submitted(view: dict[str, Any], block_id: str) -> Any:
    """The submitted element state of an input, or {} (never trust Slack's shape)."""
    values = (view.get("state") or {}).get("values") or {}
    block = values.get(block_id) if isinstance(values, dict) else None
    found = block.get(VALUE) if isinstance(block, dict) else None
    return found if isinstance(found, dict) else {}


def submitted_text(view: dict[str, Any], block_id: str) -> str:
    value = submitted(view, block_id).get("value")
    return value.strip() if isinstance(value, str) else ""


def text_problem(text: str, limit: int) -> str | None:
    """The i18n key of what is wrong with a required free text, or None if it is fine."""
    if not text:
        return "error.required"
    return "error.too_long" if len(text) > limit else None


def submitted_choice(view: dict[str, Any], block_id: str) -> str:
    selected = submitted(view, block_id).get("selected_option")
    value = selected.get("value") if isinstance(selected, dict) else None
    return value if isinstance(value, str) else ""


def submitted_choices(view: dict[str, Any], block_id: str) -> list[str]:
    selected = submitted(view, block_id).get("selected_options")
    if not isinstance(selected, list):
        return []
    return [o["value"] for o in selected if isinstance(o, dict) and isinstance(o.get("value"), str)]


def submitted_user(view: dict[str, Any], block_id: str) -> str:
    value = submitted(view, block_id).get("selected_user")
    return value if isinstance(value, str) else ""
