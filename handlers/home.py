"""The App Home tab: publishing it when opened, and its report button."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.context import AppContext
from bot.flows.home import publish_home
from bot.flows.report.filing import open_report_form
from bot.views.ids import Action


def register(app: AsyncApp, ctx: AppContext) -> None:
    @app.event("app_home_opened")
    async def home_opened(event: dict[str, Any]) -> None:
        # Republishing is idempotent, so a retried delivery needs no deduplication.
        user_id = event.get("user")
        if event.get("tab", "home") == "home" and isinstance(user_id, str):
            await publish_home(ctx, user_id)

    @app.action(Action.HOME_REPORT)
    async def report(ack: AsyncAck, body: dict[str, Any]) -> None:
        # The same form as /report-ch; views.open right after the ack (3 s trigger).
        await ack()
        await open_report_form(ctx, body["user"]["id"], body["trigger_id"], prefill="")
