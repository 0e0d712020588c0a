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
from bot.domain.policy import Policy
from bot.domain.stats import CaseRef
from bot.reminder_settings import reminder_settings
from bot.views.home import HrPart, MyCase, ResponderPart, build_home
from db import stats
from db.cases import reporter_ref
from db.rows import iso

log = logging.getLogger(__name__)
LIST = 10


def _mine(db: sqlite_utils.Database, ref: str) -> list[MyCase]:
    if "reporter_ref" not in db.table("cases").columns_dict:
        return []
    rows = db.execute(
        "SELECT case_no, status, reported_at FROM cases WHERE reporter_ref = ? "
        "ORDER BY reported_at DESC LIMIT ?",
        [ref, LIST],
    ).fetchall()
    return [MyCase(no, st, datetime.fromisoformat(at)) for no, st, at in rows]


def _refs(rows: list[tuple[str, str | None, str | None]]) -> list[CaseRef]:
    return [CaseRef(no, ch, ts) for no, ch, ts in rows]


def _responder(
    db: sqlite_utils.Database, user_id: str, policy: Policy, now: datetime
) -> ResponderPart:
    open_where = "status != 'closed'"
    n_open = int(db.execute(f"SELECT COUNT(*) FROM cases WHERE {open_where}").fetchone()[0])
    open_cases = db.execute(
        f"SELECT case_no, card_channel, card_ts FROM cases WHERE {open_where} "
        "ORDER BY reported_at DESC LIMIT ?",
        [LIST],
    ).fetchall()
    lead: list[tuple[str, str | None, str | None]] = []
    if "lead" in db.table("cases").columns_dict:
        lead = db.execute(
            f"SELECT case_no, card_channel, card_ts FROM cases WHERE {open_where} AND lead = ? "
            "ORDER BY reported_at DESC LIMIT ?",
            [user_id, LIST],
        ).fetchall()
    overdue: list[tuple[CaseRef, str]] = []
    steps = [(s.id, s.remind_after) for s in policy.steps if s.kind == "action"]
    if steps and db.table("case_steps").exists():
        # Policy steps are data (Python), cases are rows: the steps go in as a VALUES
        # table so SQLite finds the open cases past each step's interval in one query.
        values = ",".join("(?, ?)" for _ in steps)
        params: list[object] = []
        for step_id, after in steps:
            params += [step_id, iso(now - after)]
        rows = db.execute(
            f"""
            WITH steps(step_id, due_before) AS (VALUES {values})
            SELECT c.case_no, c.card_channel, c.card_ts, s.step_id
            FROM cases c JOIN steps s ON c.reported_at < s.due_before
            WHERE c.{open_where} AND NOT EXISTS (
              SELECT 1 FROM case_steps d WHERE d.case_id = c.id AND d.step_id = s.step_id)
            ORDER BY c.reported_at LIMIT ?
            """,
            [*params, LIST],
        ).fetchall()
        overdue = [(CaseRef(no, ch, ts), step) for no, ch, ts, step in rows]
    return ResponderPart(n_open, _refs(open_cases), _refs(lead), overdue)


async def publish_home(ctx: AppContext, user_id: str) -> None:
    now = ctx.clock.now()
    lang = await ctx.people.lang(user_id)
    is_hr = await ctx.people.is_hr(user_id)
    is_responder = await ctx.people.is_responder(user_id)
    ref = reporter_ref(ctx.settings.hash_key, user_id)
    mine = await ctx.store.run(_mine, ref)
    responder = await ctx.store.run(_responder, user_id, ctx.policy, now) if is_responder else None
    hr = None
    if is_hr:
        month = this_month(now, ctx.config.timezone)
        targets = reminder_settings(ctx.config).ack_after
        counts = await ctx.store.run(stats.counts, (month.start, month.end), targets, now)
        hr = HrPart(month, counts)
    view = build_home(lang, ctx.policy, ctx.config.timezone, ctx.workspace_url, mine, responder, hr)
    await ctx.client.views_publish(user_id=user_id, view=view)
    log.info("home published: responder=%s hr=%s", is_responder, is_hr)
