"""Faults survived, nothing lost, nothing doubled: the real bot process under Slack failures,
kills, retries, double submits, a locked database and shutdown.

After every scenario each acknowledged case must be in the database once, its card in the
responders channel once, its checklist reply once and the employee's confirmation once.
"""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys

import pytest

from bot.demo.harness import RESPONDERS, Cast
from tests.faults.world import TIMEOUT, World, post_kind

# The real process: slow (minutes). `pytest -m "not slow"` leaves it out while iterating.
pytestmark = pytest.mark.slow

FAULTS: tuple[int | str, ...] = (500, 503, 429, "stall")
# The Nth chat.postMessage of a new case: 1 = card, 2 = checklist reply, 3 = confirmation DM.
POSTS = ("card", "thread", "confirmation")
# A lookup happens only when a post may have happened unanswered (a stall past the
# timeout): (the lookup method, the post stalled to cause it).
LOOKUPS = (
    ("conversations.history", "card"),
    ("conversations.replies", "thread"),
    ("conversations.open", "confirmation"),
)


async def test_slack_errors_before_the_ack(world: World) -> None:
    sim = world.sim
    for method in ("users.info", "views.open"):
        for fault in FAULTS:
            world.scenario, start = f"{method} {fault}", len(world.submitted)
            sim.inject(method, fault)
            reply = await world.report()
            assert reply.status == 200, (world.scenario, reply)
            await world.scenario_done(world.scenario, start)
    # Refused connections while the form opens (the person tries again), and after the ack.
    world.scenario, start = "refused at /report-ch", len(world.submitted)
    await sim.refuse_connections()
    assert (await world.report()).status == 200
    await world.scenario_done(world.scenario, start)
    world.scenario, start = "refused after ack", len(world.submitted)
    user = world.new_user()
    view = await world.open_form(user)
    await sim.refuse_connections()
    retries = world.bot.logs().count("delivery failed, will retry")
    assert (await world.submit(user, view)).status == 200  # no Slack call before the ack
    # Until the bot has tried to post into the refused connection (and will retry).
    await world.until(lambda: world.bot.logs().count("delivery failed, will retry") > retries)
    await world.scenario_done(world.scenario, start)


# One process per fault: each runs beside the others (pytest-xdist), and a 429, which
# paces the responders channel at Slack's 1 post/s for a minute, slows only its own.
@pytest.mark.parametrize("fault", FAULTS)
async def test_slack_errors_on_every_post_and_lookup(world: World, fault: int | str) -> None:
    sim = world.sim
    for kind in POSTS:
        world.scenario, start = f"chat.postMessage({kind}) {fault}", len(world.submitted)
        user = world.new_user()
        view = await world.open_form(user)
        sim.on_post(kind, fault)
        assert (await world.submit(user, view)).status == 200
        await world.scenario_done(world.scenario, start)
    for method, kind in LOOKUPS:
        world.scenario, start = f"{method} {fault}", len(world.submitted)
        user = world.new_user()
        view = await world.open_form(user)
        sim.on_post(kind, "stall")  # the post times out: the retry looks first
        sim.inject(method, fault)
        assert (await world.submit(user, view)).status == 200
        await world.scenario_done(world.scenario, start)
        assert sim.calls_to(method), f"{world.scenario}: the lookup was never exercised"


