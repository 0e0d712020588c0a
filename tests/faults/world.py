"""The real bot process (`python -m bot run`) against an in-test Slack simulator.

Nothing here imports the bot's internals to drive it: the process is started as an
operator would start it, reached only over HTTP with signed requests, and judged by
what the simulated Slack received and what its database file holds.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bot.demo.harness import (
    BOT_TOKEN,
    DATA_KEY,
    RESPONDERS,
    SIGNING_SECRET,
    free_port,
    sample_config,
)
from slacksim import BOT_USER_ID, SlackSimulator
from slacksim.forms import report_values
from slacksim.requests import Reply, SlackRequests

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 0.5  # CH_SLACK_TIMEOUT for the process (fractions allowed)
# A stall past every client's timeout: the process's (TIMEOUT) and the 1 s of the
# look-ups made before an ack (bot/app.py, quick_client).
STALL = 1.3
# CH_RETRY_BACKOFF: the first retry after 50 ms instead of 1 s (then doubling, as in
# production). The scenarios test what is retried and how often, not the waiting.
RETRY_BACKOFF = 0.05
HASH_KEY = "fault-hash-key-0123456789"
CASE_NO = re.compile(r"CH-\d{4}-\d{4,}")


class FaultSim(SlackSimulator):
    """The simulator, plus a fault on the Nth call of one method (counted from now)."""

    def __init__(self) -> None:
        super().__init__(token=BOT_TOKEN)
        self.nth: list[Any] | None = None
        self.post_fault: tuple[str, int | str] | None = None

    def on_nth(self, method: str, n: int, fault: int | str) -> None:
        """Fault ("stall" past the client timeout, or an HTTP status) on call n of method."""
        self.nth = [method, n, fault]

    def on_post(self, kind: str, fault: int | str) -> None:
        """Fault on the next chat.postMessage of one kind: "card", "thread" or
        "confirmation". By kind, not by count: the bot posts to the employee's DM and
        to the responders channel independently, so their order is not fixed."""
        self.post_fault = (kind, fault)

    def inject(self, method: str, fault: int | str, times: int = 1) -> None:
        if fault == "stall":
            self.stall(method, STALL, times=times)
        elif isinstance(fault, str) and fault.startswith("done+"):
            # The call takes effect, then Slack answers 5xx / internal_error / fatal_error.
            answer = fault.removeprefix("done+")
            if answer.isdigit():
                self.fail_after(method, int(answer), times=times)
            else:
                self.fail_after(method, 200, error=answer, times=times)
        else:
            assert isinstance(fault, int)
            self.fail(method, fault, times=times, retry_after=1)

    def clear_faults(self) -> None:
        super().clear_faults()
        self.nth = None
        self.post_fault = None

    def faults_pending(self) -> bool:
        """An injected fault has not been hit yet (the scenario is not over)."""
        rules = [*self._failures, *self._after_failures, *self._stalls]
        return (
            self.nth is not None
            or self.post_fault is not None
            or any(r.remaining > 0 for r in rules)
        )

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        nth = self.nth
        if nth is not None and request.match_info["method"] == nth[0]:
            nth[1] -= 1
            if nth[1] == 0:
                self.nth = None
                self.inject(nth[0], nth[2])
        if self.post_fault is not None and request.match_info["method"] == "chat.postMessage":
            try:
                args = await request.json()
            except ValueError:
                args = {}
            if post_kind(args) == self.post_fault[0]:
                fault, self.post_fault = self.post_fault[1], None
                self.inject("chat.postMessage", fault)
        return await super()._handle_api(request)


def post_kind(args: dict[str, Any]) -> str:
    """Which of a new case's three posts a chat.postMessage call is."""
    if args.get("thread_ts"):
        return "thread"
    return "card" if args.get("channel") == RESPONDERS else "confirmation"


def _toml(data: dict[str, Any], prefix: str = "") -> str:
    """Just enough TOML for sample_config(): scalars, lists of strings, nested tables."""
    lines, tables = [], []
    for key, value in data.items():
        if isinstance(value, dict):
            tables.append((key, value))
        elif isinstance(value, list):
            lines.append(
                f"{key} = [{', '.join(f'{v!r}'.replace(chr(39), chr(34)) for v in value)}]"
            )
        elif isinstance(value, int):
            lines.append(f"{key} = {value}")
        else:
            lines.append(f'{key} = "{value}"')
    out = "\n".join(lines) + "\n"
    for key, value in tables:
        name = f"{prefix}{key}"
        if all(isinstance(v, dict) for v in value.values()):
            out += _toml(value, f"{name}.")
        else:
            out += f"\n[{name}]\n" + _toml(value, f"{name}.")
    return out


