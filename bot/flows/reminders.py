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
import contextlib
import logging
import sqlite3
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime

import sqlite_utils

from bot.config.reminders import ReminderSettings
from bot.context import AppContext
from bot.domain.stored import CaseStatus, parse_reminder_key
from bot.flows.digest import claim_digest, schedule_next_digest
from bot.flows.escalation import (
    Post,
    claim_ack,
    claim_shift_pings,
    claim_steps,
    queue,
)
from bot.flows.welfare import claim_checkin, schedule_missing
from bot.views.reminders import build_shift_ping
from db import reminders
from db.cases import find_case
from db.reminders import CasePlan, Reminder
from db.rows import immediate

log = logging.getLogger(__name__)
BATCH = 500  # reminders handled per tick; the rest wait for the next tick


def case_plan(ctx: AppContext, s: ReminderSettings | None = None) -> CasePlan:
    """What to schedule for a new case: passed to db.cases.file_case, which calls it
    inside the transaction that files the case."""
    s = s or ctx.config.reminders
    ack = dict(s.ack_after) if s.max_escalations > 0 else {}
    steps = (
        ()
        if s.max_step_reminders == 0
        else tuple((step.id, step.remind_after) for step in ctx.policy.steps)
    )
    return CasePlan(ack, steps)


def _housekeeping(
    db: sqlite_utils.Database, now: datetime, ctx: AppContext, s: ReminderSettings
) -> None:
    with immediate(db):
        schedule_next_digest(db, now, ctx, s)
        schedule_missing(db, now, s)


def _retry_shift(
    db: sqlite_utils.Database, r: Reminder, now: datetime, ctx: AppContext
) -> Post | None:
    """A shift ping Slack refused earlier: send it again if the case still waits."""
    with immediate(db):
        case = find_case(db, r.case_id)
        if case is None or case.acknowledged_at is not None or case.status != CaseStatus.NEW:
            reminders.fire(db, r.id, now, "skipped")
            return None
        if not reminders.fire(db, r.id, now, "sent"):
            return None
    member = parse_reminder_key(r.key).member
    text, blocks = build_shift_ping(ctx.config.language, case.case_no, r.chain, member)
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


class ReminderLoop:
    def __init__(self, ctx: AppContext, settings: ReminderSettings | None = None) -> None:
        self.ctx = ctx
        self.settings = settings or ctx.config.reminders
        self._lock = asyncio.Lock()  # the background task and a test's tick never overlap
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    def start(self) -> None:
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="reminders")

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._task:
            await self._task
            self._task = None

    async def _run(self) -> None:
        while not self._stopping:
            # Cleared before the tick, not after: a wake-up (or stop) that arrives
            # during the tick must not be lost, or stopping would wait a whole tick.
            self._wake.clear()
            try:
                await self.tick()
            except sqlite3.OperationalError as e:  # locked past the busy timeout: expected
                log.warning("reminder tick waits for the database: %s", type(e).__name__)
            except Exception:
                log.exception("reminder tick failed; trying again next tick")
            if self._stopping:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.settings.tick_seconds)

    async def tick(self, now: datetime | None = None) -> int:
        """Queue everything due at `now` (default: the clock); returns messages queued."""
        async with self._lock:
            ctx, s = self.ctx, self.settings
            now = now or ctx.clock.now()
            store = ctx.store

            async def claimed(claim: Callable[..., Post | list[Post] | None], *a: object) -> int:
                return await store.run(_claim_and_queue, now, claim, *a)

            queued = await claimed(claim_shift_pings, now, ctx)
            await store.run(_housekeeping, now, ctx, s)
            due = await store.run(reminders.due, now, BATCH)
            steps: dict[int | None, list[Reminder]] = defaultdict(list)
            for r in due:
                if r.kind == "ack":
                    queued += await claimed(claim_ack, r, now, ctx, s)
                elif r.kind == "step":
                    steps[r.case_id].append(r)
                elif r.kind == "welfare":
                    queued += await claimed(claim_checkin, r, now, ctx, s)
                elif r.kind == "digest":
                    queued += await claimed(claim_digest, r, now, ctx, s)
                elif r.kind == "shift":  # released by a version that un-claimed refusals
                    queued += await claimed(_retry_shift, r, now, ctx)
                else:
                    await store.run(reminders.fire, r.id, now, "skipped")
            for rs in steps.values():
                queued += await claimed(claim_steps, rs, now, ctx, s)
            if queued:
                ctx.kick_deliveries()
            if due:
                log.info("reminders: due=%d queued=%d", len(due), queued)
            return queued
