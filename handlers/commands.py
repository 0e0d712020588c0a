"""Slash commands."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.context import AppContext
from bot.flows.report.filing import open_report_form
from bot.views.ids import Command


def register(app: AsyncApp, ctx: AppContext) -> None:
    @app.command(Command.REPORT)
    async def report(ack: AsyncAck, command: dict[str, Any]) -> None:
        # Ack first, then views.open: the trigger expires 3 s after Slack sent it.
        await ack()
        await open_report_form(
            ctx,
            command["user_id"],
            command["trigger_id"],
            prefill=str(command.get("text") or "").strip(),
        )
