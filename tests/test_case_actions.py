"""Acknowledge, lead, steps: each through signed requests, each updating the card in place."""

from __future__ import annotations

import asyncio
import time

from bot.demo.harness import RESPONDERS, Harness
from bot.i18n import t
from bot.views.ids import Action
from tests.case_kit import (
    card_text,
    checklist_text,
    complete_step,
    events_of,
    file_case,
    picked_user,
    press,
    press_and_open,
    refusal,
    text,
    updated,
)


async def test_acknowledge_is_answered_fast_recorded_and_shown_on_the_card(h: Harness) -> None:
    filed = await file_case(h)
    assert t("ja", "status.new") in card_text(h, filed)
    before = filed.card.update_count
    started = time.monotonic()
    await press(h, h.cast.responder, Action.ACK, filed)
    assert time.monotonic() - started < 3.0
    await updated(h, filed.card, before)
    card = card_text(h, filed)
    assert t("ja", "status.acknowledged") in card
    assert "Tanaka Ken" in card  # "acknowledged by", as a mention
    assert f"[{t('ja', 'act.button.ack')}]" not in card  # the button is gone once acknowledged
    assert (await events_of(h, filed.id)).count("acknowledged") == 1
    # The card was edited in place, not posted again.
    assert len(h.sim.messages(RESPONDERS)) == 1


async def test_two_people_acknowledging_at_once_apply_once(h: Harness) -> None:
    filed = await file_case(h)
    e1, e2 = len(h.sim.ephemerals(h.cast.responder)), len(h.sim.ephemerals(h.cast.responder2))
    await asyncio.gather(
        press(h, h.cast.responder, Action.ACK, filed),
        press(h, h.cast.responder2, Action.ACK, filed),
        press(h, h.cast.responder2, Action.ACK, filed),
    )
    await h.sim.wait_for(
        lambda s: (
            len(s.ephemerals(h.cast.responder)) + len(s.ephemerals(h.cast.responder2))
            >= e1 + e2 + 2
        )
    )
    assert (await events_of(h, filed.id)).count("acknowledged") == 1
    winner = await h.bot.ctx.store.run(
        lambda db: db.execute("SELECT acknowledged_by FROM cases").fetchone()[0]
    )
    expected = {
        t(lang, "act.ack.already", case_no=filed.case_no, user=f"<@{winner}>")
        for lang in ("ja", "en")
    }
    told = [e.text for e in h.sim.all_ephemerals]
    assert sum(x in expected for x in told) == 2  # the two later presses were told who


async def test_first_human_reply_acknowledges_and_retries_do_not_repeat(h: Harness) -> None:
    filed = await file_case(h)
    # The bot's own post in the thread comes back as an event: it must not count.
    bot_event = {
        "type": "message",
        "channel": RESPONDERS,
        "channel_type": "channel",
        "bot_id": "B0SIMBOT",
        "user": "U0SIMBOT",
        "text": "reminder",
        "ts": "1764300999.000100",
        "thread_ts": filed.card.ts,
    }
    assert (await h.slack.event(bot_event)).status == 200
    reply = h.sim.add_message(RESPONDERS, "I'm on it", h.cast.responder2, thread_ts=filed.card.ts)
    event = {
        "type": "message",
        "channel": RESPONDERS,
        "channel_type": "channel",
        "user": h.cast.responder2,
        "text": reply.text,
        "ts": reply.ts,
        "thread_ts": filed.card.ts,
    }
    before = filed.card.update_count
    assert (await h.slack.event(event, event_id="Ev0REPLY01")).status == 200
    await updated(h, filed.card, before)
    for n in (1, 2):  # Slack's retries of the same delivery
        assert (await h.slack.event(event, event_id="Ev0REPLY01", retry_num=n)).status == 200
    assert t("ja", "status.acknowledged") in card_text(h, filed)
    assert "Lee Mei" in card_text(h, filed)
    timeline = await events_of(h, filed.id)
    assert timeline.count("acknowledged") == 1
    view = await press_and_open(h, h.cast.responder, Action.TIMELINE, filed)
    assert t("ja", "act.timeline.via_reply") in str(view["blocks"])
    seen = await h.bot.ctx.store.run(
        lambda db: db.execute("SELECT COUNT(*) FROM events_seen").fetchone()[0]
    )
    assert seen == 1  # the reply, once; the bot's own event was dropped before


