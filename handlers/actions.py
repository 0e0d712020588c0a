"""Buttons on the employee's own report: its details, and "Add information"."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.context import AppContext
from bot.flows.report.behalf import take_over
from bot.flows.report.details import open_add_info, show_details
from bot.views.ids import Action
from handlers.listeners import AnswerIn, ButtonFlow, button

BUTTONS: dict[Action, tuple[ButtonFlow, AnswerIn]] = {
    Action.VIEW_DETAILS: (show_details, AnswerIn.CHANNEL),
    Action.ADD_INFO: (open_add_info, AnswerIn.DM),
    Action.TAKE_OVER: (take_over, AnswerIn.DM),
}


def register(app: AsyncApp, ctx: AppContext) -> None:
    for action_id, (flow, answer_in) in BUTTONS.items():
        app.action(action_id)(button(ctx, flow, answer_in))
