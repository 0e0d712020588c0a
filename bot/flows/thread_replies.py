"""A person replying in a case thread has seen the case: that acknowledges it."""

from __future__ import annotations

import logging

import sqlite_utils

from bot.context import AppContext
from bot.flows.case_guard import refresh_case
from db import handling
from db.cases import get_case

log = logging.getLogger(__name__)
THREAD = "thread"  # the journal kind of a reply in a case thread (bot/flows/intake.py)


def _case_by_card(db: sqlite_utils.Database, channel: str, ts: str) -> int | None:
    row = db.execute(
        "SELECT id FROM cases WHERE card_channel = ? AND card_ts = ?", [channel, ts]
    ).fetchone()
    return int(row[0]) if row else None


async def thread_reply(ctx: AppContext, user_id: str, thread_ts: str) -> None:
    case_id = await ctx.store.run(_case_by_card, ctx.config.responders_channel, thread_ts)
    if case_id is None:
        return
    case = await ctx.store.run(get_case, case_id)
    if case.reporter_id == user_id or case.acknowledged_at is not None:
        return  # the reporter's own reply does not acknowledge their case
    outcome = await ctx.store.run(handling.acknowledge, case_id, ctx.clock.now(), user_id, "reply")
    if outcome is handling.Outcome.APPLIED:
        log.info("case acknowledged by a reply: case=%s", case.case_no)
        await refresh_case(ctx, case_id)
