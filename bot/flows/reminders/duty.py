"""Who reminders mention (the on-duty lists), and the timeline's actor for the bot.

Claimed reminders are posted through the outbox (bot/flows/escalation.queue), the
bot's one way to post what must arrive."""

from __future__ import annotations

import logging
from datetime import datetime

import sqlite_utils

from bot.config import Config
from bot.domain.case import Case
from db import handling, overrides

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


def step_recipients(
    db: sqlite_utils.Database, config: Config, case: Case, owner: str, now: datetime
) -> list[str]:
    """Who a step reminder goes to: the person the step belongs to (Step.owner).

    A "legal" or "counseling" step goes to whoever is on duty in that rotation now
    (overrides applied); the case's own steps go to its lead. While nobody leads, they
    go to whoever acknowledged the case, and only when nobody has even done that to
    everyone on duty: someone must pick the case up. Only the team acknowledges (a
    store supervisor outside it who goes to her does not: db/urgent.helper_going), so
    a reminder never falls back to someone who cannot open the case."""
    rotation = config.rotations.get(owner) if owner != "lead" else None
    if rotation is not None:
        return [overrides.on_duty(db, rotation, now)]
    if case.lead:
        return [case.lead]
    acknowledged_by = handling.load_handling(db, case.id).acknowledged_by
    return [acknowledged_by] if acknowledged_by else on_duty_now(db, config, now)
