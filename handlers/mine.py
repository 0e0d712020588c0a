"""The employee's own case (issue 11 §3/§4): her consent, reopening, completing."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.context import AppContext
from bot.flows.report.mine import (
    after_change,
    complete_mine,
    open_consent,
    reopen_mine,
    submit_consent,
)
from bot.slack.payloads import Press
from bot.slack.privately import Refused, refuse
from bot.views.ids import Action, Callback
from handlers.listeners import AnswerIn, ButtonFlow, button
from handlers.submissions import answer

BUTTONS: dict[Action, ButtonFlow] = {
    Action.CONSENT: open_consent,
    Action.MY_REOPEN: reopen_mine,
    Action.MY_COMPLETE: complete_mine,
}


def register(app: AsyncApp, ctx: AppContext) -> None:
    for action_id, flow in BUTTONS.items():
        # In her DM or her App Home: a refusal is told in her DM.
        app.action(action_id)(button(ctx, flow, AnswerIn.DM))

    @app.view(Callback.CONSENT)
    async def consent_submitted(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        user_id = body["user"]["id"]
        try:
            done = await submit_consent(ctx, user_id, view)
        except Refused as r:
            await ack()  # the modal closes; the refusal arrives privately
            await refuse(ctx, Press(user_id, None), r)
            return
        await answer(ack, done)
        if done.case_id is not None:  # changed: the card, her DM, her App Home follow
            await after_change(ctx, user_id, done.case_id)
