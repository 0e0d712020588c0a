"""The whole reporting path through the real HTTP endpoint, as people would see it."""

from __future__ import annotations

import asyncio
import json

from bot.demo.harness import RESPONDERS, Harness
from bot.views.ids import Action
from slacksim.render import render_message


def channel_text(h: Harness) -> str:
    """Everything visible in the responders channel: cards, threads, as raw payloads."""
    out = []
    for m in h.sim.messages(RESPONDERS):
        for msg in [m, *thread_of(h, m.ts)]:
            out.append(msg.text + json.dumps(msg.blocks, ensure_ascii=False))
    return "\n".join(out)


def thread_of(h: Harness, card_ts: str) -> list:  # type: ignore[type-arg]
    return [m for m in h.sim.replies(RESPONDERS, card_ts) if m.ts != card_ts]


async def test_report_reaches_card_thread_and_employee(h: Harness) -> None:
    cast = h.cast
    reply = await h.report(cast.employee, categories=["verbal_abuse", "threat"],
                           narrative="「お前をクビにしてやる」と3回言われた",
                           customer={"phone": "090-1234-5678"}, counseling_ok=True)
    assert reply.status == 200
    ack = reply.json()
    assert ack["response_action"] == "update"
    assert "CH-2026-0001" in json.dumps(ack["view"], ensure_ascii=False)
    await h.settle()
    cards = h.sim.messages(RESPONDERS)
    assert len(cards) == 1
    card = render_message(cards[0], {})
    assert "CH-2026-0001" in card and "High" not in card  # channel language is Japanese
    assert "高" in card and "電話" in card and "氏名非開示" in card
    assert "お前をクビ" not in channel_text(h)  # the narrative never goes to the channel
    thread = thread_of(h, cards[0].ts)
    assert len(thread) == 1
    now = h.bot.ctx.clock.now()
    legal = h.bot.ctx.config.rotations["legal"].on_duty(now)
    counseling = h.bot.ctx.config.rotations["counseling"].on_duty(now)
    assert f"<@{legal}>" in thread[0].text and f"<@{counseling}>" in thread[0].text
    text = render_message(thread[0], {})
    assert "同意しています" in text  # counseling is told the employee consented
    for step in h.bot.ctx.policy.steps:
        assert step.title.ja in text
    dms = h.sim.dms(cast.employee)
    assert len(dms) == 1
    dm = render_message(dms[0], {})
    assert "CH-2026-0001" in dm and "まず安全" not in dm  # not in danger: no safety block


async def test_confidential_reporter_appears_nowhere_in_the_channel(h: Harness) -> None:
    await h.report(h.cast.employee, show_name=False)
    await h.settle()
    visible = channel_text(h)
    assert h.cast.employee not in visible
    assert "Sato" not in visible and "sato" not in visible


async def test_reporter_who_agrees_is_named_on_the_card(h: Harness) -> None:
    await h.report(h.cast.employee, show_name=True)
    await h.settle()
    assert f"<@{h.cast.employee}>" in channel_text(h)


async def test_happening_now_is_urgent_and_asks_for_a_second_person(h: Harness) -> None:
    await h.report(h.cast.employee_en, danger="ongoing", contact="in_person",
                   categories=["intimidation"])
    await h.settle()
    card = h.sim.messages(RESPONDERS)[0]
    assert "緊急" in render_message(card, {})
    thread = thread_of(h, card.ts)[0]
    assert "<!here>" in json.dumps(thread.blocks)
    dm = render_message(h.sim.dms(h.cast.employee_en)[0], {})
    # Safety first, then the stop script for a visit, before the case number.
    assert dm.index("Safety first") < dm.index("CH-2026-0001")
    script = h.bot.ctx.policy.stop_scripts["in_person"].en.splitlines()[0]
    assert script in dm


