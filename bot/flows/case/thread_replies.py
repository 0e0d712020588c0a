"""A person replying in a case thread has seen the case: that acknowledges it."""

from __future__ import annotations

import logging
from datetime import datetime

import sqlite_utils

from bot.context import AppContext
from bot.flows.case.guard import is_own_report, refresh_case
from db import handling
from db.cases import case_by_card, get_case
from db.rows import immediate

log = logging.getLogger(__name__)
THREAD = "thread"  # the journal kind of a reply in a case thread (bot/flows/report/intake.py)


def _acknowledge_once(
    db: sqlite_utils.Database, case_id: int, at: datetime, user_id: str, event_id: str | None
) -> handling.Outcome:
    """The event is recorded with the acknowledgement it causes, in one transaction:
    a Slack retry, or the journal entry committed again after a crash, finds it."""
    with immediate(db):
        if event_id and not handling.first_time_event(db, event_id, at):
            return handling.Outcome.ALREADY
        return handling.acknowledge(db, case_id, at, user_id, "reply")


async def thread_reply(
    ctx: AppContext, user_id: str, thread_ts: str, event_id: str | None = None
) -> None:
    case_id = await ctx.store.run(case_by_card, ctx.config.responders_channel, thread_ts)
    if case_id is None:
        return
    case = await ctx.store.run(get_case, case_id)
    if is_own_report(ctx, user_id, case) or case.acknowledged_at is not None:
        return  # the reporter's own reply does not acknowledge their case
    if not await ctx.people.may_see_cases(user_id):
        return  # nor does a Slack Connect guest's: they are not of the response team
    outcome = await ctx.store.run(_acknowledge_once, case_id, ctx.clock.now(), user_id, event_id)
    if outcome is handling.Outcome.APPLIED:
        log.info("case acknowledged by a reply: case=%s", case.case_no)
        await refresh_case(ctx, case_id)
