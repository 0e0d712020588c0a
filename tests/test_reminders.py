"""Escalation and open-step reminders through the real bot, driven by a fixed clock.

The loop's `tick(now)` is called directly instead of sleeping; everything else (filing
reports, snooze buttons) goes through signed requests to the real endpoint.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils

from bot.clock import FixedClock
from bot.demo.harness import RESPONDERS, Harness, running_bot
from bot.views.ids import Action
from db import handling
from slacksim import Message
from tests.case_kit import file_case
from tests.conftest import T0

TEAM = "ja"  # the simulated company's team language


async def case_and_card(h: Harness, **form: Any) -> tuple[int, Message]:
    """tests/case_kit.file_case, as what the reminder tests look at: (case id, the card
    that heads the thread)."""
    filed = await file_case(h, **form)
    return filed.id, filed.card


def bot_replies(h: Harness, card: Message) -> list[Message]:
    """What the reminder loop said in the thread (the checklist reply left out)."""
    return h.sim.replies(RESPONDERS, card.ts)[1:]


def escalations(h: Harness, card: Message) -> list[Message]:
    return [m for m in bot_replies(h, card) if "エスカレーション" in (m.text or "")]


def step_reminders(h: Harness, card: Message) -> list[Message]:
    return [m for m in bot_replies(h, card) if "対応手順がまだ完了していません" in (m.text or "")]


async def sql(h: Harness, query: str, *params: object) -> None:
    """Set a case state no db function sets directly (closed at a chosen time, without
    the notices a real close queues)."""

    def run(db: sqlite_utils.Database) -> None:
        db.execute(query, list(params))

    await h.bot.ctx.store.run(run)


async def acknowledge(h: Harness, case_id: int, at: datetime) -> None:
    await h.bot.ctx.store.run(handling.acknowledge, case_id, at, h.cast.responder)


async def tick(h: Harness, clock: FixedClock, at: datetime) -> int:
    """One reminder tick, then until its messages left the outbox (what Slack shows)."""
    clock.set(at)
    assert h.bot.reminders is not None
    queued = await h.bot.reminders.tick(at)
    await h.settle()
    return queued


def title(h: Harness, step_id: str) -> str:
    return h.bot.ctx.policy.step(step_id).title.get(TEAM)


async def test_unacknowledged_case_escalates_a_bounded_number_of_times(
    h: Harness, clock: FixedClock
) -> None:
    _, card = await case_and_card(h, danger="ongoing")  # urgent: 10 minutes
    await tick(h, clock, T0 + timedelta(minutes=9))
    assert escalations(h, card) == []

    await tick(h, clock, T0 + timedelta(minutes=10))
    [first] = escalations(h, card)
    cast, now = h.cast, T0 + timedelta(minutes=10)
    rotations = h.bot.ctx.config.rotations
    legal, counseling = rotations["legal"], rotations["counseling"]
    expected = [
        legal.on_duty(now),
        counseling.on_duty(now),
        legal.next_shift(now).member,
        counseling.next_shift(now).member,
        cast.hr,
    ]
    for person in expected:
        assert f"<@{person}>" in (first.text or ""), person
    assert f"<!subteam^{cast.hr_group}>" in (first.text or "")
    assert "1/3" in (first.text or "")

    await tick(h, clock, T0 + timedelta(minutes=10))  # same moment again: nothing new
    assert len(escalations(h, card)) == 1
    for minutes in (20, 30, 40, 50, 60):
        await tick(h, clock, T0 + timedelta(minutes=minutes))
    texts = [m.text or "" for m in escalations(h, card)]
    assert len(texts) == 3 and "2/3" in texts[1] and "3/3" in texts[2]


async def test_acknowledged_case_does_not_escalate(h: Harness, clock: FixedClock) -> None:
    case_id, card = await case_and_card(h, categories=["threat"])  # high: 30 minutes
    await acknowledge(h, case_id, T0 + timedelta(minutes=5))
    await tick(h, clock, T0 + timedelta(hours=2))
    assert escalations(h, card) == []
    assert step_reminders(h, card), "open steps are still reminded"


async def test_step_reminders_mention_the_lead_and_skip_done_steps(
    h: Harness, clock: FixedClock
) -> None:
    case_id, card = await case_and_card(h)
    await acknowledge(h, case_id, T0)
    await h.bot.ctx.store.run(handling.take_lead, case_id, T0, h.cast.responder2)
    await h.bot.ctx.store.run(handling.complete_step, case_id, "safety", T0, h.cast.responder)
    await tick(h, clock, T0 + timedelta(minutes=15))
    assert step_reminders(h, card) == []  # "safety" was done: no reminder

    await tick(h, clock, T0 + timedelta(hours=1))
    [reminder] = step_reminders(h, card)
    assert f"<@{h.cast.responder2}>" in (reminder.text or "")
    body = str(reminder.blocks)
    assert title(h, "limited_first_response") in body and title(h, "report_to_team") in body
    assert title(h, "safety") not in body
    buttons = [
        e["action_id"] for b in reminder.blocks if b["type"] == "actions" for e in b["elements"]
    ]
    assert buttons == [Action.SNOOZE_1H, Action.SNOOZE_4H, Action.SNOOZE_1D]


async def test_snooze_from_the_reminder_delays_it(h: Harness, clock: FixedClock) -> None:
    case_id, card = await case_and_card(h)
    await acknowledge(h, case_id, T0)
    await tick(h, clock, T0 + timedelta(hours=1))
    reminder = next(
        m for m in step_reminders(h, card) if title(h, "report_to_team") in str(m.blocks)
    )
    button = next(
        e
        for b in reminder.blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == Action.SNOOZE_4H
    )

    # Someone outside the team cannot snooze; nothing changes.
    reply = await h.slack.click(
        h.cast.outsider,
        Action.SNOOZE_4H,
        button["value"],
        channel=RESPONDERS,
        message_ts=reminder.ts,
        thread_ts=card.ts,
    )
    assert reply.status == 200
    await h.sim.wait_for(lambda s: s.ephemerals(h.cast.outsider))
    assert reminder.update_count == 0

    reply = await h.slack.click(
        h.cast.responder,
        Action.SNOOZE_4H,
        button["value"],
        channel=RESPONDERS,
        message_ts=reminder.ts,
        thread_ts=card.ts,
    )
    assert reply.status == 200
    await h.sim.wait_for(lambda s: reminder.update_count == 1)
    assert not [b for b in reminder.blocks if b["type"] == "actions"], "buttons replaced"
    assert f"<@{h.cast.responder}>" in str(reminder.blocks) and "15:00" in str(reminder.blocks)

    # The next reminder would have come an hour later; snoozed, it comes at 15:00 JST.
    count = len(step_reminders(h, card))
    await tick(h, clock, T0 + timedelta(hours=2))
    assert not [
        m for m in step_reminders(h, card)[count:] if title(h, "report_to_team") in str(m.blocks)
    ]
    await tick(h, clock, T0 + timedelta(hours=5))
    again = [
        m for m in step_reminders(h, card)[count:] if title(h, "report_to_team") in str(m.blocks)
    ]
    assert len(again) == 1


async def test_quiet_hours_hold_non_urgent_reminders_but_not_urgent_ones(
    h: Harness, clock: FixedClock
) -> None:
    evening = datetime.fromisoformat("2026-11-27T21:50:00+09:00")
    clock.set(evening)
    _, calm = await case_and_card(h)  # medium
    _, urgent = await case_and_card(h, danger="ongoing")

    await tick(h, clock, evening + timedelta(minutes=20))  # 22:10, quiet
    assert escalations(h, urgent) and step_reminders(h, urgent)
    assert bot_replies(h, calm) == []

    await tick(h, clock, datetime.fromisoformat("2026-11-28T06:59:00+09:00"))
    assert bot_replies(h, calm) == []
    await tick(h, clock, datetime.fromisoformat("2026-11-28T07:00:00+09:00"))
    assert step_reminders(h, calm) and escalations(h, calm)


async def test_a_reminder_slack_answers_late_is_not_posted_twice(
    tmp_path: Path, clock: FixedClock
) -> None:
    # Slack posts the escalation but answers after the client gave up: it must not be
    # sent again at a later tick (reminders fire at most once).
    async with running_bot(tmp_path / "db", clock=clock, client_timeout=1) as h:
        _, card = await case_and_card(h, danger="ongoing")
        h.sim.stall("chat.postMessage", seconds=1.5, times=1)
        await tick(h, clock, T0 + timedelta(minutes=10))
        for minutes in (13, 16, 19):  # later ticks, before the next escalation is due
            await tick(h, clock, T0 + timedelta(minutes=minutes))
        assert len(escalations(h, card)) == 1


async def test_a_reminder_slack_refuses_is_retried(h: Harness, clock: FixedClock) -> None:
    _, card = await case_and_card(h, danger="ongoing")
    # Three 503s: retried by the outbox with backoff, not left for a later tick.
    h.sim.fail("chat.postMessage", status=503, times=3)
    await tick(h, clock, T0 + timedelta(minutes=10))
    assert len(escalations(h, card)) == 1
    await tick(h, clock, T0 + timedelta(minutes=13))
    assert len(escalations(h, card)) == 1
