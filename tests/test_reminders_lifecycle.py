"""Reminders across a restart, the daily digest, shift changes, and the welfare check-in."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import sqlite_utils

from bot.clock import FixedClock
from bot.demo.harness import RESPONDERS, Harness, populate, running_bot
from bot.views.ids import Action
from db import reminders, timeline
from db.rows import iso
from slacksim import SlackSimulator
from tests.conftest import T0, check_all_calls
from tests.test_reminders import (
    acknowledge,
    bot_replies,
    case_and_card,
    escalations,
    sql,
    tick,
)


async def test_restart_in_the_middle_fires_nothing_twice(tmp_path: Path, clock: FixedClock) -> None:
    db_path = tmp_path / "ch.db"
    async with SlackSimulator(token="xoxb-sim-token") as sim:
        populate(sim)
        async with running_bot(db_path, clock=clock, sim=sim) as h:
            _, card = await case_and_card(h, danger="ongoing")  # urgent: every 10 minutes
            await tick(h, clock, T0 + timedelta(minutes=10))
            assert len(escalations(h, card)) == 1
            before_restart = len(bot_replies(h, card))
        # Down for a while; the second escalation fell due meanwhile.
        clock.set(T0 + timedelta(minutes=25))
        async with running_bot(db_path, clock=clock, sim=sim) as h2:
            await tick(h2, clock, T0 + timedelta(minutes=25))
            await tick(h2, clock, T0 + timedelta(minutes=25))
            texts = [m.text or "" for m in escalations(h2, card)]
            assert len(texts) == 2 and "2/3" in texts[1]
            # Step reminders already sent before the restart were not sent again.
            sent = [m.text for m in bot_replies(h2, card)[:before_restart]]
            after = [m.text for m in bot_replies(h2, card)[before_restart:]]
            assert not set(sent) & set(after) - {None}
            await tick(h2, clock, T0 + timedelta(minutes=35))
            assert len(escalations(h2, card)) == 3
            check_all_calls(sim)


def _reminder_rows(db: sqlite_utils.Database, kind: str) -> list[tuple[str, str | None]]:
    return [
        (k, f)
        for k, f in db.execute(
            "SELECT key, outcome FROM reminders WHERE kind = ? ORDER BY id", [kind]
        ).fetchall()
    ]


async def test_daily_digest_lists_open_cases_once_and_is_skipped_when_none(
    h: Harness, clock: FixedClock
) -> None:
    await tick(h, clock, T0)  # 10:00: tomorrow's 09:00 digest is planned
    tomorrow_9 = datetime.fromisoformat("2026-11-28T09:00:00+09:00")
    await tick(h, clock, tomorrow_9)
    assert h.sim.messages(RESPONDERS) == [], "nothing open: no digest"

    case_id, _ = await case_and_card(h)
    await sql(h, "UPDATE cases SET lead = ? WHERE id = ?", h.cast.responder, case_id)
    await case_and_card(h, categories=["threat"])
    cards = len(h.sim.messages(RESPONDERS))
    await tick(h, clock, tomorrow_9 + timedelta(days=1) - timedelta(minutes=1))
    assert len(h.sim.messages(RESPONDERS)) == cards
    await tick(h, clock, tomorrow_9 + timedelta(days=1))
    await tick(h, clock, tomorrow_9 + timedelta(days=1, minutes=1))
    [digest] = h.sim.messages(RESPONDERS)[cards:]
    body = str(digest.blocks)
    assert "2件" in (digest.text or "")
    assert "CH-2026-0001" in body and "CH-2026-0002" in body
    assert f"<@{h.cast.responder}>" in body  # the first case's lead
    rows = await h.bot.ctx.store.run(_reminder_rows, "digest")
    assert rows[:2] == [("digest:2026-11-28", "skipped"), ("digest:2026-11-29", "sent")]


async def test_shift_change_pings_the_new_person_in_waiting_threads(
    h: Harness, clock: FixedClock
) -> None:
    _, waiting = await case_and_card(h)
    acked_id, acked = await case_and_card(h)
    await acknowledge(h, acked_id, T0)
    await tick(h, clock, T0)
    counseling = h.bot.ctx.config.rotations["counseling"]
    nine = datetime.fromisoformat("2026-11-28T09:00:00+09:00")
    new_person = counseling.on_duty(nine)
    assert new_person != counseling.on_duty(T0)

    await tick(h, clock, nine)
    await tick(h, clock, nine + timedelta(minutes=1))
    pings = [m for m in bot_replies(h, waiting) if "当番交代" in (m.text or "")]
    assert len(pings) == 1 and f"<@{new_person}>" in (pings[0].text or "")
    assert not [m for m in bot_replies(h, acked) if "当番交代" in (m.text or "")]


async def test_welfare_check_in_and_a_report_of_worse_treatment_reaches_hr(
    h: Harness, clock: FixedClock
) -> None:
    case_id, _ = await case_and_card(h)
    # Closed the way the thread's Close button closes (status + closed_at); the loop
    # notices the close and schedules the check-in even though nobody asked it to.
    await sql(h, "UPDATE cases SET status = 'closed', closed_at = ? WHERE id = ?", iso(T0), case_id)
    await tick(h, clock, T0)
    employee = h.cast.employee
    await h.settle()  # earlier notices (issue 11) are out first
    dms_before = len(h.sim.dms(employee))
    await tick(h, clock, T0 + timedelta(days=13))
    assert len(h.sim.dms(employee)) == dms_before
    await tick(h, clock, T0 + timedelta(days=14))
    [checkin] = h.sim.dms(employee)[dms_before:]
    assert "CH-2026-0001" in (checkin.text or "") and "14" in (checkin.text or "")
    worse = next(
        e
        for b in checkin.blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == Action.WELFARE_WORSE
    )

    # Only the employee can answer it.
    await h.slack.click(
        h.cast.outsider,
        Action.WELFARE_WORSE,
        worse["value"],
        channel=checkin.channel,
        message_ts=checkin.ts,
    )
    await h.sim.wait_for(lambda s: s.dms(h.cast.outsider))
    assert h.sim.dms(h.cast.hr) == []

    for _ in range(2):  # a double click counts once
        reply = await h.slack.click(
            employee,
            Action.WELFARE_WORSE,
            worse["value"],
            channel=checkin.channel,
            message_ts=checkin.ts,
        )
        assert reply.status == 200
        await h.sim.wait_for(lambda s: checkin.update_count >= 1)
    await h.sim.wait_for(lambda s: checkin.update_count == 2)
    await h.settle()  # the notices go through the outbox: until it is empty
    for hr in (h.cast.hr, h.cast.hr_group_member):
        [notice] = h.sim.dms(hr)
        assert "CH-2026-0001" in (notice.text or "")
    assert Action.WELFARE_WORSE not in str(checkin.blocks)
    entries = await h.bot.ctx.store.run(timeline.entries, case_id)
    flagged = [e for e in entries if e.event == "retaliation_reported"]
    assert len(flagged) == 1 and flagged[0].detail == {"flagged": True}


async def test_schedule_welfare_and_the_loop_agree_on_one_check_in(
    h: Harness, clock: FixedClock
) -> None:
    case_id, _ = await case_and_card(h)
    closed = T0 + timedelta(hours=3)
    await sql(
        h, "UPDATE cases SET status = 'closed', closed_at = ? WHERE id = ?", iso(closed), case_id
    )
    await h.bot.ctx.store.run(reminders.schedule_welfare, case_id, closed)
    await tick(h, clock, closed)
    rows = await h.bot.ctx.store.run(_reminder_rows, "welfare")
    assert len(rows) == 1


async def test_asking_for_counseling_reaches_the_counselor_on_duty(
    h: Harness, clock: FixedClock
) -> None:
    case_id, _ = await case_and_card(h)
    await sql(h, "UPDATE cases SET status = 'closed', closed_at = ? WHERE id = ?", iso(T0), case_id)
    await tick(h, clock, T0)
    later = T0 + timedelta(days=14)
    await tick(h, clock, later)
    checkin = h.sim.dms(h.cast.employee)[-1]
    button = next(
        e
        for b in checkin.blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == Action.WELFARE_COUNSELING
    )
    await h.slack.click(
        h.cast.employee,
        Action.WELFARE_COUNSELING,
        button["value"],
        channel=checkin.channel,
        message_ts=checkin.ts,
    )
    counselor = h.bot.ctx.config.rotations["counseling"].on_duty(later)
    await h.sim.wait_for(lambda s: s.dms(counselor))
    assert "CH-2026-0001" in (h.sim.dms(counselor)[0].text or "")
    await h.sim.wait_for(lambda s: checkin.update_count == 1)
    assert Action.WELFARE_COUNSELING not in str(checkin.blocks)
    assert Action.WELFARE_WORSE in str(checkin.blocks), "the other questions stay open"
    assert h.sim.dms(h.cast.hr) == []
