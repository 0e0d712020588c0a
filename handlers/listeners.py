"""The one wrapper every button listener goes through: ack first, then the flow; a
refusal is answered privately. Each handler module is a table of action ID -> flow."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any

from slack_bolt.async_app import AsyncAck

from bot.context import AppContext
from bot.slack.payloads import Press, press_of
from bot.slack.privately import Refused, refuse

ButtonFlow = Callable[[AppContext, Press, Any], Awaitable[None]]


class AnswerIn(Enum):
    """Where a refusal is told: where the button was (its thread, if any), in its
    channel, or in the person's DM (the Home tab and DMs have no thread to answer in)."""

    PLACE = "place"
    CHANNEL = "channel"
    DM = "dm"


def button(
    ctx: AppContext, flow: ButtonFlow, answer_in: AnswerIn = AnswerIn.PLACE
) -> Callable[..., Awaitable[None]]:
    async def listener(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()  # within 3 s, before any Web API call
        press = press_of(body, action)
        try:
            await flow(ctx, press, action.get("value"))
        except Refused as r:
            where = {
                AnswerIn.PLACE: press,
                AnswerIn.CHANNEL: press.in_channel(),
                AnswerIn.DM: press.in_dm(),
            }[answer_in]
            await refuse(ctx, where, r)

    return listener
