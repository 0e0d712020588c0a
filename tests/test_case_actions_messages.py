"""Messages between responders and the employee, through the bot's DM, both ways."""

from __future__ import annotations

from typing import Any

from bot.demo.harness import RESPONDERS, Harness
from bot.i18n import t
from bot.views.ids import Action
from db.timeline import entries
from slacksim import Message
from slacksim.render import render_message
from tests.case_kit import Filed, events_of, file_case, press_and_open, text


async def message_employee(h: Harness, user: str, filed: Filed, body: str, sign: bool) -> Message:
    view = await press_and_open(h, user, Action.MESSAGE_EMPLOYEE, filed)
    values: dict[str, Any] = {"text": text(body)}
    if sign:
        values["sign"] = {"value": {"type": "checkboxes", "selected_options": [{"value": "sign"}]}}
    await h.settle()  # what was queued before (e.g. "someone has your case") is out
    before = len(h.sim.dms(h.cast.employee))
    reply = await h.slack.submit_view(user, view, values)
    assert reply.status == 200 and not reply.body, reply
    await h.settle()
    dms = h.sim.dms(h.cast.employee)
    assert len(dms) == before + 1
    return dms[-1]


async def employee_writes(
    h: Harness,
    body: str,
    thread_ts: str | None = None,
    event_id: str | None = None,
    user: str | None = None,
) -> dict[str, Any]:
    user = user or h.cast.employee
    msg = h.sim.add_message(user, body, user, thread_ts=thread_ts)
    event: dict[str, Any] = {
        "type": "message",
        "channel": msg.channel,
        "channel_type": "im",
        "user": user,
        "text": body,
        "ts": msg.ts,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    answered = len(bot_dms(h, user))
    assert (await h.slack.event(event, event_id=event_id)).status == 200
    # The event is acked at once; the bot answers the employee after the relay is stored.
    await h.sim.wait_for(lambda _: len(bot_dms(h, user)) > answered)
    await h.settle()
    return event


def bot_dms(h: Harness, user: str) -> list[Message]:
    return [m for m in h.sim.dms(user) if m.user != user]


def thread_texts(h: Harness, filed: Filed) -> list[str]:
    return [render_message(m, h.cast.names()) for m in h.sim.replies(RESPONDERS, filed.card.ts)]


async def test_unsigned_message_reaches_the_employee_without_the_responders_name(
    h: Harness,
) -> None:
    filed = await file_case(h)
    dm = await message_employee(
        h, h.cast.responder, filed, "When was the second call? <!here>", sign=False
    )
    shown = render_message(dm, h.cast.names())
    assert filed.case_no in shown and "When was the second call?" in shown
    assert "Tanaka" not in shown and h.cast.responder not in str(dm.blocks)
    assert "&lt;!here&gt;" in str(dm.blocks)  # escaped: no @here from user text
    # The team sees in the thread what was sent, and by whom.
    note = thread_texts(h, filed)[-1]
    assert "@Tanaka Ken" in note and "When was the second call?" in note
    stored = await h.bot.ctx.store.run(
        lambda db: db.execute(
            "SELECT detail FROM timeline WHERE event = 'employee_messaged'"
        ).fetchone()[0]
    )
    assert "second call" not in stored  # sealed at rest


async def test_signed_message_names_the_responder(h: Harness) -> None:
    filed = await file_case(h)
    dm = await message_employee(h, h.cast.responder2, filed, "I am here to help.", sign=True)
    assert "@Lee Mei" in render_message(dm, h.cast.names())


async def test_employee_reply_is_relayed_into_the_thread_once(h: Harness) -> None:
    filed = await file_case(h)
    dm = await message_employee(h, h.cast.responder, filed, "When?", sign=False)
    before = len(h.sim.replies(RESPONDERS, filed.card.ts))
    event = await employee_writes(h, "At 15:40, <@U0HRMGR001> was there", dm.ts, "Ev0DM00001")
    for n in (1, 2):  # Slack retries the same delivery: it is relayed once
        assert (await h.slack.event(event, event_id="Ev0DM00001", retry_num=n)).status == 200
    # A later, new message is relayed: the retries before it were dropped, not pending.
    await employee_writes(h, "One more thing", dm.ts)
    replies = h.sim.replies(RESPONDERS, filed.card.ts)
    assert len(replies) == before + 2
    relayed = replies[-2]
    assert "At 15:40" in render_message(relayed, {})
    assert "&lt;@U0HRMGR001&gt;" in str(relayed.blocks)  # no ping from the employee's text
    # The employee hears that it was passed on, in the same thread.
    passed = [m for m in bot_dms(h, h.cast.employee) if m.thread_ts == dm.ts]
    assert [m.text for m in passed] == [t("ja", "act.relay.passed_on", case_no=filed.case_no)] * 2
    # A confidential reporter is not named in the timeline.
    timeline = await h.bot.ctx.store.run(entries, filed.id)
    assert [e.actor for e in timeline if e.event == "employee_replied"] == ["reporter"] * 2


async def test_a_relayed_reply_does_not_reveal_the_confidential_reporters_id(h: Harness) -> None:
    # A pasted Slack file link names its uploader, and she may mention herself: the
    # team must not learn who the confidential reporter is from what is relayed.
    filed = await file_case(h)
    dm = await message_employee(h, h.cast.responder, filed, "Any screenshot?", sign=False)
    me = h.cast.employee
    link = f"https://acme.slack.com/files/{me}/F0PASTE001/shot.png"
    await employee_writes(h, f"Here: {link} (sent by <@{me}>)", dm.ts)
    relayed = h.sim.replies(RESPONDERS, filed.card.ts)[-1]
    shown = f"{relayed.text} {relayed.blocks}"
    assert "F0PASTE001" in shown and "Here:" in shown
    assert me not in shown and me.lower() not in shown.lower()


async def test_a_reply_outside_a_thread_goes_to_the_most_recent_open_case(h: Harness) -> None:
    first = await file_case(h)
    second = await file_case(h)
    await employee_writes(h, "About my latest report")
    assert "About my latest report" in thread_texts(h, second)[-1]
    await message_employee(h, h.cast.responder, first, "A question on the first one", sign=False)
    await employee_writes(h, "Answer for the first")
    assert "Answer for the first" in thread_texts(h, first)[-1]
    assert not any("Answer for the first" in x for x in thread_texts(h, second))


async def test_someone_who_never_reported_is_told_what_the_bot_is(h: Harness) -> None:
    await file_case(h)
    # Someone with no report (in either language) learns what this is and how to report.
    for other, lang in ((h.cast.employee_en, "en"), (h.cast.responder, "ja")):
        await employee_writes(h, "Hello bot", user=other)
        assert [m.text for m in bot_dms(h, other)] == [t(lang, "act.relay.about")]
        assert "/report-ch" in t(lang, "act.relay.about")
    in_channel = [m for m in h.sim.all_messages if m.channel == RESPONDERS]
    assert not any("Hello bot" in str(m.blocks) + (m.text or "") for m in in_channel)


async def test_a_message_to_the_employee_acknowledges_and_is_in_the_timeline(h: Harness) -> None:
    filed = await file_case(h)
    await message_employee(h, h.cast.responder, filed, "Are you safe?", sign=False)
    events = await events_of(h, filed.id)
    assert "acknowledged" in events and "employee_messaged" in events