async def test_take_the_lead_once_then_hand_it_over(h: Harness) -> None:
    filed = await file_case(h)
    before = filed.card.update_count
    await press(h, h.cast.responder, Action.TAKE_LEAD, filed)
    await updated(h, filed.card, before)
    card = card_text(h, filed)
    assert "Tanaka Ken" in card and t("ja", "status.in_progress") in card
    # Taking the lead acknowledges too: someone is on it.
    assert (await events_of(h, filed.id))[-2:] == ["acknowledged", "lead_taken"]
    # A second "take the lead" does not steal it; the person is told who leads.
    seen = len(h.sim.ephemerals(h.cast.responder2))
    await press(h, h.cast.responder2, Action.TAKE_LEAD, filed)
    told = await refusal(h, h.cast.responder2, seen)
    assert told == t("en", "act.lead.already", user=f"<@{h.cast.responder}>")
    assert (await events_of(h, filed.id)).count("lead_taken") == 1
    # Handing over: someone outside the team cannot lead; a responder can.
    view = await press_and_open(h, h.cast.responder2, Action.HAND_LEAD, filed)
    reply = await h.slack.submit_view(
        h.cast.responder2, view, {"lead": picked_user(h.cast.outsider)}
    )
    assert reply.json()["response_action"] == "errors" and "lead" in reply.json()["errors"]
    reply = await h.slack.submit_view(
        h.cast.responder2, view, {"lead": picked_user(h.cast.employee)}
    )
    assert reply.json()["response_action"] == "errors"  # never the reporter
    before = filed.card.update_count
    reply = await h.slack.submit_view(
        h.cast.responder2, view, {"lead": picked_user(h.cast.responder2)}
    )
    assert reply.status == 200 and not reply.body
    await updated(h, filed.card, before)
    assert "Lee Mei" in card_text(h, filed)
    assert (await events_of(h, filed.id)).count("lead_handed") == 1


async def test_steps_done_and_undone_on_the_checklist(h: Harness) -> None:
    filed = await file_case(h)
    total = len(h.bot.ctx.policy.checklist)  # the principle is not a box to tick
    await complete_step(h, h.cast.responder, filed, "safety")
    assert "Tanaka Ken" in checklist_text(h, filed)
    assert t("ja", "checklist.handled", handled=1, total=total) in card_text(h, filed)
    # Pressing Done again changes nothing.
    seen = len(h.sim.ephemerals(h.cast.responder2))
    await press(h, h.cast.responder2, Action.STEP_DONE, filed, on_checklist=True, step="safety")
    assert await refusal(h, h.cast.responder2, seen) == t("en", "act.step.already_done")
    assert (await events_of(h, filed.id)).count("step_done") == 1
    before = filed.checklist.update_count
    await press(h, h.cast.responder, Action.STEP_UNDO, filed, on_checklist=True, step="safety")
    await updated(h, filed.checklist, before)
    assert t("ja", "checklist.handled", handled=0, total=total) in card_text(h, filed)
    assert "step_undone" in await events_of(h, filed.id)


async def test_a_step_that_needs_a_note_asks_for_it_and_seals_it(h: Harness) -> None:
    filed = await file_case(h)
    view = await press_and_open(
        h, h.cast.responder, Action.STEP_DONE, filed, step="record_verbatim"
    )
    reply = await h.slack.submit_view(h.cast.responder, view, {"note": text("  ")})
    assert reply.json()["response_action"] == "errors"
    before = filed.checklist.update_count
    note = "Recording in //share/cases/2026-0001 <!channel>"
    reply = await h.slack.submit_view(h.cast.responder, view, {"note": text(note)})
    assert reply.status == 200 and not reply.body
    await updated(h, filed.checklist, before)
    assert ":memo:" in checklist_text(h, filed)
    stored = await h.bot.ctx.store.run(
        lambda db: db.execute("SELECT note FROM case_steps").fetchone()[0]
    )
    assert stored and "share" not in stored  # sealed at rest
    raw = await h.bot.ctx.store.run(
        lambda db: db.execute("SELECT detail FROM timeline WHERE event='step_done'").fetchone()[0]
    )
    assert "share" not in raw
    # The same modal submitted again does not complete the step twice.
    await h.slack.submit_view(h.cast.responder, view, {"note": text(note)})
    assert (await events_of(h, filed.id)).count("step_done") == 1
