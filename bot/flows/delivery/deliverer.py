"""The delivery loop: carries pending outbox rows to Slack, each exactly once.

This is the bot's one way to post something that must arrive: cards, thread replies,
messages to the employee, and reminders (escalations, step reminders, digests,
welfare check-ins). Exactly once over an unreliable network: an attempt is counted in
SQLite before the call. If a call times out, the process dies mid-call, or Slack
answers 5xx / internal_error / fatal_error, Slack may have posted the message anyway;
so the retry first looks for it by the delivery ID we put in its metadata
(bot/flows/delivery/posted_lookup.py), and only posts if it is not there. 429s wait for
Retry-After; other failures back off exponentially (bot/flows/delivery/retries.py), and any
call Slack answers again cuts a transient backoff short. Nothing is ever dropped for
a transient failure.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

import aiohttp
import sqlite_utils
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import Clock, SystemClock
from bot.context import AppContext
from bot.flows.case.evidence_copy import GiveUp, Retry, is_copy_job, keep_copy
from bot.flows.case.shared_copy_delete import delete_shared_copy, is_delete_job
from bot.flows.delivery.pacing import ChannelPacer
from bot.flows.delivery.posted_lookup import find_posted, metadata
from bot.flows.delivery.render import render_delivery
from bot.flows.delivery.retries import Backoff, RetrySchedule
from bot.loops import Loop
from bot.slack.errors import error_name, may_have_happened
from bot.views.outgoing import Gone, NotReady, Outgoing
from db import cases, outbox, reminders, shared_copies
from db.rows import immediate

__all__ = ["Backoff", "Deliverer"]  # Backoff: built by the composition root and tests
log = logging.getLogger(__name__)
# A job on a file that posts nothing (keep an evidence copy, delete a shared one).
FileJob = Callable[[AppContext, AsyncWebClient, outbox.Delivery], Awaitable[Retry | GiveUp | None]]
# Errors that say the request itself is wrong: retrying cannot help, so the row is
# marked dead and logged loudly (a bug or a misconfiguration to fix, then requeue).
PERMANENT = {
    "invalid_blocks",
    "invalid_arguments",
    "msg_too_long",
    "invalid_auth",
    "account_inactive",
    "token_revoked",
    "missing_scope",
}


class Deliverer(Loop):
    """The delivery loop; it listens to the context's `deliveries` wake-up, so a flow
    that queued something wakes it through `ctx.kick_deliveries()`."""

    name = "deliveries"

    def __init__(
        self,
        ctx: AppContext,
        client: AsyncWebClient,
        *,
        clock: Clock | None = None,
        backoff: Backoff | None = None,
        concurrency: int = 8,
    ) -> None:
        super().__init__(ctx.deliveries)
        self.ctx = ctx
        self.client = client  # no retry handlers: this loop is the retry mechanism
        self.clock = clock or SystemClock()  # wall time: what the outbox records
        self.retries = RetrySchedule(backoff or Backoff())  # monotonic: when to retry
        self.pacer = ChannelPacer()
        self._sem = asyncio.Semaphore(concurrency)
        self._in_flight: set[int] = set()
        self._posting: set[asyncio.Task[None]] = set()
        self.delivered = 0

    def slack_answered(self) -> None:
        """Any Web API call succeeded: Slack is back, so what waits out a transient
        failure goes now (called on every successful call; cheap when nothing waits)."""
        if self.retries.slack_is_back():
            self.wake()

    async def tick(self) -> int:
        return await self.run_once(self._posting)

    async def finish(self) -> None:
        """Let in-flight posts finish; what is still pending stays in the outbox."""
        if self._posting:
            await asyncio.gather(*self._posting, return_exceptions=True)

    async def next_wait(self) -> float:
        # Rows in flight are excluded: otherwise a delivery waiting on Slack (or on a
        # paced channel) would look overdue and spin the loop.
        # Rows whose retry this process timed are waited for on the monotonic clock; the
        # wall-clock column only times rows left by an earlier run.
        exclude = self._in_flight | self.retries.known()
        nxt = await self.ctx.store.run(outbox.next_due_at, exclude)
        waits = [30.0]
        if nxt is not None:
            waits.append((nxt - self.clock.now()).total_seconds())
        mono = self.retries.seconds_until_next()
        if mono is not None:
            waits.append(mono)
        return max(0.01, min(waits))

    async def run_once(self, tasks: set[asyncio.Task[None]] | None = None) -> int:
        """Start every due delivery not already in flight; returns how many started."""
        tasks = tasks if tasks is not None else set()
        ready, waiting = self.retries.split()
        # Copies shared into a viewer's DM whose time is up get their deletion queued
        # here, on the flows' clock (the one their time was set on): this loop runs at
        # least every 30 s, so a copy goes soon after its time (db/shared_copies.py).
        expiry = self.ctx.clock.now()

        def due_now(db: sqlite_utils.Database) -> list[outbox.Delivery]:
            shared_copies.expire_due(db, expiry)
            return outbox.due(db, self.clock.now(), ready=ready, waiting=waiting)

        due = await self.ctx.store.run(due_now)
        started = 0
        for d in due:
            if d.id in self._in_flight:
                continue
            self._in_flight.add(d.id)
            self.retries.started(d.id)
            task = asyncio.create_task(self._deliver(d))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            started += 1
        return started

    async def drain(self, timeout: float = 10.0) -> None:
        """Deliver until nothing is pending and due (tests, demo, benchmarks)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        tasks: set[asyncio.Task[None]] = set()
        while loop.time() < deadline:
            await self.run_once(tasks)
            if tasks:
                await asyncio.wait(tasks, timeout=max(0.0, deadline - loop.time()))
            elif await self.ctx.store.run(outbox.pending_count) == 0:
                return
            else:
                await asyncio.sleep(0.02)
        raise TimeoutError("deliveries still pending")

    async def _deliver(self, d: outbox.Delivery) -> None:
        try:
            if is_copy_job(d.kind):  # posts nothing: keeps an evidence file sealed
                async with self._sem:
                    await self._file_job(d, keep_copy)
                return
            if is_delete_job(d.kind):  # posts nothing: deletes a copy shared to a DM
                async with self._sem:
                    await self._file_job(d, delete_shared_copy)
                return
            try:
                msg = await render_delivery(self.ctx, d)
            except NotReady:
                await self._retry(d, "waiting for card", transient=False, after=1.0)
                return
            except Gone:
                self.retries.done(d.id)
                await self.ctx.store.run(outbox.give_up, d.id, "nothing left to post")
                return
            # Wait for a rate-limited channel's turn outside the semaphore, so DMs and
            # other channels keep flowing meanwhile.
            if not await self.pacer.wait_turn(msg.channel, self.stopping):
                return  # stopping: the row stays pending for the next start
            async with self._sem:
                await self._attempt(d, msg)
        except sqlite3.OperationalError as e:
            # The database stayed locked past busy_timeout (another process): the row is
            # still pending and, if a post went out, marked uncertain; retried in a second.
            log.warning("delivery paused, database busy: id=%s error=%s", d.id, e)
            self.retries.failed(d.id, transient=False, after=1.0)
        finally:
            self._in_flight.discard(d.id)
            self.wake()  # a finished card unblocks its thread reply

    async def _attempt(self, d: outbox.Delivery, msg: Outgoing) -> None:
        store = self.ctx.store
        attempt = await store.run(outbox.begin_attempt, d.id, self.clock.now())
        uncertain = attempt.was_uncertain
        try:
            found = None
            if uncertain:
                found = await find_posted(
                    self.client, d.id, msg.channel, msg.thread_ts, attempt.first_at
                )
            if found:
                channel, ts = found
                log.info("delivery found already posted: id=%s kind=%s", d.id, d.kind)
            else:
                resp = await self.client.chat_postMessage(**msg.args(), metadata=metadata(d.id))
                channel, ts = str(resp["channel"]), str(resp["ts"])
        except SlackApiError as e:
            if may_have_happened(e):
                # 5xx, internal_error, fatal_error: "some aspect may have succeeded".
                # The row stays uncertain: the retry looks for the copy first.
                await self._retry(d, error_name(e), transient=True)
            else:
                # Slack answered that this attempt did not post.
                await store.run(outbox.not_posted, d.id, uncertain)
                await self._failed(d, e, msg.channel)
            return
        except aiohttp.ClientConnectorError as e:
            # Never reached Slack (connection refused, DNS): certainly not posted.
            await store.run(outbox.not_posted, d.id, uncertain)
            await self._retry(d, type(e).__name__, transient=True)
            return
        except (aiohttp.ClientError, TimeoutError, OSError) as e:
            # A timeout or a dropped connection: Slack may have posted; stay uncertain.
            await self._retry(d, type(e).__name__, transient=True)
            return

        await store.run(_record_delivered, d, channel, ts, self.clock.now())
        self.retries.done(d.id)
        self.delivered += 1
        self.slack_answered()
        log.info(
            "delivered: id=%s case=%s kind=%s attempts=%s", d.id, d.case_id, d.kind, attempt.number
        )

    async def _file_job(self, d: outbox.Delivery, job: FileJob) -> None:
        await self.ctx.store.run(outbox.begin_attempt, d.id, self.clock.now())
        result = await job(self.ctx, self.client, d)
        if isinstance(result, Retry):
            await self._retry(d, result.why, transient=result.transient)
            return
        self.retries.done(d.id)
        if isinstance(result, GiveUp):
            log.error(
                "file job refused, needs a fix: id=%s kind=%s error=%s", d.id, d.kind, result.why
            )
            await self.ctx.store.run(outbox.give_up, d.id, result.why)
            return
        self.slack_answered()

    def _later(self, seconds: float) -> datetime:
        return self.clock.now() + timedelta(seconds=seconds)

    async def _retry(
        self, d: outbox.Delivery, why: str, *, transient: bool, after: float | None = None
    ) -> None:
        delay = self.retries.failed(d.id, transient=transient, after=after)
        log.warning(
            "delivery failed, will retry: id=%s kind=%s why=%s in=%.1fs", d.id, d.kind, why, delay
        )
        # The wall-clock time is for a restart; this process waits on the monotonic clock.
        await self.ctx.store.run(outbox.retry_later, d.id, self._later(delay), why)

    async def _failed(self, d: outbox.Delivery, e: SlackApiError, channel: str) -> None:
        status = e.response.status_code
        error = error_name(e)
        if status == 429:
            retry_after = max(1.0, float(e.response.headers.get("Retry-After", "1") or 1))
            self.pacer.rate_limited(channel, retry_after)
            # Due again at once: the pacer, not the clock, decides when it goes.
            await self._retry(d, "ratelimited", transient=False, after=0.0)
        elif error in PERMANENT:
            log.error(
                "delivery refused by Slack, needs a fix: id=%s kind=%s error=%s",
                d.id,
                d.kind,
                error,
            )
            self.retries.done(d.id)
            await self.ctx.store.run(outbox.give_up, d.id, error)
        else:
            await self._retry(d, error, transient=False)


def _record_delivered(
    db: sqlite_utils.Database, d: outbox.Delivery, channel: str, ts: str, now: datetime
) -> None:
    # One transaction: the case (or the reminder) learns its message's ts exactly when
    # the row is done.
    with immediate(db):
        if outbox.is_post_kind(d.kind):
            message = outbox.payload(db, d.id) or {}
            reminders.set_message(db, message.get("reminders") or [], channel, ts)
        else:
            assert d.case_id is not None
            cases.set_posted(db, d.case_id, d.kind, channel, ts)
        outbox.done(db, d.id, channel, ts, now)
