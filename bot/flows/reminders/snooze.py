"""Snoozing an open-step reminder from its own buttons (1 h, 4 h, 1 day)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import sqlite_utils

from bot.context import AppContext, Rules
from bot.domain.policy import Policy
from bot.flows.reminders.duty import step_recipients
from bot.slack.payloads import Press
from bot.slack.privately import Refused
from bot.views.ids import Action
from bot.views.reminders import SNOOZES, build_step_reminder, parse_snooze_value, snoozed_blocks
from db import reminders, timeline
from db.cases import find_case
from db.rows import immediate, iso

log = logging.getLogger(__name__)


def _snooze(
    db: sqlite_utils.Database,
    ids: list[int],
    until: datetime,
    by: str,
    now: datetime,
    rules: Rules,
) -> tuple[str, list[str], list[list[str]]] | None:
    """Snooze the step reminders `ids`; returns (case no, step titles, each step's
    recipients) to redraw."""
    with immediate(db):
        rows = [r for r in (reminders.get(db, i) for i in ids) if r and r.kind == "step"]
        case = find_case(db, rows[0].case_id) if rows else None
        if case is None:
            return None
        rows = [r for r in rows if r.case_id == case.id]  # one message, one case
        policy = rules.policy_of(case)  # the steps of the case's own version
        pairs = reminders.snooze(db, [r.id for r in rows], until, by, now)
        timeline.add(
            db, case.id, now, by, "reminder_snoozed", steps=[c for _, c in pairs], until=iso(until)
        )
        owners = [
            step_recipients(db, rules.config, case, _owner(policy, chain), now)
            for _, chain in pairs
        ]
    lang = rules.config.language
    titles = []
    for _, chain in pairs:
        step = next((s for s in policy.steps if s.id == chain), None)
        titles.append(step.title.get(lang) if step else chain)
    return case.case_no, titles, owners


def _owner(policy: Policy, step_id: str) -> str:
    return next((s.owner for s in policy.steps if s.id == step_id), "lead")


async def snooze_reminder(ctx: AppContext, press: Press, value: Any) -> None:
    user_id, channel, message_ts = press.user_id, press.channel, press.message_ts
    if not await ctx.people.may_see_cases(user_id):
        raise Refused("refuse.not_responder")
    ids = parse_snooze_value(value)
    delay = SNOOZES.get(Action(press.action_id))
    if not ids or delay is None:
        raise Refused("refuse.unknown_case")
    now = ctx.clock.now()
    until = now + delay
    found = await ctx.store.run(_snooze, ids, until, user_id, now, ctx.rules)
    if found is None:
        raise Refused("refuse.unknown_case")
    case_no, titles, owners = found
    log.info("reminder snoozed: case=%s", case_no)
    if channel and message_ts:
        lang = ctx.config.language
        who = list(dict.fromkeys(m for o in owners for m in o))
        text, blocks = build_step_reminder(lang, case_no, titles, who, ids, owners=owners)
        blocks = snoozed_blocks(blocks, lang, user_id, until, ctx.config.timezone)
        await ctx.client.chat_update(channel=channel, ts=message_ts, text=text, blocks=blocks)