@pytest.mark.parametrize("fault", (*FAULTS, "refused"))
async def test_faults_on_auth_test_at_start_and_membership_checks(
    world: World, fault: int | str
) -> None:
    sim, bot, cast = world.sim, world.bot, Cast()
    world.scenario, start = "baseline", len(world.submitted)
    await world.report()
    await world.scenario_done(world.scenario, start)
    card = sim.messages(RESPONDERS)[-1]
    value = next(
        el["value"]
        for b in card.blocks
        if b["type"] == "actions"
        for el in b["elements"]
        if el["action_id"] == "case.view_details"
    )
    # auth.test runs once, at start: the bot must start and serve anyway.
    world.scenario, start = f"auth.test {fault} at start", len(world.submitted)
    assert await bot.stop() == 0
    if fault == "refused":
        await sim.refuse_connections()
    else:
        sim.inject("auth.test", fault)
    failed = bot.logs().count("auth.test failed at start")
    await bot.start(wait=False)
    if fault == "refused":  # until the bot has met the refused connection, then let it in
        await world.until(lambda: bot.logs().count("auth.test failed at start") > failed)
        await sim.accept_connections()
    await bot.wait_healthy()
    await world.report()
    await world.scenario_done(world.scenario, start)
    if fault == "refused":
        return
    # conversations.members decides who may see details (cached 60 s: cold after restart).
    world.scenario, start = f"conversations.members {fault}", len(world.submitted)
    assert await bot.stop() == 0
    await bot.start()
    posts_before = len(sim.all_messages)
    opened_before = len(sim.views_opened)
    sim.inject("conversations.members", fault)
    reply = await world.slack.click(
        cast.responder, "case.view_details", value, channel=RESPONDERS, message_ts=card.ts
    )
    assert reply.status == 200
    if fault != "stall":  # retried inside the client: the modal opens
        await sim.wait_for(lambda s, n=opened_before: len(s.views_opened) > n, timeout=8)
        assert sim.views_opened[-1].view["callback_id"] == "case.details"
    await world.scenario_done(world.scenario, start)
    assert len(sim.all_messages) == posts_before, "a details click posted to Slack"


async def test_sigkill_at_every_step_between_ack_and_last_post(world: World) -> None:
    sim, bot = world.sim, world.bot
    # Before the card: Slack is down, the bot is killed while it keeps retrying.
    world.scenario, start = "kill before card", len(world.submitted)
    user = world.new_user()
    view = await world.open_form(user)
    sim.down()
    assert (await world.submit(user, view)).status == 200
    await sim.wait_for(lambda s: any(c.http_status == 503 for c in s.calls[-5:]))
    await bot.kill()
    sim.up()
    await bot.start()
    await world.scenario_done(world.scenario, start)
    # After post N reached Slack but before the bot recorded it.
    for kind in POSTS:
        world.scenario, start = f"kill after {kind} posted", len(world.submitted)
        user = world.new_user()
        view = await world.open_form(user)
        before = len(sim.calls_to("chat.postMessage"))
        sim.on_post(kind, "stall")
        assert (await world.submit(user, view)).status == 200
        await sim.wait_for(
            lambda s, b=before, k=kind: any(
                post_kind(c.args) == k for c in s.calls_to("chat.postMessage")[b:]
            )
        )
        await bot.kill()
        sim.clear_faults()
        await bot.start()
        await world.scenario_done(world.scenario, start)


