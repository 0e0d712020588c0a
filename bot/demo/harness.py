"""A simulated workspace with the real bot serving HTTP against it.

The demo, the tests and the benchmarks all use this: the simulator plays Slack's Web
API, and requests reach the bot's real `/slack/events` endpoint signed as Slack signs
them. Nothing leaves the loopback interface.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bot.app import Bot, build
from bot.clock import Clock
from bot.config import Config, parse_config
from bot.flows.delivery.deliverer import Backoff
from bot.settings import Settings
from bot.views.ids import Action
from slacksim import SlackSimulator
from slacksim.forms import report_values
from slacksim.requests import Reply, SlackRequests

SIGNING_SECRET = "sim-signing-secret"
BOT_TOKEN = "xoxb-sim-token"
RESPONDERS = "C0RESPOND1"
# A fixed key for the simulated company only; real deployments set CH_DATA_KEY.
DATA_KEY = bytes(range(32))


@dataclass(frozen=True)
class Cast:
    """The people of the simulated company."""

    employee: str = "U0EMPLOY01"  # reports; reads Japanese
    employee_en: str = "U0EMPLOY02"  # reports; reads English
    responder: str = "U0RESPOND1"
    responder2: str = "U0RESPOND2"
    legal: tuple[str, ...] = ("U0LEGAL001", "U0LEGAL002", "U0LEGAL003")
    counseling: tuple[str, ...] = ("U0COUNS001", "U0COUNS002")
    hr: str = "U0HRMGR001"
    hr_group_member: str = "U0HRMGR002"
    hr_group: str = "S0HRGROUP1"
    outsider: str = "U0OUTSID01"

    def names(self) -> dict[str, str]:
        return {
            self.employee: "Sato Hana",
            self.employee_en: "Alex Kim",
            self.responder: "Tanaka Ken",
            self.responder2: "Lee Mei",
            self.legal[0]: "Legal Suzuki",
            self.legal[1]: "Legal Ito",
            self.legal[2]: "Legal Mori",
            self.counseling[0]: "Counselor Abe",
            self.counseling[1]: "Counselor Ono",
            self.hr: "HR Yamada",
            self.hr_group_member: "HR Kato",
            self.outsider: "Outsider Nomura",
        }


def sample_config(cast: Cast = Cast(), **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "responders_channel": RESPONDERS,
        "hr": [cast.hr, cast.hr_group],
        "timezone": "Asia/Tokyo",
        "language": "ja",
        "rotations": {
            "legal": {
                "members": list(cast.legal),
                "start": "2026-01-05T09:00:00+09:00",
                "shift": "7d",
            },
            "counseling": {
                "members": list(cast.counseling),
                "start": "2026-01-05T09:00:00+09:00",
                "shift": "1d",
            },
        },
    }
    data.update(overrides)
    return data


def populate(sim: SlackSimulator, cast: Cast = Cast()) -> None:
    for uid, name in cast.names().items():
        locale = "ja-JP" if uid in (cast.employee, cast.responder, cast.legal[0]) else "en-US"
        sim.add_user(uid, name.lower().replace(" ", "."), real_name=name, locale=locale)
    members = [cast.responder, cast.responder2, *cast.legal, *cast.counseling]
    # Private, as the bot requires: membership is what lets a person see case details.
    sim.add_channel(RESPONDERS, "ch-responders", members=members, is_private=True)
    sim.add_channel("C0GENERAL1", "general", members=list(cast.names()))
    sim.add_usergroup(cast.hr_group, users=[cast.hr_group_member])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Harness:
    sim: SlackSimulator
    bot: Bot
    slack: SlackRequests
    url: str
    cast: Cast = field(default_factory=Cast)

    async def open_form(self, user_id: str, text: str = "") -> dict[str, Any]:
        """Type /report-ch and choose "Report something that happened"; returns the
        full form Slack then shows (the first modal, updated)."""
        start = await self.open_start(user_id, text)
        return await self.press_in_view(user_id, start, Action.REPORT_FULL)

    async def press_in_view(
        self, user_id: str, view: dict[str, Any], action: str, values: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Press a button in a modal (with `values` typed in it); returns the modal as
        the bot updates it."""
        before = len(self.sim.calls_to("views.update"))
        shown = {**view, "state": {"values": values or {}}}
        reply = await self.slack.click(user_id, action, "", view=shown)
        assert reply.status == 200, reply

        def updated(sim: SlackSimulator) -> dict[str, Any] | None:
            for call in sim.calls_to("views.update")[before:]:
                if call.args.get("view_id") == view["id"] and call.response.get("ok"):
                    new: dict[str, Any] = call.response["view"]
                    return new
            return None

        new = await self.sim.wait_for(updated)
        assert isinstance(new, dict)
        return new

    async def open_start(self, user_id: str, text: str = "") -> dict[str, Any]:
        """Type /report-ch; returns the first modal Slack shows (views.open)."""
        trigger = self.sim.new_trigger(user_id)
        reply = await self.slack.slash("/report-ch", user_id, text, trigger_id=trigger)
        assert reply.status == 200, reply
        return await self.opened_with(trigger)

    async def opened_with(self, trigger: str) -> dict[str, Any]:
        """The modal the bot opened with this trigger, once Slack has it."""

        def opened(sim: SlackSimulator) -> dict[str, Any] | None:
            for call in sim.calls_to("views.open"):
                if call.args.get("trigger_id") == trigger and call.response.get("ok"):
                    view: dict[str, Any] = call.response["view"]
                    return view
            return None

        view = await self.sim.wait_for(opened)
        assert isinstance(view, dict)
        return view

    async def slash(self, command: str, user_id: str, text: str = "") -> Reply:
        return await self.slack.slash(command, user_id, text)

    async def report(
        self,
        user_id: str,
        *,
        occurred_at: datetime | None = None,
        contact: str | None = "phone",
        categories: list[str] | None = None,
        danger: str | None = "over",
        narrative: str = "The customer shouted.",
        **form: Any,
    ) -> Reply:
        view = await self.open_form(user_id)
        values = report_values(
            occurred_at=occurred_at or self.bot.ctx.clock.now(),
            contact=contact,
            categories=["verbal_abuse"] if categories is None else categories,
            danger=danger,
            narrative=narrative,
            **form,
        )
        return await self.slack.submit_view(user_id, view, values)

    async def settle(self, timeout: float = 10.0) -> None:
        """Wait until the flows started by what was sent have finished, and every
        delivery they queued has reached the simulator.

        Bolt acks a button or a form and then runs its listener in a task of its own,
        so an HTTP 200 does not mean the flow is done: a test that acts again at once
        would race it (seen only on a loaded machine)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        running = _listeners_running()
        if running:
            await asyncio.wait(running, timeout=max(0.0, deadline - loop.time()))
        await self.bot.deliverer.drain(max(0.1, deadline - loop.time()))


def _listeners_running() -> set[asyncio.Task[Any]]:
    """Bolt's tasks that run a listener after its ack (slack_bolt/listener/asyncio_runner)."""
    return {
        task
        for task in asyncio.all_tasks()
        if not task.done()
        and getattr(task.get_coro(), "__qualname__", "").endswith("run_ack_function_asynchronously")
    }


