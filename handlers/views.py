"""Modal submissions."""

from __future__ import annotations

import asyncio
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.context import AppContext
from bot.domain.severity import HAPPENING_NOW
from bot.flows.details import submit_add_info
from bot.flows.report import Submission, submit_report
from bot.views.confirmation import build_recording_view
from bot.views.ids import Callback
from bot.views.report_form import metadata_lang, parse_report_form
from handlers.submissions import answer

# Slack allows 3 s for the ack; the rest is the network's and Bolt's.
ACK_BUDGET = 2.0


def register(app: AsyncApp, ctx: AppContext) -> None:
    still_storing: set[asyncio.Task[Submission]] = set()

    @app.view(Callback.REPORT_FORM)
    async def report_submitted(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        # Validation errors and the "recorded" screen can only travel in this ack, and
        # the case is committed before it, so an acknowledged report is never lost.
        # Slack waits 3 s for the ack: if storing takes longer (a database held by a
        # backup, a burst of reports), the employee is told it is being recorded and
        # the commit carries on; its number follows in the private confirmation.
        storing = asyncio.ensure_future(submit_report(ctx, body["user"]["id"], view))
        try:
            result = await asyncio.wait_for(asyncio.shield(storing), timeout=ACK_BUDGET)
        except TimeoutError:
            still_storing.add(storing)  # keep a reference until it is done
            storing.add_done_callback(still_storing.discard)
            draft = parse_report_form(view.get("state"))
            lang = metadata_lang(view.get("private_metadata"), ctx.config.language)
            await ack(
                response_action="update",
                view=build_recording_view(
                    lang, ctx.policy, draft.danger in HAPPENING_NOW, draft.contact_channel
                ),
            )
            return
        if result.errors:
            await ack(response_action="errors", errors=result.errors)
        else:
            await ack(response_action="update", view=result.recorded_view)

    @app.view(Callback.ADD_INFO)
    async def info_added(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        user_id = body["user"]["id"]
        await answer(ack, ctx, user_id, submit_add_info(ctx, user_id, view))
