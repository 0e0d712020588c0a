"""Answering a modal submission: errors on the form, the next screen, or a refusal.

Errors and view updates can only travel in the submission's ack, so every modal
that validates answers the same way.

Responders' modals (`acked_in_budget`) check who may act before the ack, and Slack
shows an error if the ack takes more than 3 s, although the action may still complete.
So: look-ups before the ack use the quick client (no retry sleeps, short timeout; a
look-up that fails is an error on the form, nothing changed), and if the flow still
outlasts ACK_BUDGET the modal turns into a "still saving" screen (no submit button, so
it cannot be sent twice) and the responder is told privately how it ended: saved, or
not saved and why. Slack never shows a failure for something that then took effect.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck

from bot.context import AppContext
from bot.flows.done import Done
from bot.i18n import t
from bot.slack.payloads import Press
from bot.slack.people import before_ack
from bot.slack.privately import Refused, dm_privately, refuse
from bot.views.case_card import parse_action_value
from bot.views.saving import still_saving_view

log = logging.getLogger(__name__)
# Slack allows 3 s for the ack; the rest is the network's and Bolt's (as the report form).
ACK_BUDGET = 2.0


async def answer(ack: AsyncAck, done: Done) -> None:
    """Ack a submission with its Done: errors on the form, the next screen, or close."""
    if done.errors:
        await ack(response_action="errors", errors=done.errors)
    elif done.view is not None:
        await ack(response_action="update", view=done.view)
    else:
        await ack()


async def answer_flow(
    ack: AsyncAck, ctx: AppContext, user_id: str, flow: Awaitable[Done]
) -> None:
    """Run a modal flow that needs no card refresh and ack with what it gives."""
    try:
        done = await flow
    except Refused as r:
        await ack()  # the modal closes; the refusal arrives privately
        await refuse(ctx, Press(user_id, None), r)
        return
    await answer(ack, done)


async def acked_in_budget(
    ack: AsyncAck,
    ctx: AppContext,
    user_id: str,
    view: dict[str, Any],
    flow: Callable[[], Awaitable[Done]],
    budget: float = ACK_BUDGET,
) -> Done | None:
    """Run a responder's modal flow and ack within the budget; the Done if it took
    effect (the caller then refreshes the card), None if it did not."""
    with before_ack():  # the task copies this context: its look-ups use the quick client
        running = asyncio.ensure_future(flow())
    try:
        done = await asyncio.wait_for(asyncio.shield(running), timeout=budget)
    except TimeoutError:
        lang = await _lang(ctx, user_id)
        await ack(response_action="update", view=still_saving_view(lang))
        log.warning("submission outlasted the ack budget; the outcome is told privately")
        return await _told_late(ctx, user_id, view, running)
    await answer(ack, done)
    return None if done.errors else done


async def _told_late(
    ctx: AppContext, user_id: str, view: dict[str, Any], running: asyncio.Future[Done]
) -> Done | None:
    lang = await _lang(ctx, user_id)
    case_no = parse_action_value(view.get("private_metadata"))[0] or ""
    try:
        done = await running
    except Exception as e:  # the person must hear that it did not go through
        log.error("late submission failed: %s", type(e).__name__)
        await dm_privately(ctx, user_id, t(lang, "act.late.failed"))
        return None
    if done.errors:
        reason = " ".join(done.errors.values())
        text = t(lang, "act.late.not_saved", case_no=case_no, reason=reason)
        await dm_privately(ctx, user_id, text)
        return None
    await dm_privately(ctx, user_id, t(lang, "act.late.saved", case_no=case_no))
    return done


async def _lang(ctx: AppContext, user_id: str) -> str:
    with before_ack():  # never wait long here: the default language will do
        return await ctx.people.lang(user_id)
