"""Buttons on reminders (snooze) and on the employee's welfare check-in."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.context import AppContext
from bot.flows.snooze import snooze_reminder
from bot.flows.welfare import answer_checkin
from bot.slack.payloads import Press
from bot.slack.privately import Refused, refuse
from bot.views.reminders import SNOOZES
from bot.views.welfare import ANSWERS


def _where(body: dict[str, Any]) -> tuple[str | None, str | None]:
    channel = (body.get("channel") or {}).get("id")
    ts = (body.get("container") or {}).get("message_ts") or (body.get("message") or {}).get("ts")
    return channel, ts


def register(app: AsyncApp, ctx: AppContext) -> None:
    async def snooze(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        user_id = body["user"]["id"]
        channel, ts = _where(body)
        try:
            await snooze_reminder(
                ctx, user_id, action["action_id"], action.get("value"), channel, ts
            )
        except Refused as r:
            await refuse(ctx, Press(user_id, channel), r)

    async def welfare(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        user_id = body["user"]["id"]
        channel, ts = _where(body)
        try:
            await answer_checkin(
                ctx, user_id, action["action_id"], action.get("value"), channel, ts
            )
        except Refused as r:
            await refuse(ctx, Press(user_id, None), r)

    for action_id in SNOOZES:
        app.action(action_id)(snooze)
    for action_id in ANSWERS:
        app.action(action_id)(welfare)