def write_config(path: Path, **extra: Any) -> Path:
    path.write_text(_toml(sample_config(**extra)))
    return path


@dataclass
class BotProcess:
    """`python -m bot run` with its environment pointing at the simulator and tmp files."""

    sim: SlackSimulator
    workdir: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    log_path: Path = field(init=False)
    starts: int = 0

    def __post_init__(self) -> None:
        self.log_path = self.workdir / "bot.log"
        self.db_path = self.workdir / "ch.db"
        self.config_path = write_config(self.workdir / "ch-responder.toml")

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CH_"))}
        env.update(
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=self.sim.base_url,
            CH_DB=str(self.db_path),
            CH_CONFIG=str(self.config_path),
            CH_HASH_KEY=HASH_KEY,
            CH_DATA_KEY=base64.urlsafe_b64encode(DATA_KEY).decode(),
            CH_SLACK_TIMEOUT=str(TIMEOUT),
            CH_RETRY_BACKOFF=str(RETRY_BACKOFF),
            PORT=str(self.port),
            PYTHONPATH=str(ROOT),
        )
        return env

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self, wait: bool = True) -> None:
        assert self.proc is None or self.proc.poll() is not None
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=self.workdir,  # no stray .env is read
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.starts += 1
        if wait:
            await self.wait_healthy()

    async def health(self) -> dict[str, Any] | None:
        try:
            async with (
                aiohttp.ClientSession() as s,
                s.get(f"{self.url}/healthz", timeout=aiohttp.ClientTimeout(total=2)) as r,
            ):
                return dict(await r.json()) if r.status == 200 else None
        except (aiohttp.ClientError, TimeoutError):
            return None

    async def wait_healthy(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise AssertionError(f"bot exited {self.proc.returncode}:\n{self.logs()[-3000:]}")
            if await self.health():
                return
            await asyncio.sleep(0.1)
        raise AssertionError(f"bot not healthy in {timeout}s:\n{self.logs()[-3000:]}")

    def signal(self, sig: int) -> None:
        assert self.proc is not None
        self.proc.send_signal(sig)

    async def wait_exit(self, timeout: float = 15.0) -> int:
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None:
            if time.monotonic() > deadline:
                self.proc.kill()
                raise AssertionError("bot did not exit in time")
            await asyncio.sleep(0.05)
        return int(self.proc.returncode)

    async def kill(self) -> None:
        self.signal(signal.SIGKILL)
        await self.wait_exit()

    async def stop(self) -> int:
        if self.proc is None or self.proc.poll() is not None:
            return 0
        self.signal(signal.SIGTERM)
        return await self.wait_exit()

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def db(self) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=5)


@dataclass
class Submitted:
    scenario: str
    user: str
    view_id: str
    case_no: str | None  # from the "recorded" screen; None if the ack was not a success


@dataclass
class Ledger:
    scenarios: int = 0
    cases: int = 0
    lost: int = 0
    duplicates: int = 0
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"faults: scenarios={self.scenarios} cases={self.cases} "
            f"lost={self.lost} duplicates={self.duplicates}"
        )

    def add(self, other: Ledger) -> None:
        self.scenarios += other.scenarios
        self.cases += other.cases
        self.lost += other.lost
        self.duplicates += other.duplicates
        self.problems += other.problems


# Every test keeps its own Ledger (World.ledger), so one failure fails that test only;
# this one only sums them for the suite's closing line.
TOTAL = Ledger()


def views_with_two_cases(submissions: list[Submitted]) -> dict[str, list[str]]:
    """Submitted views that Slack was told are two different cases: a retried or
    double-clicked submission must answer with the same case number every time."""
    by_view: dict[str, set[str]] = {}
    for s in submissions:
        if s.case_no:
            by_view.setdefault(s.view_id, set()).add(s.case_no)
    return {v: sorted(nos) for v, nos in by_view.items() if len(nos) > 1}


