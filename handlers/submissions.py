"""Answering a modal submission: errors on the form, the next screen, or a refusal.

Errors and view updates can only travel in the submission's ack, so every modal
that validates answers the same way.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from slack_bolt.async_app import AsyncAck

from bot.context import AppContext
from bot.flows.privately import Refused, tell_privately

# (errors by block_id, None) or (None, the next view)
Outcome = tuple[dict[str, str] | None, dict[str, Any] | None]


async def answer(ack: AsyncAck, ctx: AppContext, user_id: str, outcome: Awaitable[Outcome]) -> None:
    try:
        errors, view = await outcome
    except Refused as r:
        await ack()  # the modal closes; the refusal arrives privately
        await tell_privately(ctx, user_id, None, r.key)
        return
    if errors:
        await ack(response_action="errors", errors=errors)
    else:
        assert view is not None, "a submission without errors must give the next view"
        await ack(response_action="update", view=view)
