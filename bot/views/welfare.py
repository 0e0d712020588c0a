"""The welfare check-in the employee receives some days after their case closed. Pure."""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from bot.i18n import t
from bot.views.common import Block, actions, button, context, section
from bot.views.counting import counted
from bot.views.ids import Action

ANSWERS = {
    Action.WELFARE_OK: "ok",
    Action.WELFARE_COUNSELING: "counseling",
    Action.WELFARE_WORSE: "worse",
}
WELFARE_BLOCK = "welfare.answers"


def welfare_value(reminder_id: int) -> str:
    return json.dumps({"w": reminder_id}, separators=(",", ":"))


def parse_welfare_value(value: Any) -> int | None:
    try:
        data = json.loads(value) if isinstance(value, str) else None
    except (ValueError, RecursionError):
        return None
    rid = data.get("w") if isinstance(data, dict) else None
    return rid if isinstance(rid, int) and not isinstance(rid, bool) else None


def build_checkin(
    lang: str, case_no: str, days: int, reminder_id: int, answered: Collection[str] = ()
) -> tuple[str, list[Block]]:
    """The check-in; answers already given are shown as thanks instead of a button."""
    text = counted(lang, "welfare.body", days, case_no=case_no)
    blocks: list[Block] = [section(f":seedling: *{t(lang, 'welfare.title')}*\n{text}")]
    open_buttons = [
        button(action, t(lang, f"welfare.answer_{answer}"), welfare_value(reminder_id))
        for action, answer in ANSWERS.items()
        if answer not in answered
    ]
    if open_buttons:
        blocks.append(actions(WELFARE_BLOCK, *open_buttons))
    for answer in ANSWERS.values():
        if answer in answered:
            blocks.append(context(t(lang, f"welfare.thanks_{answer}")))
    blocks.append(context(t(lang, "welfare.private")))
    return text, blocks