class World:
    """One simulated workspace, one bot process, and the bookkeeping of what was submitted."""

    sim: FaultSim

    def __init__(self, sim: FaultSim, bot: BotProcess, session: aiohttp.ClientSession) -> None:
        self.sim = sim
        self.bot = bot
        self.session = session
        self.submitted: list[Submitted] = []
        self.secrets: set[str] = {"Fault User", "Sato Hana", "Tanaka Ken"}
        self._users = 0
        self.scenario = "start"
        self.ledger = Ledger()

    @property
    def slack(self) -> SlackRequests:
        return SlackRequests(f"{self.bot.url}/slack/events", SIGNING_SECRET, self.sim, self.session)

    def new_user(self) -> str:
        """A reporter the bot has never seen (its users.info cache is cold)."""
        self._users += 1
        uid = f"U0FLT{self._users:05d}"
        self.sim.add_user(uid, f"fault.user{self._users}", real_name=f"Fault User {self._users}")
        return uid

    async def open_form(
        self, user: str, attempts: int = 3, full: bool = True
    ) -> dict[str, Any]:
        """Type /report-ch until the form opens (a person retries when nothing appears);
        `full=False`: the first modal ("happening now" in one tap, or the form)."""
        for _ in range(attempts):
            trigger = self.sim.new_trigger(user)
            reply = await self.slack.slash("/report-ch", user, "", trigger_id=trigger)
            assert reply.status == 200, reply

            def opened(sim: SlackSimulator, trigger: str = trigger) -> Any:
                return next(
                    (
                        c.response["view"]
                        for c in sim.calls_to("views.open")
                        if c.args.get("trigger_id") == trigger and c.response.get("ok")
                    ),
                    None,
                )

            try:
                start: dict[str, Any] = await self.sim.wait_for(opened, timeout=6)
                return await self._full_form(user, start) if full else start
            except TimeoutError:
                self.sim.clear_faults()
                await self.sim.accept_connections()
        raise AssertionError(f"{self.scenario}: the report form never opened")

    async def _full_form(self, user: str, start: dict[str, Any]) -> dict[str, Any]:
        """The first modal's "Report something that happened": the form (issue 11)."""
        before = len(self.sim.calls_to("views.update"))
        reply = await self.slack.click(user, "report.full", "", view=start)
        assert reply.status == 200, reply

        def updated(sim: SlackSimulator) -> Any:
            return next(
                (
                    c.response["view"]
                    for c in sim.calls_to("views.update")[before:]
                    if c.args.get("view_id") == start["id"] and c.response.get("ok")
                ),
                None,
            )

        view: dict[str, Any] = await self.sim.wait_for(updated, timeout=6)
        return view

    def values(self, narrative: str, **form: Any) -> dict[str, Any]:
        return report_values(
            occurred_at=datetime.now(UTC) - timedelta(minutes=10),
            contact="phone",
            categories=["verbal_abuse"],
            danger="over",
            narrative=narrative,
            **form,
        )

    async def submit(
        self, user: str, view: dict[str, Any], headers: dict[str, str] | None = None, **form: Any
    ) -> Reply:
        # Text that must never reach the process's logs (checked at the end of every test).
        form.setdefault("narrative", f"顧客が怒鳴った secret-narrative-{view['id']}")
        form.setdefault("demand", f"secret-demand-{view['id']}")
        self.secrets.update((form["narrative"], form["demand"]))
        values = self.values(**form)
        submitted = {**view, "state": {"values": values}, "team_id": "T0SIM", "app_id": "A0SIM"}
        payload = {
            "type": "view_submission",
            "team": {"id": "T0SIM"},
            "user": {"id": user, "username": user.lower(), "team_id": "T0SIM"},
            "api_app_id": "A0SIM",
            "trigger_id": self.sim.new_trigger(user),
            "view": submitted,
        }
        reply = await self.slack.interact(payload, headers)
        case_no = None
        if reply.status == 200 and (reply.json() or {}).get("response_action") == "update":
            found = CASE_NO.search(json.dumps(reply.json()["view"]))
            case_no = found.group(0) if found else None
        self.submitted.append(Submitted(self.scenario, user, str(view["id"]), case_no))
        return reply

    async def report(self, **form: Any) -> Reply:
        user = self.new_user()
        return await self.submit(user, await self.open_form(user), **form)

    async def until(self, condition: Callable[[], object], timeout: float = 15.0) -> None:
        """Wait for a condition on what the process shows (its logs, its database)."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() >= deadline:
                raise AssertionError(f"{self.scenario}: still waiting after {timeout}s")
            await asyncio.sleep(0.05)

    async def settle(self, timeout: float = 30.0) -> None:
        """Until the bot says nothing is pending and every acknowledged case reached Slack."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            health = await self.bot.health()
            if health and health.get("pending_deliveries") == 0 and self._all_posted():
                return
            await asyncio.sleep(0.1)
        raise AssertionError(f"{self.scenario}: deliveries did not settle: {self.counts()}")

    def _all_posted(self) -> bool:
        return all(all(n >= 1 for n in self.posts(s.case_no)) for s in self.acked())

    def acked(self) -> list[Submitted]:
        return [s for s in self.submitted if s.case_no]

    def posts(self, case_no: str | None) -> tuple[int, int, int]:
        """(cards, thread replies under the card, DM confirmations) naming `case_no`."""
        assert case_no
        cards = [m for m in self.sim.messages(RESPONDERS) if case_no in (m.text or "")]
        replies = sum(
            1 for c in cards for m in self.sim.replies(RESPONDERS, c.ts) if m.user == BOT_USER_ID
        )
        dms = sum(
            1
            for m in self.sim.all_messages
            if m.channel.startswith("D") and case_no in (m.text or "")
        )
        return len(cards), replies, dms

    def counts(self) -> dict[str, Any]:
        return {s.case_no: self.posts(s.case_no) for s in self.acked()}

    def stored(self) -> dict[str, int]:
        """case_no -> rows in the database file, for every acknowledged case."""
        with self.bot.db() as conn:
            rows = conn.execute("SELECT case_no, view_id FROM cases").fetchall()
        by_no: dict[str, int] = {}
        for no, _ in rows:
            by_no[no] = by_no.get(no, 0) + 1
        return by_no

    def check(self, scenario_submissions: list[Submitted]) -> None:
        """Every acknowledged case stored once, carded once, threaded once, confirmed once."""
        stored, ledger = self.stored(), self.ledger
        # One view, one case, as Slack was told (a unique index keeps the database so;
        # this checks what the employee saw).
        for view_id, nos in views_with_two_cases(scenario_submissions).items():
            ledger.duplicates += len(nos) - 1
            ledger.problems.append(f"{self.scenario}: view {view_id} answered as {nos}")
        seen: set[str] = set()
        for s in scenario_submissions:
            if not s.case_no or s.case_no in seen:
                continue
            seen.add(s.case_no)
            ledger.cases += 1
            posts = self.posts(s.case_no)
            if stored.get(s.case_no, 0) == 0 or 0 in posts:
                ledger.lost += 1
                ledger.problems.append(f"{s.scenario}: {s.case_no} lost: {posts}")
            extra = max(0, stored.get(s.case_no, 0) - 1) + sum(max(0, n - 1) for n in posts)
            if extra:
                ledger.duplicates += extra
                ledger.problems.append(f"{s.scenario}: {s.case_no} doubled: {posts}")
        # No card anywhere for a case that was not acknowledged either.
        cards = [m.text or "" for m in self.sim.messages(RESPONDERS)]
        for no in stored:
            if sum(no in c for c in cards) > 1 and no not in seen:
                ledger.duplicates += 1
                ledger.problems.append(f"{self.scenario}: unacknowledged {no} carded twice")

    async def scenario_done(self, name: str, start: int) -> None:
        """Settle, check, and count one scenario; faults are cleared for the next one."""
        try:
            await self.sim.wait_for(lambda s: not s.faults_pending(), timeout=15)
        except TimeoutError:
            raise AssertionError(f"{name}: the injected fault was never hit") from None
        self.sim.clear_faults()
        await self.sim.accept_connections()
        await self.settle()
        self.ledger.scenarios += 1
        self.check(self.submitted[start:])
        assert not self.ledger.problems, self.ledger.problems

    def leaked(self) -> list[str]:
        """Report text, names or view state found in the process's logs."""
        logs = self.bot.logs()
        found = [s for s in self.secrets if s in logs]
        return found + [w for w in ('"state"', "private_metadata", "secret-") if w in logs]
