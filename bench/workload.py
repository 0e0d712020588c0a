"""The simulated workforce: employees who type /report-ch and submit the form.

Shared by the measurements. Waiting is done by watching the simulator's own lists
(cheap appends) rather than its `calls_to` scans, so the load generator stays light.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from slacksim import Call, SlackSimulator
from slacksim.forms import report_values
from slacksim.requests import SlackRequests

T = TypeVar("T")
CASE_NO = re.compile(r"CH-\d{4}-\d+")
CATEGORIES = (["verbal_abuse"], ["verbal_abuse", "threat"], ["persistent_contact"])
CONTACTS = ("phone", "email", "in_person")


def add_employees(sim: SlackSimulator, n: int) -> list[str]:
    """Add `n` employees (half read Japanese, half English) and return their IDs."""
    ids = []
    for i in range(n):
        uid = f"U0BENCH{i:04d}"
        ja = i % 2 == 0
        sim.add_user(uid, f"bench.{i}", real_name=f"Bench {i}", locale="ja-JP" if ja else "en-US")
        ids.append(uid)
    return ids


async def bounded(limit: int, jobs: Sequence[Callable[[], Awaitable[T]]]) -> list[T]:
    """Run coroutine factories with at most `limit` in flight; results in order."""
    sem = asyncio.Semaphore(limit)

    async def one(job: Callable[[], Awaitable[T]]) -> T:
        async with sem:
            return await job()

    return list(await asyncio.gather(*(one(j) for j in jobs)))


async def wait_until(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not done after {timeout:.0f}s")
        await asyncio.sleep(0.005)


def calls_since(sim: SlackSimulator, start: int, method: str | None = None) -> list[Call]:
    return [c for c in sim.calls[start:] if method is None or c.method == method]


class Forms:
    """Opens report forms through the bot and hands back the view Slack would show."""

    def __init__(self, sim: SlackSimulator, slack: SlackRequests) -> None:
        self.sim = sim
        self.slack = slack
        self._seen = 0
        self._by_trigger: dict[str, dict[str, Any]] = {}

    def _scan(self) -> None:
        opened = self.sim.views_opened
        for v in opened[self._seen :]:
            if v.trigger_id:
                self._by_trigger[v.trigger_id] = v.view
        self._seen = len(opened)

    async def open(self, user_id: str, timeout: float = 10.0) -> dict[str, Any]:
        """/report-ch, then "Report something that happened": the full form."""
        start = await self.open_start(user_id, timeout)
        # The first modal (issue 11): "Report something that happened" turns it into
        # the full form, by views.update on the same view.
        return await self.choose(user_id, start, "report.full")

    async def open_start(self, user_id: str, timeout: float = 10.0) -> dict[str, Any]:
        """/report-ch: the first modal ("happening now" in one tap, or the form)."""
        trigger = self.sim.new_trigger(user_id)
        # The simulator issues the trigger; SlackRequests.slash asks for one itself, so
        # the request is built here the same way with our trigger.
        reply = await self.slack.post(slash_body(self.sim, user_id, trigger), FORM)
        if reply.status != 200:
            raise RuntimeError(f"/report-ch answered HTTP {reply.status}")

        def ready() -> bool:
            self._scan()
            return trigger in self._by_trigger

        await wait_until(ready, timeout, "views.open")
        return self._by_trigger.pop(trigger)

    async def choose(
        self, user_id: str, view: dict[str, Any], action_id: str, timeout: float = 10.0,
        values: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Press a button in the modal; the modal as the bot then updates it."""
        seen = len(self.sim.calls)
        shown = {**view, "state": {"values": values or {}}}
        reply = await self.slack.click(user_id, action_id, "", view=shown)
        if reply.status != 200:
            raise RuntimeError(f"{action_id} answered HTTP {reply.status}")
        found: list[dict[str, Any]] = []

        def updated() -> bool:
            for c in self.sim.calls[seen:]:
                if c.method == "views.update" and c.args.get("view_id") == view["id"]:
                    found.append(c.response["view"])
                    return True
            return False

        await wait_until(updated, timeout, "views.update")
        return found[0]


FORM = "application/x-www-form-urlencoded"


def slash_body(sim: SlackSimulator, user_id: str, trigger_id: str) -> str:
    from urllib.parse import urlencode

    return urlencode(
        {
            "token": "legacy",
            "team_id": "T0SIM",
            "team_domain": "sim",
            "channel_id": "C0GENERAL1",
            "channel_name": "general",
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": "/report-ch",
            "text": "",
            "api_app_id": "A0SIM",
            "response_url": f"{sim.base_url}response/{user_id}",
            "trigger_id": trigger_id,
        }
    )


_phones = itertools.cycle([f"090-0000-{i:04d}" for i in range(40)])


def filled_form(i: int, now: datetime | None = None) -> dict[str, Any]:
    """A realistic, valid report: varied categories; every other one names a repeat
    customer by phone, so the repeat-customer lookup runs as it would in production."""
    now = now or datetime.now(UTC)
    customer = {"phone": next(_phones)} if i % 2 == 0 else None
    return report_values(
        occurred_at=now - timedelta(hours=1),
        contact=CONTACTS[i % len(CONTACTS)],
        categories=CATEGORIES[i % len(CATEGORIES)],
        danger="over",
        narrative=f"Report {i}: the customer shouted at me for twenty minutes on the phone.",
        customer=customer,
    )


async def submit(slack: SlackRequests, user_id: str, view: dict[str, Any], i: int) -> float:
    """Submit a filled form; returns the seconds until the bot answered (its ack)."""
    t0 = time.perf_counter()
    reply = await slack.submit_view(user_id, view, filled_form(i))
    if reply.status != 200 or (reply.json() or {}).get("response_action") != "update":
        raise RuntimeError(f"report {i} not accepted: HTTP {reply.status} {reply.body[:200]}")
    return time.perf_counter() - t0


def messages_posted(sim: SlackSimulator) -> int:
    return len(sim.all_messages)