async def test_duplicates_double_submits_and_concurrent_reports(world: World) -> None:
    sim, cast = world.sim, Cast()
    world.scenario, start = "submission delivered twice", len(world.submitted)
    user = world.new_user()
    view = await world.open_form(user)
    first = await world.submit(user, view)
    again = await world.submit(user, view, headers={"x-slack-retry-num": "1"})
    assert first.json() == again.json()  # the same "recorded" screen: the same case
    await world.scenario_done(world.scenario, start)

    world.scenario, start = "double click on submit", len(world.submitted)
    user = world.new_user()
    view = await world.open_form(user)
    replies = await asyncio.gather(world.submit(user, view), world.submit(user, view))
    assert all(r.status == 200 for r in replies)
    assert len({s.case_no for s in world.submitted[start:]}) == 1
    await world.scenario_done(world.scenario, start)

    world.scenario, start = "two reports at once", len(world.submitted)
    users = [world.new_user(), world.new_user()]
    views = [await world.open_form(u) for u in users]
    await asyncio.gather(*(world.submit(u, v) for u, v in zip(users, views, strict=True)))
    assert len({s.case_no for s in world.submitted[start:]}) == 2
    await world.scenario_done(world.scenario, start)

    world.scenario, start = "two responders press View details at once", len(world.submitted)
    card = sim.messages(RESPONDERS)[-1]
    value = card.blocks[-2]["elements"][0]["value"]
    posts = len(sim.all_messages)
    opened = len(sim.views_opened)
    clicks = await asyncio.gather(
        *(
            world.slack.click(u, "case.view_details", value, channel=RESPONDERS, message_ts=card.ts)
            for u in (cast.responder, cast.responder2)
        )
    )
    assert [c.status for c in clicks] == [200, 200]
    await sim.wait_for(lambda s: len(s.views_opened) == opened + 2)
    await world.scenario_done(world.scenario, start)
    assert len(sim.all_messages) == posts

    world.scenario, start = "event delivered twice", len(world.submitted)
    reporter = world.submitted[-1].user
    event = {
        "type": "event_callback",
        "team_id": "T0SIM",
        "api_app_id": "A0SIM",
        "event_id": "Ev0FAULT01",
        "event_time": 1,
        "event": {
            "type": "message",
            "channel_type": "im",
            "channel": sim.dm_channel(reporter),
            "user": reporter,
            "text": "one more thing",
            "ts": "1764300999.000100",
        },
    }
    counts = []
    for retry in ("0", "1", "2"):
        headers = {"x-slack-retry-num": retry, "x-slack-retry-reason": "http_timeout"}
        reply = await world.slack.post(json.dumps(event), "application/json", headers)
        assert reply.status == 200, reply
        await asyncio.sleep(0.5)
        counts.append(len(sim.all_messages))
    await world.scenario_done(world.scenario, start)
    assert counts[0] == counts[1] == counts[2], "a retried event acted twice"


LOCKER = """
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
c.execute("UPDATE outbox SET attempts = attempts WHERE 0")
print("locked", flush=True)
time.sleep(1.0)
c.execute("COMMIT")
"""


async def test_database_briefly_locked_by_another_process(world: World) -> None:
    world.scenario, start = "database locked during submit", len(world.submitted)
    user = world.new_user()
    view = await world.open_form(user)
    await world.report()  # a case whose deliveries may overlap the lock too
    locker = subprocess.Popen(
        [sys.executable, "-c", LOCKER, str(world.bot.db_path)], stdout=subprocess.PIPE, text=True
    )
    assert locker.stdout is not None and locker.stdout.readline().strip() == "locked"
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    reply = await world.submit(user, view)
    assert reply.status == 200 and reply.json()["response_action"] == "update", reply
    assert loop.time() - t0 < 3.0  # Slack's ack deadline
    assert locker.wait(5) == 0
    await world.scenario_done(world.scenario, start)


async def test_sigterm_finishes_in_flight_work_or_leaves_it_pending(world: World) -> None:
    sim, bot = world.sim, world.bot
    slow = TIMEOUT / 2  # slow, but answered within the process's timeout
    for stall, name in ((slow, "SIGTERM during a slow post"), (None, "SIGTERM during a timeout")):
        world.scenario, start = name, len(world.submitted)
        user = world.new_user()
        view = await world.open_form(user)
        before = len(sim.calls_to("chat.postMessage"))
        if stall is None:
            sim.on_nth("chat.postMessage", 1, "stall")
        else:
            sim.stall("chat.postMessage", stall)
        assert (await world.submit(user, view)).status == 200
        await sim.wait_for(lambda s, b=before: len(s.calls_to("chat.postMessage")) > b)
        bot.signal(signal.SIGTERM)
        assert await bot.wait_exit() == 0
        assert "ch-responder stopped" in bot.logs()
        with bot.db() as conn:
            states = conn.execute("SELECT status, ts FROM outbox").fetchall()
        # Never half done: every row is either done with its message, or still pending.
        assert all((s == "done" and ts) or (s == "pending" and not ts) for s, ts in states)
        if stall is not None:  # the slow post finished before the process exited
            case_no = world.submitted[-1].case_no
            with bot.db() as conn:
                card_ts = conn.execute(
                    "SELECT card_ts FROM cases WHERE case_no = ?", [case_no]
                ).fetchone()[0]
            assert card_ts
        sim.clear_faults()
        await bot.start()
        await world.scenario_done(world.scenario, start)

