"""Modal submissions."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.context import AppContext
from bot.flows.details import submit_add_info
from bot.flows.report import submit_report
from bot.views.ids import Callback
from handlers.submissions import answer


def register(app: AsyncApp, ctx: AppContext) -> None:
    @app.view(Callback.REPORT_FORM)
    async def report_submitted(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        # Validation errors and the "recorded" screen can only travel in this ack.
        # The case is committed before the ack, so an acknowledged report is never lost.
        result = await submit_report(ctx, body["user"]["id"], view)
        if result.errors:
            await ack(response_action="errors", errors=result.errors)
        else:
            await ack(response_action="update", view=result.recorded_view)

    @app.view(Callback.ADD_INFO)
    async def info_added(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        user_id = body["user"]["id"]
        await answer(ack, ctx, user_id, submit_add_info(ctx, user_id, view))
