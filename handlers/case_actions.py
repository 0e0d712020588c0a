"""Responders' buttons and modals on a case: ack first, then the flow, then the card."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.context import AppContext
from bot.flows.case import actions as flows
from bot.flows.case import (
    checklist,
    conversation,
    decisions,
    employee_messages,
    evidence,
    helper,
    policy_version,
    room,
    severity,
)
from bot.flows.case.guard import refresh_case
from bot.flows.done import Done
from bot.views.ids import OPEN_EVIDENCE_IDS, Action, Callback
from handlers.listeners import ButtonFlow, button
from handlers.submissions import acked_in_budget

ViewFlow = Callable[[AppContext, str, dict[str, Any]], Awaitable[Done]]

BUTTONS: dict[Action, ButtonFlow] = {
    Action.ACK: flows.acknowledge,
    Action.TAKE_LEAD: flows.take_lead,
    Action.HAND_LEAD: flows.open_hand_lead,
    Action.STEP_DONE: flows.step_done,
    Action.STEP_UNDO: flows.step_undo,
    Action.ASSESSMENT: decisions.open_assessment,
    Action.MEASURE: decisions.open_measure,
    Action.CONFIRM_MEASURE: decisions.confirm_measure,
    Action.MESSAGE_EMPLOYEE: employee_messages.open_message,
    Action.CLOSE: flows.open_close,
    Action.REOPEN: flows.reopen,
    Action.TIMELINE: flows.show_timeline,
    Action.STEP_NOT_APPLICABLE: checklist.step_not_applicable,
    Action.WITHDRAW_MEASURE: checklist.open_withdraw,
    Action.REJECT_MEASURE: checklist.open_reject,
    Action.OPEN_ROOM: room.open_room,
    Action.HELPER_GOING: helper.going,
    Action.CHANGE_SEVERITY: severity.open_severity,
    Action.MOVE_POLICY: policy_version.open_move,
    Action.OPEN_CONVERSATION: conversation.open_conversation,
}

SUBMISSIONS: dict[Callback, ViewFlow] = {
    Callback.HAND_LEAD: flows.submit_hand_lead,
    Callback.STEP_NOTE: flows.submit_step_note,
    Callback.ASSESSMENT: decisions.submit_assessment,
    Callback.MEASURE: decisions.submit_measure,
    Callback.MESSAGE_EMPLOYEE: employee_messages.submit_message,
    Callback.CLOSE: flows.submit_close,
    Callback.STEP_NOT_APPLICABLE: checklist.submit_not_applicable,
    Callback.MEASURE_END: checklist.submit_measure_end,
    Callback.SEVERITY: severity.submit_severity,
    Callback.MOVE_POLICY: policy_version.submit_move,
}


def _submission(ctx: AppContext, flow: ViewFlow) -> Callable[..., Awaitable[None]]:
    async def listener(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        # Errors can only travel in the ack, so the checks and the commit come first,
        # within the ack budget (handlers/submissions.py); the card update follows.
        user_id = body["user"]["id"]
        done = await acked_in_budget(ack, ctx, user_id, view, lambda: flow(ctx, user_id, view))
        if done is None:
            return
        if done.deliveries:
            ctx.kick_deliveries()
        if done.case_id is not None:
            await refresh_case(ctx, done.case_id)

    return listener


def register(app: AsyncApp, ctx: AppContext) -> None:
    for action_id, flow in BUTTONS.items():
        app.action(action_id)(button(ctx, flow))
    # Evidence: one Open button per file, numbered (bot/views/ids.py evidence_action).
    app.action(OPEN_EVIDENCE_IDS)(button(ctx, evidence.open_evidence))
    for callback_id, view_flow in SUBMISSIONS.items():
        app.view(callback_id)(_submission(ctx, view_flow))
