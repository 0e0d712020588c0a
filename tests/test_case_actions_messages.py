"""Messages between responders and the employee, through the bot's DM, both ways.

The shared thread gets only a notice of each message; the words are read in the
conversation modal its button opens (tests/test_conversation_private.py)."""

from __future__ import annotations

from typing import Any

from bot.demo.harness import RESPONDERS, Harness
from bot.i18n import t
from bot.views.ids import Action
from db.timeline import entries
from slacksim import Message
from slacksim.render import render_message, render_view
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


async def open_from_notice(h: Harness, user: str, notice: Message) -> dict[str, Any]:
    """Press "Open conversation" on a notice in the thread; returns the modal shown."""
    button = next(
        b["accessory"] for b in notice.blocks or []
        if (b.get("accessory") or {}).get("action_id") == Action.OPEN_CONVERSATION
    )
    before = len(h.sim.calls_to("views.open"))
    reply = await h.slack.click(
        user, Action.OPEN_CONVERSATION, button["value"],
        channel=RESPONDERS, message_ts=notice.ts, thread_ts=notice.thread_ts,
    )
    assert reply.status == 200, reply
    await h.sim.wait_for(lambda s: len(s.calls_to("views.open")) > before)
    view: dict[str, Any] = h.sim.calls_to("views.open")[before].response["view"]
    return view


async def conversation_text(h: Harness, filed: Filed, user: str | None = None) -> str:
    """The conversation as a responder reads it, from the newest notice in the thread."""
    notice = h.sim.replies(RESPONDERS, filed.card.ts)[-1]
    view = await open_from_notice(h, user or h.cast.responder, notice)
    return render_view(view, h.cast.names())


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
    # The thread says who sent a message, not what it said: that opens in a modal.
    note = thread_texts(h, filed)[-1]
    assert "@Tanaka Ken" in note and "When was the second call?" not in note
    assert t("ja", "conversation.sent_unsigned", user="@Tanaka Ken") in note
    shown = await conversation_text(h, filed)
    assert "@Tanaka Ken → 従業員（署名なし）" in shown and "When was the second call?" in shown
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
    notice = t("ja", "conversation.replied", case_no=filed.case_no)
    assert [m.text for m in replies[-2:]] == [notice] * 2
    assert not any("At 15:40" in render_message(m, {}) for m in replies)
    view = await open_from_notice(h, h.cast.responder, replies[-2])
    shown = render_view(view, h.cast.names())
    assert shown.count("At 15:40") == 1 and shown.count("One more thing") == 1
    assert "&lt;@U0HRMGR001&gt;" in str(view["blocks"])  # no ping from the employee's text
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
    notice = h.sim.replies(RESPONDERS, filed.card.ts)[-1]
    assert "Here:" not in f"{notice.text} {notice.blocks}"
    view = await open_from_notice(h, h.cast.responder, notice)
    shown = str(view)
    assert "F0PASTE001" in shown and "Here:" in shown
    assert me not in shown and me.lower() not in shown.lower()


async def test_a_reply_outside_a_thread_goes_to_the_most_recent_open_case(h: Harness) -> None:
    first = await file_case(h)
    second = await file_case(h)
    await employee_writes(h, "About my latest report")
    notice = t("ja", "conversation.replied", case_no=second.case_no)
    assert h.sim.replies(RESPONDERS, second.card.ts)[-1].text == notice
    assert "About my latest report" in await conversation_text(h, second)
    await message_employee(h, h.cast.responder, first, "A question on the first one", sign=False)
    await employee_writes(h, "Answer for the first")
    assert "Answer for the first" in await conversation_text(h, first)
    assert "Answer for the first" not in await conversation_text(h, second)


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
