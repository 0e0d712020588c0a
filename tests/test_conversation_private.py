"""The conversation with the employee stays private (issue 12 §6).

The shared responders thread gets a notice of each message, never its words (Slack
keeps channel messages for ever, beyond our retention); the words open in a modal,
for responders and HR only, and each opening is in the case timeline. The words are
sealed in the database and go under the narrative retention rule.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
import sqlite_utils

from bot.clock import FixedClock
from bot.demo.harness import RESPONDERS, Harness
from bot.domain.conversation import EVENTS
from bot.flows.retention import purge_due
from bot.i18n import t
from bot.views.ids import Action
from db import timeline
from db.rows import iso
from db.sealed import PREFIX, seal
from slacksim.render import render_view
from tests.case_kit import Filed, events_of, file_case, press, press_and_open, refusal
from tests.test_case_actions_messages import (
    employee_writes,
    message_employee,
    open_from_notice,
)
from tests.test_retention_gaps import close

EXTERNAL = "U0EXTERN01"  # a Slack Connect guest from another company, in the channel
HER_WORDS = "He said he knows where I live. 住所を知っていると言われました"
OUR_WORDS = "Are you safe tonight? Can you tell us when he called?"


def to_channel(h: Harness) -> str:
    """Everything the bot posted or updated in the responders channel, as sent."""
    return json.dumps(
        [c.args for c in h.sim.calls
         if c.method in ("chat.postMessage", "chat.update", "chat.postEphemeral")
         and c.args.get("channel") == RESPONDERS],
        ensure_ascii=False,
    )


def thread(h: Harness, filed: Filed) -> list[Any]:
    return h.sim.replies(RESPONDERS, filed.card.ts)


async def talk(h: Harness, clock: FixedClock, filed: Filed) -> None:
    """Lee writes (signed) at 10:00 Tokyo; she answers at 10:05; Tanaka writes at 10:20."""
    dm = await message_employee(h, h.cast.responder2, filed, OUR_WORDS, sign=True)
    clock.advance(timedelta(minutes=5))
    await employee_writes(h, HER_WORDS, dm.ts)
    clock.advance(timedelta(minutes=15))
    await message_employee(h, h.cast.responder, filed, "Thank you. <!channel> & more", sign=False)


async def viewers(h: Harness, filed: Filed) -> list[str]:
    found = await h.bot.ctx.store.run(timeline.entries, filed.id)
    return [e.actor for e in found if e.event == "conversation_viewed"]


async def test_the_thread_gets_notices_without_her_words_or_who_she_is(
    h: Harness, clock: FixedClock
) -> None:
    filed = await file_case(h)  # confidential
    await talk(h, clock, filed)
    posted = to_channel(h)
    for secret in (HER_WORDS, "住所を知っている", OUR_WORDS, "Thank you.", h.cast.employee):
        assert secret not in posted, secret
    notices = [m.text for m in thread(h, filed)[-3:]]
    assert notices == [
        t("ja", "conversation.sent_signed", user=f"<@{h.cast.responder2}>"),
        t("ja", "conversation.replied", case_no=filed.case_no),
        t("ja", "conversation.sent_unsigned", user=f"<@{h.cast.responder}>"),
    ]
    # Each notice carries the button that opens the words, and says why they are not here.
    for m in thread(h, filed)[-3:]:
        assert Action.OPEN_CONVERSATION in json.dumps(m.blocks)
        assert t("ja", "conversation.private") in json.dumps(m.blocks, ensure_ascii=False)
    # Her side is unchanged: she reads the team's words in her DM.
    assert OUR_WORDS in json.dumps([m.blocks for m in h.sim.dms(h.cast.employee)])


async def test_the_modal_shows_both_directions_in_order_with_times_and_who(
    h: Harness, clock: FixedClock
) -> None:
    filed = await file_case(h)
    await talk(h, clock, filed)
    view = await open_from_notice(h, h.cast.responder, thread(h, filed)[-2])
    shown = render_view(view, h.cast.names())
    lines = [
        "`2026-11-27 10:00` *@Lee Mei → 従業員（署名付き）*",
        OUR_WORDS,
        "`2026-11-27 10:05` *従業員 → 対応チーム*",
        HER_WORDS,
        "`2026-11-27 10:20` *@Tanaka Ken → 従業員（署名なし）*",
        "Thank you. <!channel> & more",
    ]
    at = [shown.index(line) for line in lines]
    assert at == sorted(at), shown
    assert "Thank you. &lt;!channel&gt; &amp; more" in json.dumps(view)  # nobody is pinged
    assert h.cast.employee not in json.dumps(view)
    assert t("ja", "conversation.audited") in shown


async def test_a_named_reporter_is_named_in_the_modal(h: Harness, clock: FixedClock) -> None:
    filed = await file_case(h, show_name=True)
    await talk(h, clock, filed)
    view = await open_from_notice(h, h.cast.responder, thread(h, filed)[-1])
    assert "*@Sato Hana → 対応チーム*" in render_view(view, h.cast.names())


async def test_each_opening_is_recorded_also_from_view_details(
    h: Harness, clock: FixedClock
) -> None:
    filed = await file_case(h)
    await talk(h, clock, filed)
    assert await viewers(h, filed) == []
    await open_from_notice(h, h.cast.responder, thread(h, filed)[-1])
    assert await viewers(h, filed) == [h.cast.responder]
    # HR opens View details; the conversation is one button away there, not copied in.
    details = await press_and_open(h, h.cast.hr, Action.VIEW_DETAILS, filed)
    assert HER_WORDS not in json.dumps(details, ensure_ascii=False)
    button = next(b["accessory"] for b in details["blocks"]
                  if (b.get("accessory") or {}).get("action_id") == Action.OPEN_CONVERSATION)
    pushed = len(h.sim.views_pushed)
    reply = await h.slack.click(h.cast.hr, Action.OPEN_CONVERSATION, button["value"], view=details)
    assert reply.status == 200
    await h.sim.wait_for(lambda s: len(s.views_pushed) > pushed)
    assert HER_WORDS in json.dumps(h.sim.views_pushed[-1].view, ensure_ascii=False)
    assert await viewers(h, filed) == [h.cast.responder, h.cast.hr]


async def test_the_timeline_says_a_message_was_exchanged_not_its_words(
    h: Harness, clock: FixedClock
) -> None:
    filed = await file_case(h)
    await talk(h, clock, filed)
    view = await press_and_open(h, h.cast.responder, Action.TIMELINE, filed)
    shown = render_view(view, h.cast.names())
    assert t("ja", "event.employee_replied") in shown
    assert t("ja", "event.employee_messaged") in shown
    for words in (HER_WORDS, "住所を知っている", OUR_WORDS, "Thank you."):
        assert words not in shown, words


@pytest.mark.parametrize("who", ["reporter", "outsider", "external"])
async def test_the_reporter_and_outsiders_are_refused(
    h: Harness, clock: FixedClock, who: str
) -> None:
    h.sim.add_user(EXTERNAL, "guest", real_name="Guest Other Co", team_id="T0OTHERCO")
    h.sim.channels[RESPONDERS].members.append(EXTERNAL)
    filed = await file_case(h)
    await talk(h, clock, filed)
    user = {"reporter": h.cast.employee, "outsider": h.cast.outsider, "external": EXTERNAL}[who]
    events = await events_of(h, filed.id)
    opened = len(h.sim.calls_to("views.open"))
    seen = len(h.sim.ephemerals(user))
    await press(h, user, Action.OPEN_CONVERSATION, filed)
    key = "act.refuse.own_case" if who == "reporter" else "act.refuse.not_allowed"
    lang = await h.bot.ctx.people.lang(user)
    assert await refusal(h, user, seen) == t(lang, key)
    assert len(h.sim.calls_to("views.open")) == opened
    assert await events_of(h, filed.id) == events  # not even a conversation_viewed


def _seed(db: sqlite_utils.Database, case_id: int, start: Any, n: int, long_one: str) -> None:
    """A conversation of `n` long messages both ways, then one very long reply."""
    for i in range(n):
        at, mine = start + timedelta(minutes=i), i % 2 == 0
        event = EVENTS[0] if mine else EVENTS[1]
        actor = "U0RESPOND1" if mine else "reporter"
        words = f"message {i:03d} " + "<&> 言葉 " * 180
        timeline.add(db, case_id, at, actor, event, text=seal(db, timeline.TEXT, words))
    timeline.add(db, case_id, start + timedelta(minutes=n), "reporter", EVENTS[1],
                 text=seal(db, timeline.TEXT, long_one))


async def test_a_long_conversation_shows_the_newest_within_slacks_limits(
    h: Harness, clock: FixedClock
) -> None:
    filed = await file_case(h)
    long_one = "\n".join(f"line {i} & <more>" for i in range(2500))  # ~45,000 characters
    await h.bot.ctx.store.run(_seed, filed.id, clock.now(), 250, long_one)
    view = await press_and_open(h, h.cast.responder, Action.OPEN_CONVERSATION, filed)
    # Within Slack's limits (conftest checks every view against them too).
    assert len(view["blocks"]) <= 100
    assert all(len(b["text"]["text"]) <= 3000 for b in view["blocks"] if b["type"] == "section")
    shown = render_view(view, h.cast.names())
    # The newest messages are all there, whole (the very long one split, never cut) ...
    body = "".join(b["text"]["text"] for b in view["blocks"] if b["type"] == "section")
    assert "message 249 " in body and "&lt;&amp;&gt; 言葉" in body
    assert "> line 0 &amp; &lt;more&gt;\n" in body
    assert body.endswith("> line 2499 &amp; &lt;more&gt;")
    assert body.count("line ") == 2500
    # ... and what does not fit is counted, not silently dropped.
    first = next(i for i in range(250) if f"message {i:03d} " in shown)
    assert first > 0 and f"message {first - 1:03d} " not in shown
    assert t("ja", "conversation.earlier", n=first) in shown


async def test_the_words_are_purged_under_the_narrative_rule(
    h: Harness, clock: FixedClock
) -> None:
    store = h.bot.ctx.store
    filed = await file_case(h)
    await talk(h, clock, filed)
    await store.run(close, filed.id, iso(clock.now()), "summary")
    # Past the narrative rule (1095 days), well before the timeline's own (1825 days).
    clock.advance(timedelta(days=1100))
    assert await purge_due(h.bot.ctx) > 0
    raw = await store.run(lambda db: [row[0] for row in db.execute(
        "SELECT detail FROM timeline WHERE case_id = ?", [filed.id])])
    assert not any(f'"{PREFIX}:' in d for d in raw)  # no sealed text left in any entry
    what = await store.run(lambda db: [row[0] for row in db.execute(
        "SELECT what FROM deletions WHERE case_id = ? AND rule = 'narrative'", [filed.id])])
    assert "timeline.text" in what
    # The entries stay: that messages were exchanged, when and by whom.
    events = await events_of(h, filed.id)
    assert events.count("employee_messaged") == 2 and events.count("employee_replied") == 1
    view = await press_and_open(h, h.cast.responder, Action.OPEN_CONVERSATION, filed)
    shown = render_view(view, h.cast.names())
    body = "".join(b["text"]["text"] for b in view["blocks"] if b["type"] == "section")
    assert body.count(t("ja", "conversation.deleted")) == 3
    assert t("ja", "conversation.deleted_note", n=3) in shown
    assert "`2026-11-27 10:05` *従業員 → 対応チーム*" in shown
    for words in (HER_WORDS, OUR_WORDS, "Thank you."):
        assert words not in shown


async def test_hrs_case_record_shows_the_exchange_not_the_words(
    h: Harness, clock: FixedClock
) -> None:
    filed = await file_case(h)
    await talk(h, clock, filed)
    await h.slash("/ch-cases", h.cast.hr, f"show {filed.case_no}")
    await h.sim.wait_for(lambda s: s.views_opened and s.views_opened[-1].user_id == h.cast.hr)
    values = {"purpose": {"value": {"type": "plain_text_input", "value": "Reviewing the case"}}}
    answer = (await h.slack.submit_view(h.cast.hr, h.sim.views_opened[-1].view, values)).json()
    shown = render_view(answer["view"], h.cast.names())
    hr_lang = await h.bot.ctx.people.lang(h.cast.hr)
    assert t(hr_lang, "event.employee_replied") in shown
    for words in (HER_WORDS, "住所を知っている", OUR_WORDS, "Thank you."):
        assert words not in shown, words
    # HR answering a labour inspector reads what was written from her own view: one
    # button, and the opening is recorded like a responder's.
    view = answer["view"]
    button = next(b["accessory"] for b in view["blocks"]
                  if (b.get("accessory") or {}).get("action_id") == Action.OPEN_CONVERSATION)
    pushed = len(h.sim.views_pushed)
    reply = await h.slack.click(h.cast.hr, Action.OPEN_CONVERSATION, button["value"], view=view)
    assert reply.status == 200
    await h.sim.wait_for(lambda s: len(s.views_pushed) > pushed)
    assert HER_WORDS in json.dumps(h.sim.views_pushed[-1].view, ensure_ascii=False)
    assert await viewers(h, filed) == [h.cast.hr]
