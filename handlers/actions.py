"""Buttons."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.context import AppContext
from bot.flows.details import open_add_info, show_details
from bot.slack.payloads import Press
from bot.slack.privately import Refused, refuse
from bot.views.ids import Action


def _channel(body: dict[str, Any]) -> str | None:
    channel = body.get("channel") or {}
    return channel.get("id") if isinstance(channel, dict) else None


def register(app: AsyncApp, ctx: AppContext) -> None:
    @app.action(Action.VIEW_DETAILS)
    async def view_details(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        user_id = body["user"]["id"]
        try:
            await show_details(ctx, user_id, action.get("value"), body["trigger_id"])
        except Refused as r:
            await refuse(ctx, Press(user_id, _channel(body)), r)

    @app.action(Action.ADD_INFO)
    async def add_info(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        user_id = body["user"]["id"]
        try:
            await open_add_info(ctx, user_id, action.get("value"), body["trigger_id"])
        except Refused as r:
            await refuse(ctx, Press(user_id, None), r)
