"""Intake: what a person submits is durable before they are told anything.

Reports and the employee's DMs are written to the journal (db/journal.py), which needs
no database lock, while the commit to SQLite runs beside it. If the commit finishes in
time, the entry is deleted; if it does not (the database held by another process past
the busy timeout, a SIGKILL), the entry stays and this module's loop commits it later,
with backoff, and at every start. Committing is idempotent (cases by view id, events by
event id / client_msg_id), so an entry committed twice makes one case or one relay.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import uuid
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any

from bot.context import AppContext
from bot.flows.case.employee_messages import DM, relay_dm
from bot.flows.case.thread_replies import THREAD, thread_reply
from bot.flows.delivery.deliverer import Backoff
from bot.flows.done import Done
from bot.flows.report.filing import Filing, record_report
from bot.loops import Loop
from db.journal import Entry, Journal

log = logging.getLogger(__name__)
# After the commit's budget, how long the journal write may still take before the
# ack: Slack gives 3 s in all, the commit had ACK_BUDGET of them.
JOURNAL_BUDGET = 0.7
IDLE = 60.0  # a safety net: a failed commit kicks the loop itself

Process = Callable[[dict[str, Any]], Awaitable[None]]


class Taken(Enum):
    DONE = "done"  # committed now
    REPEAT = "repeat"  # the same submission was already received
    PENDING = "pending"  # durable in the journal; committed when the database allows
    LOST = "lost"  # neither committed nor durable: the person must be told


class Intake(Loop):
    name = "intake"

    def __init__(self, ctx: AppContext, journal: Journal, backoff: Backoff | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.journal = journal
        self.backoff = backoff or Backoff(base=0.5, cap=30.0)
        self.processors: dict[str, Process] = {
            "report": self._ingest_report,
            DM: lambda dm: relay_dm(ctx, dm),
            THREAD: lambda r: thread_reply(ctx, r["user"], r["thread_ts"], r.get("event_id")),
        }
        # Entries a request is committing right now: the loop leaves them alone.
        self._in_flight: set[str] = set()
        self._tasks: set[asyncio.Future[Any]] = set()
        self._failures = 0  # the first round runs at once: entries left by the last process

    # -- reports ---------------------------------------------------------------

    async def file_report(self, filing: Filing, budget: float) -> Done | Taken:
        """The committed report's Done if it landed within `budget` seconds; otherwise
        Taken.PENDING (durable, being committed) or Taken.LOST (tell the employee)."""
        key = filing.view_id or uuid.uuid4().hex
        name = Journal.name_for("report", key)
        self._in_flight.add(name)
        journaled = self._keep(asyncio.ensure_future(self._put("report", key, filing.to_json())))
        storing = self._keep(asyncio.ensure_future(record_report(self.ctx, filing)))
        try:
            result: Done | None = await asyncio.wait_for(asyncio.shield(storing), budget)
        except TimeoutError:
            result = None
        except Exception as e:  # the commit failed fast: the journal entry carries it
            log.warning("report not committed yet: %s", type(e).__name__)
            result = None
        if result is not None:
            self._keep(asyncio.ensure_future(self._forget(journaled, name)))
            return result
        try:
            durable = await asyncio.wait_for(asyncio.shield(journaled), JOURNAL_BUDGET)
        except TimeoutError:
            durable = None
        storing.add_done_callback(lambda t: self._settled(t, name, journaled))
        if durable is None:
            log.error("report neither committed nor journaled in time; the employee is told")
            return Taken.LOST
        return Taken.PENDING

    async def _ingest_report(self, payload: dict[str, Any]) -> None:
        await record_report(self.ctx, Filing.from_json(payload))

    def _settled(self, storing: asyncio.Future[Any], name: str, journaled: Any) -> None:
        """The detached commit ended: drop the entry, or leave it to the loop."""
        error = None if storing.cancelled() else storing.exception()
        if storing.cancelled() or error is not None:
            self._in_flight.discard(name)
            log.warning("report commit failed; retried from the journal: %s", type(error).__name__)
            self.kick()
        else:
            self._keep(asyncio.ensure_future(self._forget(journaled, name)))

    # -- events ------------------------------------------------------------------

    async def keep_event(self, kind: str, key: str, payload: dict[str, Any]) -> bool | None:
        """Journal an event before Slack is acked. True: kept; False: a copy is already
        journaled (Slack retried it while the first is pending); None: not durable."""
        durable = await self._put(kind, key, payload)
        if durable:
            self._in_flight.add(Journal.name_for(kind, key))
        return durable

    async def process_event(
        self, kind: str, key: str, payload: dict[str, Any], durable: bool | None
    ) -> Taken:
        """Process a kept event now if the database allows (after the ack)."""
        if durable is False:
            return Taken.REPEAT
        name = Journal.name_for(kind, key)
        try:
            await self.processors[kind](payload)
        except Exception as e:
            self._in_flight.discard(name)  # the loop retries it from the journal
            log.warning("%s not processed yet: %s", kind, type(e).__name__)
            if durable is None:
                return Taken.LOST
            self.kick()
            return Taken.PENDING
        try:
            if durable:
                await asyncio.to_thread(self.journal.remove, name)
        finally:
            self._in_flight.discard(name)
        return Taken.DONE

    # -- the journal -------------------------------------------------------------

    async def _put(self, kind: str, key: str, payload: dict[str, Any]) -> bool | None:
        """True: written; False: already there; None: could not be made durable."""
        try:
            return await asyncio.to_thread(self.journal.put, kind, key, payload)
        except Exception as e:  # a full disk, a read-only folder: never the text
            log.error("journal write failed: kind=%s error=%s", kind, type(e).__name__)
            return None

    async def _forget(self, journaled: asyncio.Future[bool | None], name: str) -> None:
        """The commit landed: delete the entry. Only then may the loop look at the name
        again (a report without a view id could not be recognised a second time)."""
        try:
            if await journaled is not None:
                await asyncio.to_thread(self.journal.remove, name)
        finally:
            self._in_flight.discard(name)

    def _keep(self, fut: asyncio.Future[Any]) -> asyncio.Future[Any]:
        """Hold a reference until done (the loop keeps only weak ones)."""
        self._tasks.add(fut)
        fut.add_done_callback(self._tasks.discard)
        return fut

    async def ingest_pending(self) -> bool:
        """Commit every journal entry no request is handling; False if any is left."""
        complete = True
        for entry in await asyncio.to_thread(self.journal.pending):
            if entry.name in self._in_flight:
                continue  # its request commits it, or kicks the loop when it fails
            if self.stopping.is_set():
                return False
            try:
                await self._ingest(entry)
            except sqlite3.OperationalError as e:  # locked: the next would wait as long
                log.warning("journal ingest waits for the database: %s", type(e).__name__)
                return False
            except Exception as e:  # this entry only; it stays for the next round
                kind, error = entry.kind, type(e).__name__
                log.error("journal entry not ingested: kind=%s error=%s", kind, error)
                complete = False
        return complete

    async def _ingest(self, entry: Entry) -> None:
        process = self.processors.get(entry.kind)
        if process is None:
            raise LookupError(f"unknown journal kind {entry.kind}")
        await process(entry.payload)
        await asyncio.to_thread(self.journal.remove, entry.name)
        log.info("journal entry ingested: kind=%s", entry.kind)

    # -- the loop ----------------------------------------------------------------

    def kick(self) -> None:
        self.wake()

    async def tick(self) -> bool:
        complete = await self.ingest_pending()
        self._failures = 0 if complete else self._failures + 1
        return complete

    async def next_wait(self) -> float:
        return self.backoff.delay(self._failures) if self._failures else IDLE

    async def after_error(self, error: Exception) -> float:
        self._failures += 1
        log.error("journal ingest failed: %s", type(error).__name__)
        return await self.next_wait()
