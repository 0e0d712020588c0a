"""The database write-locked past the busy timeout: the real process, another sqlite3
connection holding the lock (a backup, a long HR query), nothing lost, nothing doubled.

The employee told "being recorded" must get exactly one case, one card, one checklist
reply and one confirmation once the lock clears, even if the bot was SIGKILLed and
restarted meanwhile; a DM reply sent during the lock reaches the case thread once.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from typing import Any

import pytest

from bot.demo.harness import RESPONDERS
from bot.i18n import t
from slacksim import BOT_USER_ID
from tests.faults.world import Submitted, World

# The real process: slow (minutes). `pytest -m "not slow"` leaves it out while iterating.
pytestmark = pytest.mark.slow

BUSY_TIMEOUT = 5.0  # db/store.py: PRAGMA busy_timeout=5000
# Holds the write lock until the test writes a line to its stdin.
LOCKER = """
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
c.execute("UPDATE outbox SET attempts = attempts WHERE 0")
print("locked", flush=True)
sys.stdin.readline()
c.execute("COMMIT")
"""


class Locker:
    def __init__(self, world: World) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", LOCKER, str(world.bot.db_path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None and self.proc.stdout.readline().strip() == "locked"

    def release(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.write("\n")
            self.proc.stdin.flush()
            assert self.proc.wait(5) == 0


async def case_of_view(world: World, view_id: str, timeout: float = 40.0) -> str:
    """The case number the database holds for a submitted form, once it is there."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with world.bot.db() as conn:
            row = conn.execute("SELECT case_no FROM cases WHERE view_id = ?", [view_id]).fetchone()
        if row:
            return str(row[0])
        await asyncio.sleep(0.2)
    raise AssertionError(f"{world.scenario}: the report told 'being recorded' was never filed")


def recording_screen(reply_json: dict[str, Any]) -> bool:
    shown = json.dumps(reply_json.get("view") or {}, ensure_ascii=False)
    return any(t(lang, "confirm.recording") in shown for lang in ("ja", "en"))


@pytest.mark.parametrize("kill", [False, True], ids=["lock", "lock_and_sigkill"])
async def test_database_locked_past_the_busy_timeout_during_a_submission(
    world: World, kill: bool
) -> None:
    bot = world.bot
    world.scenario = "locked past busy timeout" + (", SIGKILL and restart" if kill else "")
    start = len(world.submitted)
    user = world.new_user()
    view = await world.open_form(user)
    locker = Locker(world)
    try:
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        reply = await world.submit(user, view)
        assert loop.time() - t0 < 3.0, "Slack's ack deadline"
        assert reply.status == 200 and recording_screen(reply.json() or {}), reply
        if kill:  # killed while the commit waits on the lock; restarted still locked
            await bot.kill()
            await bot.start(wait=False)
        await asyncio.sleep(BUSY_TIMEOUT + 1.0)  # past the busy timeout, still locked
    finally:
        locker.release()
    if kill:
        await bot.wait_healthy()
    # Now judge it like any acknowledged case: stored, carded, threaded, confirmed once.
    world.submitted[-1].case_no = await case_of_view(world, str(view["id"]))
    await world.scenario_done(world.scenario, start)


async def test_dm_reply_during_a_lock(world: World) -> None:
    sim = world.sim
    world.scenario, start = "DM reply during a lock: baseline", len(world.submitted)
    await world.report()
    await world.scenario_done(world.scenario, start)
    filed = world.submitted[-1]
    assert filed.case_no
    card = next(m for m in sim.messages(RESPONDERS) if filed.case_no in (m.text or ""))
    body = "secret-reply: he called again during the lock"
    world.secrets.add(body)
    event = {
        "type": "event_callback",
        "team_id": "T0SIM",
        "api_app_id": "A0SIM",
        "event_id": "Ev0LOCKDM1",
        "event_time": 1,
        "event": {
            "type": "message",
            "channel_type": "im",
            "channel": sim.dm_channel(filed.user),
            "user": filed.user,
            "text": body,
            "ts": "1764300999.000200",
            "client_msg_id": "5f0c-lock-dm",
        },
    }
    world.scenario, start = "DM reply during a lock", len(world.submitted)
    locker = Locker(world)
    try:
        # Acked at once, so Slack will not send it again: it must survive the lock.
        t0 = time.monotonic()
        reply = await world.slack.post(json.dumps(event), "application/json")
        assert reply.status == 200 and time.monotonic() - t0 < 3.0, reply
        await asyncio.sleep(BUSY_TIMEOUT + 1.0)
    finally:
        locker.release()

    notice = {t(lang, "conversation.replied", case_no=filed.case_no) for lang in ("ja", "en")}

    def relayed(s: Any) -> int:
        """Notices of the reply in the thread; her words are never among them."""
        thread = [m for m in s.replies(RESPONDERS, card.ts) if m.user == BOT_USER_ID]
        assert not any(body in json.dumps(m.blocks or [], ensure_ascii=False) + (m.text or "")
                       for m in thread), "the employee's words were posted to the thread"
        return sum(m.text in notice for m in thread)

    await sim.wait_for(lambda s: relayed(s) >= 1, timeout=40)
    # A late retry of the same event (same event_id and client_msg_id) relays nothing.
    headers = {"x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout"}
    assert (await world.slack.post(json.dumps(event), "application/json", headers)).status == 200
    await asyncio.sleep(1.0)  # a second relay would have had time to arrive
    await world.scenario_done(world.scenario, start)
    assert relayed(sim) == 1, "the reply reached the thread more than once"
    said = [m.text for m in sim.dms(filed.user) if m.user == BOT_USER_ID]
    passed_on = {t(lang, "act.relay.passed_on", case_no=filed.case_no) for lang in ("ja", "en")}
    assert sum(x in passed_on for x in said) == 1, "the employee was told 'passed on' once"


async def test_a_tap_during_a_lock_shows_safety_at_once_and_files_one_case(world: World) -> None:
    """Happening now (issue 11): with the database locked, the tap still shows the
    safety steps within Slack's budget, says the alert is being recorded, and the case
    (one card, one thread, one confirmation) follows once the lock clears."""
    world.scenario, start = "one tap during a lock", len(world.submitted)
    user = world.new_user()
    first = await world.open_form(user, full=False)
    locker = Locker(world)
    try:
        t0 = time.monotonic()
        reply = await world.slack.interact(
            {
                "type": "view_submission",
                "team": {"id": "T0SIM"},
                "user": {"id": user, "username": user.lower(), "team_id": "T0SIM"},
                "api_app_id": "A0SIM",
                "trigger_id": world.sim.new_trigger(user),
                "view": {**first, "state": {"values": {}}, "team_id": "T0SIM"},
            }
        )
        assert reply.status == 200 and time.monotonic() - t0 < 3.0, reply
        shown = json.dumps(reply.json()["view"], ensure_ascii=False)
        assert any(t(lang, "confirm.safety_title") in shown for lang in ("ja", "en"))
        assert any(t(lang, "urgent.status_pending") in shown for lang in ("ja", "en"))
        await asyncio.sleep(BUSY_TIMEOUT + 1.0)
    finally:
        locker.release()
    case_no = await case_of_view(world, str(first["id"]))
    world.submitted.append(Submitted(world.scenario, user, str(first["id"]), case_no))
    await world.scenario_done(world.scenario, start)