@asynccontextmanager
async def running_bot(
    db_path: Path | str,
    *,
    clock: Clock | None = None,
    config: Config | None = None,
    cast: Cast = Cast(),
    backoff: Backoff | None = None,
    sim: SlackSimulator | None = None,
    hash_key: bytes = b"sim-hash-key-0123456789",
    client_timeout: float = 3,
) -> AsyncIterator[Harness]:
    own_sim = sim is None
    sim = sim or SlackSimulator(token=BOT_TOKEN)
    if own_sim:
        await sim.start()
        populate(sim, cast)
    settings = Settings(
        bot_token=BOT_TOKEN,
        signing_secret=SIGNING_SECRET,
        app_token=None,
        api_url=sim.base_url,
        config_path=Path("ch-responder.toml"),
        db_path=Path(db_path),
        hash_key=hash_key,
        port=0,  # the harness binds the app itself, below
        data_keys=(DATA_KEY,),
    )
    config = config or parse_config(sample_config(cast), Path("."))
    bot = build(
        settings,
        config,
        clock=clock,
        backoff=backoff or Backoff(base=0.05, cap=0.5),
        client_timeout=client_timeout,
    )
    runner = web.AppRunner(bot.web_app(), handle_signals=False, access_log=None)
    await runner.setup()
    # Port 0: the kernel picks a free port at bind time. Picking one first (free_port)
    # and binding later races other test workers for the same port.
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{site.port}/slack/events"
    try:
        async with aiohttp.ClientSession() as session:
            yield Harness(sim, bot, SlackRequests(url, SIGNING_SECRET, sim, session), url, cast)
    finally:
        await runner.cleanup()
        if own_sim:
            await sim.stop()
