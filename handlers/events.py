"""Message events: the first human reply in a case thread, and the employee's DMs.

Slack retries event deliveries (up to 3 times) and Bolt does not deduplicate them,
so every event_id is recorded once and a repeat is dropped.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.context import AppContext
from bot.flows.employee_messages import employee_wrote
from bot.flows.thread_replies import thread_reply
from db.handling import first_time_event

log = logging.getLogger(__name__)
# Subtypes that are a person writing; edits, joins, bot posts and deletions are not.
HUMAN_SUBTYPES = (None, "file_share", "thread_broadcast")


def register(app: AsyncApp, ctx: AppContext) -> None:
    @app.event("message")
    async def on_message(body: dict[str, Any], event: dict[str, Any]) -> None:
        # Our own posts come back as events too: ignore anything a bot wrote.
        if event.get("bot_id") or event.get("subtype") not in HUMAN_SUBTYPES:
            return
        user_id = event.get("user")
        if not isinstance(user_id, str):
            return
        event_id = str(body.get("event_id") or "")
        if event_id and not await ctx.store.run(first_time_event, event_id, ctx.clock.now()):
            log.info("event seen before, dropped: type=message")
            return
        if event.get("channel_type") == "im":
            await employee_wrote(ctx, user_id, event)
        elif event.get("channel") == ctx.config.responders_channel and event.get("thread_ts"):
            await thread_reply(ctx, user_id, str(event["thread_ts"]))
