"""`/ch-hold set CH-… reason` and `/ch-hold release CH-…`: legal holds, HR only."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.context import AppContext
from bot.flows.retention import hold_command
from bot.i18n import t
from bot.slack.privately import Refused

COMMAND = "/ch-hold"


def register(app: AsyncApp, ctx: AppContext) -> None:
    @app.command(COMMAND)
    async def hold(ack: AsyncAck, respond: AsyncRespond, command: dict[str, Any]) -> None:
        await ack()
        user_id = str(command.get("user_id") or "")
        text = command.get("text")
        try:
            key, params = await hold_command(ctx, user_id, text if isinstance(text, str) else "")
        except Refused as r:
            key, params = r.key, {}
        lang = await ctx.people.lang(user_id)
        # Seen only by the person who typed it: a hold names a case in dispute.
        await respond(text=t(lang, key, **params), response_type="ephemeral")
