"""Posting a claimed reminder, and the on-duty lists reminders mention."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import aiohttp
import sqlite_utils
from slack_sdk.errors import SlackApiError

from bot.config import Config
from bot.context import AppContext
from bot.flows.slack_errors import error_name
from db import overrides, reminders

log = logging.getLogger(__name__)
RETRY_AFTER = timedelta(minutes=2)
BOT_ACTOR = "ch-responder"  # the timeline's actor for what the bot did by itself


async def send(
    ctx: AppContext, reminder_ids: Sequence[int], now: datetime, **args: Any
) -> str | None:
    """Post a reminder the caller has claimed; remember where it went so a snooze can
    update it. If Slack refuses, un-claim it to be tried again at a later tick."""
    try:
        resp = await ctx.client.chat_postMessage(unfurl_links=False, unfurl_media=False, **args)
    except (SlackApiError, aiohttp.ClientConnectorError) as e:
        # Slack answered with an error, or was never reached: nothing was posted.
        error = error_name(e) if isinstance(e, SlackApiError) else type(e).__name__
        log.warning("reminder not posted (%s); will retry", error)
        await ctx.store.run(reminders.release, list(reminder_ids), now + RETRY_AFTER)
        return None
    except (aiohttp.ClientError, TimeoutError) as e:
        # No answer: Slack may have posted it. Reminders never fire twice, so this one
        # counts as sent (at most once); the next reminder of the case follows as usual.
        log.warning("reminder may not have been posted (%s); not retried", type(e).__name__)
        return None
    ts = str(resp.get("ts") or "")
    await ctx.store.run(reminders.set_message, list(reminder_ids), str(resp.get("channel")), ts)
    return ts


def on_duty_now(db: sqlite_utils.Database, config: Config, now: datetime) -> list[str]:
    """Everyone on duty now, one per rotation (overrides applied)."""
    return [overrides.on_duty(db, r, now) for r in config.rotations.values()]


def escalation_list(db: sqlite_utils.Database, config: Config, now: datetime) -> list[str]:
    """Who an escalation mentions: everyone on duty, the next person in each rotation,
    then HR (people and user groups)."""
    nxt = [overrides.next_person(db, r, now) for r in config.rotations.values()]
    return [*on_duty_now(db, config, now), *nxt, *config.hr_users, *config.hr_groups]
