"""Reminders that matter reach Slack exactly once, whatever Slack answers (issue 9, 4 and 11).

An escalation or a welfare check-in goes through the outbox like a card: retried with
backoff for as long as Slack fails, and looked for by its metadata before a retry when
Slack may have posted it (a timeout, a 5xx, internal_error, fatal_error).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import sqlite_utils

from bot.clock import FixedClock
from bot.demo.harness import Harness, running_bot
from bot.flows.delivery.deliverer import Backoff
from bot.flows.retention import purge_due
from db.rows import iso
from tests.conftest import T0, check_all_calls
from tests.test_reminders import case_and_card, escalations, sql, tick

QUICK = Backoff(base=0.01, cap=0.05)  # production backs off to 5 minutes; tests need not


async def test_an_escalation_slack_refuses_for_a_long_while_is_retried_until_delivered(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with running_bot(tmp_path / "db", clock=clock, backoff=QUICK) as h:
        _, card = await case_and_card(h, danger="ongoing")
        # Slack answers 503 for ten minutes of ticks: where the escalation used to be
        # marked failed and dropped.
        h.sim.down()
        assert h.bot.reminders is not None
        for minutes in (10, 12, 14, 16, 18):  # the second escalation is due at 20
            clock.set(T0 + timedelta(minutes=minutes))
            await h.bot.reminders.tick(T0 + timedelta(minutes=minutes))
        h.sim.up()
        await tick(h, clock, T0 + timedelta(minutes=19))
        assert len(escalations(h, card)) == 1
        check_all_calls(h.sim)


async def test_an_escalation_that_timed_out_without_being_posted_is_posted(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with running_bot(tmp_path / "db", clock=clock, client_timeout=1, backoff=QUICK) as h:
        _, card = await case_and_card(h, danger="ongoing")
        # No answer within the client's timeout, and Slack did not post it either: the
        # reminder must not count as sent; the retry looks first and then posts.
        h.sim.stall("chat.postMessage", seconds=1.5, times=1)
        h.sim.fail("chat.postMessage", status=503, times=1)
        await tick(h, clock, T0 + timedelta(minutes=10))
        assert len(escalations(h, card)) == 1
        assert h.sim.calls_to("conversations.replies"), "the retry did not look first"


async def close_and_check_in(h: Harness, clock: FixedClock) -> int:
    case_id, _ = await case_and_card(h)
    await sql(h, "UPDATE cases SET status = 'closed', closed_at = ? WHERE id = ?", iso(T0), case_id)
    await tick(h, clock, T0)
    return case_id


@pytest.mark.parametrize("answer", ["done+500", "done+internal_error", "done+fatal_error"])
async def test_a_welfare_check_in_slack_posted_but_answered_as_failed_is_sent_once(
    tmp_path: Path, clock: FixedClock, answer: str
) -> None:
    async with running_bot(tmp_path / "db", clock=clock, backoff=QUICK) as h:
        await close_and_check_in(h, clock)
        employee = h.cast.employee
        before = len(h.sim.dms(employee))
        fault = answer.removeprefix("done+")
        if fault.isdigit():
            h.sim.fail_after("chat.postMessage", int(fault))
        else:
            h.sim.fail_after("chat.postMessage", 200, error=fault)
        await tick(h, clock, T0 + timedelta(days=14))
        for hours in (1, 2, 3):
            await tick(h, clock, T0 + timedelta(days=14, hours=hours))
        checkins = [m for m in h.sim.dms(employee)[before:] if "CH-2026-0001" in (m.text or "")]
        assert len(checkins) == 1
        check_all_calls(h.sim)


async def test_a_welfare_check_in_through_a_long_outage_is_delivered(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with running_bot(tmp_path / "db", clock=clock, backoff=QUICK) as h:
        await close_and_check_in(h, clock)
        before = len(h.sim.dms(h.cast.employee))
        calls = list(h.sim.calls)
        h.sim.down()
        clock.set(T0 + timedelta(days=14))
        assert h.bot.reminders is not None
        await h.bot.reminders.tick(T0 + timedelta(days=14))
        await h.sim.wait_for(lambda s: len(s.calls) > len(calls) + 30, timeout=10)
        h.sim.up()
        await h.settle()
        assert len(h.sim.dms(h.cast.employee)) == before + 1


async def test_the_check_in_channel_is_sealed_and_purged_with_the_identity(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with running_bot(tmp_path / "db", clock=clock, backoff=QUICK) as h:
        case_id = await close_and_check_in(h, clock)
        await tick(h, clock, T0 + timedelta(days=14))
        dm = h.sim.dms(h.cast.employee)[-1].channel

        def stored(db: sqlite_utils.Database) -> list[str | None]:
            query = "SELECT channel FROM reminders WHERE case_id = ? AND kind = 'welfare'"
            return [r[0] for r in db.execute(query, [case_id]).fetchall()]

        [channel] = await h.bot.ctx.store.run(stored)
        assert channel and channel.startswith("v1:") and dm not in channel
        clock.set(T0 + timedelta(days=3650))  # long past every retention period
        await purge_due(h.bot.ctx)
        assert await h.bot.ctx.store.run(stored) == [None]


@pytest.mark.parametrize("fault", ["503s", "done+500"])
async def test_a_report_of_worse_treatment_reaches_hr_once_whatever_slack_answers(
    tmp_path: Path, clock: FixedClock, fault: str
) -> None:
    # The HR notice is what the check-in exists for: it goes through the outbox, so an
    # outage delays it and a post Slack answered as failed is not sent twice.
    from bot.views.ids import Action

    async with running_bot(tmp_path / "db", clock=clock, backoff=QUICK) as h:
        await close_and_check_in(h, clock)
        await tick(h, clock, T0 + timedelta(days=14))
        checkin = h.sim.dms(h.cast.employee)[-1]
        worse = next(
            e
            for b in checkin.blocks
            if b["type"] == "actions"
            for e in b["elements"]
            if e["action_id"] == Action.WELFARE_WORSE
        )
        if fault == "503s":
            h.sim.fail("chat.postMessage", status=503, times=6)
        else:
            h.sim.fail_after("chat.postMessage", 500)
        await h.slack.click(
            h.cast.employee,
            Action.WELFARE_WORSE,
            worse["value"],
            channel=checkin.channel,
            message_ts=checkin.ts,
        )
        # The flow runs after the ack: its last step redraws the check-in, by which time
        # the notices are in the outbox; then until the outbox is empty.
        await h.sim.wait_for(lambda s: checkin.update_count >= 1)
        await h.settle()
        for hr in (h.cast.hr, h.cast.hr_group_member):
            notices = [m for m in h.sim.dms(hr) if "CH-2026-0001" in (m.text or "")]
            assert len(notices) == 1, hr
