"""Buttons on reminders (snooze) and on the employee's welfare check-in."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.context import AppContext
from bot.flows.reminders.snooze import snooze_reminder
from bot.flows.reminders.welfare import answer_checkin
from bot.views.reminders import SNOOZES
from bot.views.welfare import ANSWERS
from handlers.listeners import AnswerIn, ButtonFlow, button

BUTTONS: dict[str, tuple[ButtonFlow, AnswerIn]] = {
    **{action_id: (snooze_reminder, AnswerIn.CHANNEL) for action_id in SNOOZES},
    **{action_id: (answer_checkin, AnswerIn.DM) for action_id in ANSWERS},
}


def register(app: AsyncApp, ctx: AppContext) -> None:
    for action_id, (flow, answer_in) in BUTTONS.items():
        app.action(action_id)(button(ctx, flow, answer_in))
