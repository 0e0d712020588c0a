"""The reminder loop: one background task sends whatever reminders are due.

Reminders are rows (db/reminders.py), so they survive restarts; each tick asks SQLite
only for what is due (`WHERE fired_at IS NULL AND due_at <= now`, a partial index),
so a tick costs O(due), not O(open cases). Tests and benchmarks call `tick(now)`.

Per tick: notice shift changes (and ping waiting cases), plan the next daily digest,
give recently closed cases a welfare check-in if their close did not, then claim what
is due (escalations, open-step reminders, digests, check-ins) and queue each in the
outbox in the claiming transaction. The delivery loop posts them: exactly once, retried
with backoff until Slack has them, looked for before a retry when Slack may have posted.
Every kind goes this way (one way to post): an escalation or check-in must not be lost;
a step reminder is the checklist's nudge and as cheap to keep; a digest is kept too,
but one still waiting when the next day's is queued is dropped as out of date.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime

import sqlite_utils

from bot.config.reminders import ReminderSettings
from bot.context import AppContext, Rules
from bot.domain.severity import critical_ids
from bot.domain.stored import parse_reminder_key
from bot.flows.reminders.digest import claim_digest, schedule_next_digest
from bot.flows.reminders.escalation import (
    Post,
    claim_ack,
    claim_shift_pings,
    claim_steps,
    claim_summon,
    queue,
    waiting_case,
)
from bot.flows.reminders.welfare import claim_checkin, schedule_missing
from bot.loops import Loop
from bot.slack.people import LookupFailed
from bot.views.reminders import build_shift_ping
from db import reminders
from db.reminders import CasePlan, Reminder
from db.rows import immediate

log = logging.getLogger(__name__)
BATCH = 500  # reminders handled per tick; the rest wait for the next tick


def case_plan(rules: Rules, s: ReminderSettings | None = None) -> CasePlan:
    """What to schedule for a new case: passed to db.cases.file_case, which calls it
    inside the transaction that files the case."""
    s = s or rules.config.reminders
    ack = dict(s.ack_after) if s.max_escalations > 0 else {}
    steps = (
        ()
        if s.max_step_reminders == 0
        else tuple((step.id, step.remind_after) for step in rules.policy.checklist)
    )
    return CasePlan(
        ack,
        steps,
        critical=critical_ids(rules.policy),
        critical_after=s.critical_ack_after,
        summon_after=s.backup_after if s.max_escalations > 0 else None,
    )


def _housekeeping(
    db: sqlite_utils.Database, now: datetime, rules: Rules, s: ReminderSettings
) -> None:
    with immediate(db):
        schedule_next_digest(db, now, rules, s)
        schedule_missing(db, now, s)


def _retry_shift(
    db: sqlite_utils.Database, r: Reminder, now: datetime, rules: Rules
) -> Post | None:
    """A shift ping Slack refused earlier: send it again if the case still waits."""
    with immediate(db):
        if (case := waiting_case(db, r, now)) is None:
            return None
        if not reminders.fire(db, r.id, now, "sent"):
            return None
    member = parse_reminder_key(r.key).member
    text, blocks = build_shift_ping(rules.config.language, case.case_no, r.chain, member)
    return Post(
        (r.id,),
        {"channel": case.card_channel, "thread_ts": case.card_ts, "text": text, "blocks": blocks},
        case.id,
    )


def _claim_and_queue(
    db: sqlite_utils.Database,
    now: datetime,
    claim: Callable[..., Post | list[Post] | None],
    *args: object,
) -> int:
    with immediate(db):
        got = claim(db, *args)
        return queue(db, got if isinstance(got, list) else [got], now)


class ReminderLoop(Loop):
    name = "reminders"

    def __init__(self, ctx: AppContext, settings: ReminderSettings | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.settings = settings or ctx.config.reminders
        self._lock = asyncio.Lock()  # the background task and a test's run never overlap

    async def next_wait(self) -> float:
        return self.settings.tick_seconds

    async def after_error(self, error: Exception) -> float:
        if isinstance(error, sqlite3.OperationalError):  # locked past the busy timeout
            log.warning("reminder tick waits for the database: %s", type(error).__name__)
        else:
            log.exception("reminder tick failed; trying again next tick", exc_info=error)
        return self.settings.tick_seconds

    async def _hr_group_members(self) -> frozenset[str]:
        """Who a widened call DMs in place of HR's user groups; if Slack does not answer,
        nobody in them (the thread's group mention still reaches them)."""
        if not self.ctx.config.hr_groups:
            return frozenset()
        try:
            return await self.ctx.people.hr_group_members()
        except LookupFailed:
            log.warning("usergroups.users.list unavailable; the widened call DMs no group")
            return frozenset()

    async def tick(self, now: datetime | None = None) -> int:
        """Queue everything due at `now` (default: the clock); returns messages queued."""
        async with self._lock:
            ctx, s = self.ctx, self.settings
            rules = ctx.rules
            now = now or ctx.clock.now()
            store = ctx.store

            async def claimed(claim: Callable[..., Post | list[Post] | None], *a: object) -> int:
                return await store.run(_claim_and_queue, now, claim, *a)

            queued = await claimed(claim_shift_pings, now, rules)
            await store.run(_housekeeping, now, rules, s)
            due = await store.run(reminders.due, now, BATCH)
            steps: dict[int | None, list[Reminder]] = defaultdict(list)
            for r in due:
                if r.kind == "ack":
                    queued += await claimed(claim_ack, r, now, rules, s)
                elif r.kind == "summon":
                    groups = await self._hr_group_members()
                    queued += await claimed(claim_summon, r, now, rules, s, groups)
                elif r.kind == "step":
                    steps[r.case_id].append(r)
                elif r.kind == "welfare":
                    queued += await claimed(claim_checkin, r, now, rules, s)
                elif r.kind == "digest":
                    queued += await claimed(claim_digest, r, now, rules, s)
                elif r.kind == "shift":  # released by a version that un-claimed refusals
                    queued += await claimed(_retry_shift, r, now, rules)
                else:
                    await store.run(reminders.fire, r.id, now, "skipped")
            for rs in steps.values():
                queued += await claimed(claim_steps, rs, now, rules, s)
            if queued:
                ctx.kick_deliveries()
            if due:
                log.info("reminders: due=%d queued=%d", len(due), queued)
            return queued
