"""`/ch-oncall`: who is on duty; HR's `override <rotation> @person until <time>`,
`overrides` (the list) and `cancel <number or rotation>`; a responder's `sign on|off`."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.context import AppContext
from bot.flows.oncall import set_override, show_oncall
from bot.flows.oncall_overrides import cancel_override, list_overrides
from bot.flows.signing import sign_command
from bot.i18n import t
from bot.slack.privately import Refused
from bot.views.ids import Command


def register(app: AsyncApp, ctx: AppContext) -> None:
    @app.command(Command.ONCALL)
    async def oncall(ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond) -> None:
        # Ack first: the membership check may call Slack, and the ack must come within 3 s.
        await ack()
        user_id = command["user_id"]
        text = str(command.get("text") or "").strip()
        try:
            word = text.split(maxsplit=1)[0].lower() if text else ""
            if word == "override":
                reply, blocks = await set_override(ctx, user_id, text)
            elif word == "overrides":
                reply, blocks = await list_overrides(ctx, user_id)
            elif word == "cancel":
                reply, blocks = await cancel_override(ctx, user_id, text)
            elif word == "sign":
                reply, blocks = await sign_command(ctx, user_id, text)
            elif text:
                raise Refused("oncall.usage")
            else:
                reply, blocks = await show_oncall(ctx, user_id)
        except Refused as r:
            lang = await ctx.people.lang(user_id)
            names = ", ".join(ctx.config.rotations)
            await respond(text=t(lang, r.key, **{"names": names, **r.params}))
            return
        await respond(text=reply, blocks=blocks)
