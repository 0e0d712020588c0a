"""The first modal of /report-ch (issue 11): "happening now" in one tap, or the form.

The tap answers within Slack's budget: the case is committed (or journaled) first,
then the modal turns into the safety screen. Buttons in a modal carry the view (its
id and state); a press without one (never sent by Slack) is acked and ignored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError

from bot.context import AppContext
from bot.flows.case.guard import refresh_case
from bot.flows.report import urgent
from bot.flows.report.intake import Intake
from bot.slack.errors import error_name
from bot.views.ids import Action, Callback

log = logging.getLogger(__name__)
# Slack allows 3 s for a submission's ack; the rest is the network's and Bolt's.
ACK_BUDGET = 2.0
# A button's ack goes first; the safety screen follows by views.update, which needs
# no trigger, so the commit may take a little longer before it.
TAP_BUDGET = 2.0


def _in_view(body: dict[str, Any]) -> dict[str, Any] | None:
    view = body.get("view")
    return view if isinstance(view, dict) and isinstance(view.get("id"), str) else None


def register(app: AsyncApp, ctx: AppContext, intake: Intake) -> None:
    async def update(view: dict[str, Any], new: dict[str, Any]) -> None:
        try:
            await ctx.client.views_update(view_id=view["id"], view=new)
        except SlackApiError as e:  # the modal was closed meanwhile: nothing to show
            log.warning("report modal not updated: %s", error_name(e))

    @app.action(Action.URGENT)
    async def happening_now(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        view = _in_view(body)
        if view is not None:
            user_id = body["user"]["id"]
            await update(view, await urgent.tap(ctx, intake, user_id, view, TAP_BUDGET))

    @app.view(Callback.REPORT_START)
    async def start_submitted(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        # The submit button is the same choice as the big one (Enter, a keyboard user).
        safety = await urgent.tap(ctx, intake, body["user"]["id"], view, ACK_BUDGET)
        await ack(response_action="update", view=safety)

    @app.view(Callback.URGENT_WHERE)
    async def where_submitted(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        # "Tell the helper where you are" (issue 11): committed before the ack; the
        # card, the summons and the helpers' DMs are redrawn after it.
        done = await urgent.tell_where(ctx, body["user"]["id"], view)
        if done.errors:
            await ack(response_action="errors", errors=done.errors)
            return
        await ack(response_action="update", view=done.view)
        if done.case_id is not None:
            await refresh_case(ctx, done.case_id)

    def becomes(build: Callable[[AppContext, dict[str, Any]], dict[str, Any]]) -> Any:
        async def listener(ack: AsyncAck, body: dict[str, Any]) -> None:
            await ack()
            view = _in_view(body)
            if view is not None:
                await update(view, build(ctx, view))

        return listener

    app.action(Action.REPORT_FULL)(becomes(urgent.full_form))

    @app.action(Action.COMPLETE_REPORT)
    async def complete_pressed(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        view = _in_view(body)
        if view is not None:  # her consent as it is now: read from the case
            await update(view, await urgent.completing_form(ctx, body["user"]["id"], view))
