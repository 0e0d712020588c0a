"""The demo's consent scene (issue 11 §3): her reply "I'd like counseling" is a wish in
a message; the button on her confirmation changes her consent, and the thread shows it.

Driven like the rest of the demo: signed requests to the real endpoint."""

from __future__ import annotations

from typing import Any

from bot.demo.harness import RESPONDERS, Harness
from bot.demo.output import Printer
from bot.views.ids import Action
from db.cases import find_case_no
from slacksim import Message


def _consent_button(msg: Message, case_no: str) -> dict[str, Any] | None:
    for b in msg.blocks or []:
        for e in b.get("elements", []) if b.get("type") == "actions" else []:
            if e.get("action_id") == Action.CONSENT and case_no in str(e.get("value")):
                return dict(e)
    return None


async def she_agrees_to_counseling(h: Harness, case_no: str, out: Printer) -> None:
    cast, employee = h.cast, h.cast.employee
    case = await h.bot.ctx.store.run(find_case_no, case_no)
    assert case is not None and case.card_ts and case.thread_ts
    dm, button = next(
        (m, b) for m in h.sim.dms(employee) if (b := _consent_button(m, case_no)) is not None
    )
    out.scene("She agrees to counseling with the button, and the thread shows it")
    out.say(
        "Her reply asks for counseling, but a message is not consent: her confirmation has"
        " a \"Change my choices\" button (so does her App Home). She agrees there; the"
        " change is in the timeline with its time."
    )
    before = len(h.sim.calls_to("views.open"))
    reply = await h.slack.click(
        employee, Action.CONSENT, button["value"], channel=dm.channel, message_ts=dm.ts
    )
    assert reply.status == 200, reply
    await h.sim.wait_for(lambda s: len(s.calls_to("views.open")) > before)
    modal: dict[str, Any] = h.sim.calls_to("views.open")[before].response["view"]
    out.view(employee, modal)
    yes = {"value": {"type": "radio_buttons", "selected_option": {"value": "yes"}}}
    no = {"value": {"type": "radio_buttons", "selected_option": {"value": "no"}}}
    checklist = h.sim.find_message(RESPONDERS, case.thread_ts)
    assert checklist is not None
    updates = checklist.update_count
    counselors = {c: len(h.sim.dms(c)) for c in cast.counseling}
    reply = await h.slack.submit_view(employee, modal, {"counseling": yes, "named": no})
    assert reply.status == 200, reply
    await h.sim.wait_for(lambda _: checklist.update_count > updates)
    await h.settle()
    out.view(employee, reply.json()["view"])
    out.message(cast.responder, "the case thread", h.sim.replies(RESPONDERS, case.card_ts)[-1])
    top = {"text": "", "blocks": checklist.blocks[:1]}  # its first lines: who, and consent
    out.message(cast.responder, "the case thread (the checklist, redrawn)", top)
    for counselor, seen in counselors.items():
        for ping in h.sim.dms(counselor)[seen:]:
            out.message(counselor, "a private message from the bot (the case number only)", ping)
