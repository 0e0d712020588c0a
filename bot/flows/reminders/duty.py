"""Who reminders mention (the on-duty lists), and the timeline's actor for the bot.

Claimed reminders are posted through the outbox (bot/flows/escalation.queue), the
bot's one way to post what must arrive."""

from __future__ import annotations

import logging
from datetime import datetime

import sqlite_utils

from bot.config import Config
from db import overrides

log = logging.getLogger(__name__)
BOT_ACTOR = "ch-responder"  # the timeline's actor for what the bot did by itself


def on_duty_now(db: sqlite_utils.Database, config: Config, now: datetime) -> list[str]:
    """Everyone on duty now, one per rotation (overrides applied)."""
    return [overrides.on_duty(db, r, now) for r in config.rotations.values()]


def escalation_list(db: sqlite_utils.Database, config: Config, now: datetime) -> list[str]:
    """Who an escalation mentions: everyone on duty, the next person in each rotation,
    then HR (people and user groups)."""
    nxt = [overrides.next_person(db, r, now) for r in config.rotations.values()]
    return [*on_duty_now(db, config, now), *nxt, *config.hr_users, *config.hr_groups]
