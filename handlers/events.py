"""Message events: the first human reply in a case thread, and the employee's DMs.

Bolt acks an event before its listener runs, and Slack does not send an acked event
again, so the message is journaled (bot/flows/report/intake.py) in a listener middleware,
which runs before the ack: a database locked past its busy timeout, or a crash right
after the ack, delays the relay but does not lose it. Slack retries an unacked
delivery (up to 3 times) with the same event_id: the journal and the database each
keep it once.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext

from bot.context import AppContext
from bot.flows.case.employee_messages import DM, answer_dm, dm_entry
from bot.flows.case.thread_replies import THREAD
from bot.flows.report.intake import Intake, Taken

log = logging.getLogger(__name__)
# Subtypes that are a person writing; edits, joins, bot posts and deletions are not.
HUMAN_SUBTYPES = (None, "file_share", "thread_broadcast")


def register(app: AsyncApp, ctx: AppContext, intake: Intake) -> None:
    def entry(body: dict[str, Any]) -> tuple[str, str, dict[str, Any]] | None:
        """(journal kind, key, payload) of a message the bot acts on."""
        event = body.get("event") or {}
        # Our own posts come back as events too: ignore anything a bot wrote.
        if event.get("bot_id") or event.get("subtype") not in HUMAN_SUBTYPES:
            return None
        user_id = event.get("user")
        if not isinstance(user_id, str):
            return None
        event_id = str(body.get("event_id") or "")
        if event.get("channel_type") == "im":
            dm = dm_entry(event, event_id, ctx.clock.now())
            return (DM, *dm) if dm else None
        thread_ts = event.get("thread_ts")
        if event.get("channel") == ctx.config.responders_channel and isinstance(thread_ts, str):
            key = event_id or f"{event.get('channel')}:{event.get('ts')}"
            reply = {"user": user_id, "thread_ts": thread_ts, "event_id": event_id or None}
            return THREAD, key, reply
        return None

    async def persist_first(body: dict[str, Any], context: AsyncBoltContext, next: Any) -> None:
        # Runs before Bolt acks: only the journal write, never a wait on SQLite or Slack.
        found = entry(body)
        if found is not None:
            kind, key, payload = found
            context["intake"] = (*found, await intake.keep_event(kind, key, payload))
        await next()

    @app.event("message", middleware=[persist_first])
    async def on_message(context: AsyncBoltContext) -> None:
        kept = context.get("intake")
        if kept is None:
            return
        kind, key, payload, durable = kept
        outcome = await intake.process_event(kind, key, payload, durable)
        if outcome is Taken.REPEAT:
            log.info("event seen before, dropped: type=message")
        elif kind == DM and outcome is Taken.PENDING:
            await answer_dm(ctx, payload, "act.relay.delayed")
        elif kind == DM and outcome is Taken.LOST:
            await answer_dm(ctx, payload, "act.relay.not_passed_on")