async def test_typed_slack_markup_pings_nobody(h: Harness) -> None:
    nasty = "<!channel> <!here> <@U0RESPOND1> <!subteam^S0HRGROUP1> <https://evil.example|click>"
    await h.report(h.cast.employee, narrative=nasty, demand=nasty)
    await h.settle()
    visible = channel_text(h)
    for token in ("<!channel>", "<@U0RESPOND1>", "<!subteam^", "<https://evil"):
        assert token not in visible
    # The details modal shows the text, inert.
    card = h.sim.messages(RESPONDERS)[0]
    value = card.blocks[-2]["elements"][0]["value"]
    await h.slack.click(h.cast.responder, Action.VIEW_DETAILS, value, channel=RESPONDERS,
                        message_ts=card.ts)
    await h.sim.wait_for(lambda s: s.calls_to("views.open")[-1].args["view"]["callback_id"]
                         == "case.details")
    details = json.dumps(h.sim.calls_to("views.open")[-1].args["view"], ensure_ascii=False)
    assert "&lt;!channel&gt;" in details and "<!channel>" not in details
    assert "&lt;@U0RESPOND1&gt;" in details


async def test_same_form_submitted_twice_is_one_case(h: Harness) -> None:
    from slacksim.forms import report_values

    view = await h.open_form(h.cast.employee)
    values = report_values(occurred_at=h.bot.ctx.clock.now(), contact="email",
                           categories=["other"], danger="over", narrative="twice")
    first, second = await asyncio.gather(h.slack.submit_view(h.cast.employee, view, values),
                                         h.slack.submit_view(h.cast.employee, view, values))
    assert first.status == second.status == 200
    await h.settle()
    assert len(h.sim.messages(RESPONDERS)) == 1
    assert len(h.sim.dms(h.cast.employee)) == 1


async def test_thirty_reports_at_once(h: Harness) -> None:
    replies = await asyncio.gather(*(h.report(h.cast.employee_en, narrative=f"report {i}")
                                     for i in range(30)))
    assert all(r.status == 200 for r in replies)
    ids = {json.dumps(r.json()["view"]).split("*")[1] for r in replies}
    assert len(ids) == 30
    await h.settle(20)
    cards = h.sim.messages(RESPONDERS)
    assert len(cards) == 30
    assert len({render_message(c, {}).splitlines()[0] for c in cards}) == 30


async def test_command_text_prefills_the_description(h: Harness) -> None:
    view = await h.open_form(h.cast.employee_en, "He called me stupid")
    narrative = next(b for b in view["blocks"] if b.get("block_id") == "narrative")
    assert narrative["element"]["initial_value"] == "He called me stupid"
    assert view["title"]["text"] == "Report harassment"  # en-US locale reads English


async def test_form_is_in_the_persons_language(h: Harness) -> None:
    view = await h.open_form(h.cast.employee)
    assert view["title"]["text"] == "カスハラの報告"


async def test_reporter_can_add_information_privately(h: Harness) -> None:
    await h.report(h.cast.employee_en)
    await h.settle()
    dm = h.sim.dms(h.cast.employee_en)[0]
    value = next(el["value"] for b in dm.blocks if b["type"] == "actions" for el in b["elements"])
    await h.slack.click(h.cast.employee_en, Action.ADD_INFO, value)
    await h.sim.wait_for(lambda s: s.calls_to("views.open")[-1].args["view"]["callback_id"]
                         == "report.add_info")
    modal = h.sim.calls_to("views.open")[-1].response["view"]
    reply = await h.slack.submit_view(h.cast.employee_en, modal, {
        "addition": {"value": {"type": "plain_text_input", "value": "He called again today"}}})
    assert reply.json()["response_action"] == "update"
    await h.settle()
    card = h.sim.messages(RESPONDERS)[0]
    notes = thread_of(h, card.ts)
    assert len(notes) == 2 and "CH-2026-0001" in notes[1].text
    assert "called again" not in channel_text(h)
    # Someone else pressing the reporter's button is refused.
    await h.slack.click(h.cast.responder, Action.ADD_INFO, value)
    await h.sim.wait_for(lambda s: s.dms(h.cast.responder))
    assert "報告した従業員ご本人" in h.sim.dms(h.cast.responder)[-1].text


async def test_healthz(h: Harness) -> None:
    async with h.slack.session.get(h.url.replace("/slack/events", "/healthz")) as resp:
        assert resp.status == 200
        body = await resp.json()
    assert body["ok"] is True and body["database"] == "ok"
