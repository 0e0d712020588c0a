"""The App Home tab, fitted to the person who opens it.

Everyone: the report button, how the policy and privacy work, their own reports.
Responders: open cases, the cases they lead, overdue steps. HR: this month's
figures and the HR buttons. Who is who is asked anew on every opening.
"""

from __future__ import annotations

import logging
from datetime import datetime

import sqlite_utils

from bot.context import AppContext
from bot.domain.periods import this_month
from bot.domain.policy_versions import PolicyBook
from bot.views.home import HrPart, ResponderPart, build_home
from db import case_lists, stats
from db.cases import reporter_ref
from db.my_reports import my_reports

log = logging.getLogger(__name__)
LIST = 10
# "My reports" (issue 11 §4): the App Home holds 100 blocks, so her newest cases only
# (bot/views/my_reports.py: at most five blocks each), each with its newest lines.
MINE, MINE_LINES = 10, 5


def _responder(
    db: sqlite_utils.Database, user_id: str, policies: PolicyBook, now: datetime
) -> ResponderPart:
    # Each case is overdue by the steps of its own policy version (issue 12 §4).
    steps = [(p.version, s.id, s.remind_after) for p in policies.all() for s in p.checklist]
    return ResponderPart(
        case_lists.count_open(db),
        case_lists.newest_open(db, LIST),
        case_lists.led_by(db, user_id, LIST),
        case_lists.overdue_steps(db, steps, now, LIST, policies.current.version),
    )


async def publish_home(ctx: AppContext, user_id: str) -> None:
    now = ctx.clock.now()
    lang = await ctx.people.lang(user_id)
    is_hr = await ctx.people.is_hr(user_id)
    is_responder = await ctx.people.is_responder(user_id)
    ref = reporter_ref(ctx.settings.hash_key, user_id)
    mine = await ctx.store.run(my_reports, ref, MINE, MINE_LINES)
    responder = None
    if is_responder:
        responder = await ctx.store.run(_responder, user_id, ctx.policies, now)
    hr = None
    if is_hr:
        month = this_month(now, ctx.config.timezone)
        targets = ctx.config.reminders.ack_after
        counts = await ctx.store.run(stats.counts, (month.start, month.end), targets, now)
        hr = HrPart(month, counts)
    policy = ctx.policies.titles() if responder else ctx.policy  # steps of every version
    view = build_home(lang, policy, ctx.config.timezone, ctx.workspace_url, mine, responder, hr)
    await ctx.client.views_publish(user_id=user_id, view=view)
    log.info("home published: responder=%s hr=%s", is_responder, is_hr)
