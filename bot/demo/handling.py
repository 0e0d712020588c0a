"""The demo's second act: the team handles a case together, from acknowledgement to close.

Driven like the rest of the demo: signed requests to the real endpoint, exactly as
Slack sends them when people press buttons, fill modals and write in a DM.
"""

from __future__ import annotations

import json
from typing import Any

from bot.demo.consent import she_agrees_to_counseling
from bot.demo.harness import RESPONDERS, Harness
from bot.demo.output import Printer
from bot.i18n import t
from bot.views.ids import Action
from db.cases import find_case_no
from db.decisions import newest_measure
from slacksim import Message


def _plain(value: str) -> dict[str, Any]:
    return {"value": {"type": "plain_text_input", "value": value}}


def _radio(value: str) -> dict[str, Any]:
    return {"value": {"type": "radio_buttons", "selected_option": {"value": value}}}


class _Case:
    """The case's card and checklist in the simulated Slack, and its buttons."""

    def __init__(self, h: Harness, case_no: str, card: Message, checklist: Message) -> None:
        self.h, self.case_no, self.card, self.checklist = h, case_no, card, checklist

    @classmethod
    async def find(cls, h: Harness, case_no: str) -> _Case:
        case = await h.bot.ctx.store.run(find_case_no, case_no)
        assert case is not None and case.card_ts and case.thread_ts, "the case is not posted yet"
        card = h.sim.find_message(RESPONDERS, case.card_ts)
        checklist = h.sim.find_message(RESPONDERS, case.thread_ts)
        assert card is not None and checklist is not None, "the case is not posted yet"
        return cls(h, case_no, card, checklist)

    async def press(
        self, user: str, action: Action, on_checklist: bool = False, **extra: Any
    ) -> None:
        msg = self.checklist if on_checklist else self.card
        value = json.dumps({"case": self.case_no, **extra})
        reply = await self.h.slack.click(
            user, action, value, channel=RESPONDERS, message_ts=msg.ts, thread_ts=self.card.ts
        )
        assert reply.status == 200, reply

    async def press_and_wait(self, user: str, action: Action, **extra: Any) -> None:
        """Press, and wait for the card (or checklist) to be updated in place."""
        msg = self.checklist if extra.get("on_checklist") else self.card
        before = msg.update_count
        await self.press(user, action, **extra)
        await self.h.sim.wait_for(lambda _: msg.update_count > before)

    async def modal(self, user: str, action: Action, **extra: Any) -> dict[str, Any]:
        before = len(self.h.sim.calls_to("views.open"))
        await self.press(user, action, **extra)
        await self.h.sim.wait_for(lambda s: len(s.calls_to("views.open")) > before)
        view: dict[str, Any] = self.h.sim.calls_to("views.open")[before].response["view"]
        return view

    async def submit(self, user: str, view: dict[str, Any], values: dict[str, Any]) -> None:
        before = self.card.update_count
        reply = await self.h.slack.submit_view(user, view, values)
        assert reply.status == 200 and not reply.body, reply.body
        await self.h.sim.wait_for(lambda _: self.card.update_count > before)
        await self.h.settle()


async def responders_act(h: Harness, case_no: str, out: Printer) -> None:
    cast = h.cast
    tanaka, lee = cast.responder, cast.responder2
    case = await _Case.find(h, case_no)

    out.scene(f"Handling {case_no} together: acknowledge, lead, first steps")
    out.say("Tanaka Ken presses Acknowledge, then Take the lead; the card changes in place.")
    await case.press_and_wait(tanaka, Action.ACK)
    await case.press_and_wait(tanaka, Action.TAKE_LEAD)
    # Issue 12: the customer's identifiers are in View details (recorded), as she typed them.
    details = await case.modal(tanaka, Action.VIEW_DETAILS)
    title = f"*{t('ja', 'customer_ids.title')}*\n"
    texts = [str(b.get("text", {}).get("text", "")) for b in details["blocks"]]
    ids = next(x for x in texts if x.startswith(title))
    out.say("View details shows the customer's identifiers, so nobody asks her again: "
            + ids.removeprefix(title).replace("\n", " / "))  # fmt: skip
    await case.press_and_wait(tanaka, Action.STEP_DONE, on_checklist=True, step="safety")
    out.say("Step 3 (record verbatim) asks where the record is kept.")
    view = await case.modal(tanaka, Action.STEP_DONE, on_checklist=True, step="record_verbatim")
    out.view(tanaka, view)
    await case.submit(tanaka, view, {"note": _plain("Call recording in the support system")})
    out.message(tanaka, "#ch-responders (the card, updated)", case.card)

    out.scene("The assessment, and a severe measure under the two-person rule")
    view = await case.modal(lee, Action.ASSESSMENT)
    out.view(lee, view)
    await case.submit(
        lee,
        view,
        {
            "demand_valid": _radio("invalid"),
            "means_appropriate": _radio("inappropriate"),
            "conclusion": _radio("harassment"),
            "mhlw_types": {
                "value": {
                    "type": "multi_static_select",
                    "selected_options": [
                        {"value": "verbal_abuse"},
                        {"value": "intimidation_threat"},
                    ],
                }
            },
            "reason": _plain("Compensation is not owed; threats to expose her name online."),
        },
    )
    out.say(
        "She was threatened (「名前をネットにさらすぞ」): Tanaka records a police report with"
        " its number; a report to the police waits for a second person."
    )
    view = await case.modal(tanaka, Action.MEASURE)
    await case.submit(
        tanaka, view, {"kind": _radio("police_report"), "police_no": _plain("R-2026-1187")}
    )
    out.message(tanaka, "#ch-responders (the card)", case.card)
    measure = await h.bot.ctx.store.run(newest_measure, case_no)
    seen = len(h.sim.ephemerals(tanaka))
    await case.press(tanaka, Action.CONFIRM_MEASURE, measure=measure)
    await h.sim.wait_for(lambda s: len(s.ephemerals(tanaka)) > seen)
    out.message(tanaka, "an only-visible-to-you note", h.sim.ephemerals(tanaka)[-1])
    await case.press_and_wait(lee, Action.CONFIRM_MEASURE, measure=measure)
    out.say(
        "Lee Mei confirms it: now it counts, and it completes step 8 (police and lawyer)"
        " on the checklist, recorded as done by that measure."
    )
    out.message(lee, "the case thread (the checklist)", case.checklist)

    out.scene("A step that does not apply: stopping the response")
    out.say(
        "The customer has not called again since the refund was explained: there is no"
        " response to stop. Tanaka marks step 7 not applicable, with a reason; it counts"
        " as handled, and no reminder will nag about it."
    )
    view = await case.modal(
        tanaka, Action.STEP_NOT_APPLICABLE, on_checklist=True, step="stop_response"
    )
    out.view(tanaka, view)
    await case.submit(
        tanaka, view, {"reason": _plain("返金規定を説明した後、顧客からの連絡はないため")}
    )
    out.message(tanaka, "the case thread (the checklist)", case.checklist)

    out.scene("Talking to the employee, who stays confidential")
    view = await case.modal(lee, Action.MESSAGE_EMPLOYEE)
    out.view(lee, view)
    await case.submit(
        lee, view, {"text": _plain("Are you all right? Would you like to talk to a counselor?")}
    )
    dm = h.sim.dms(cast.employee)[-1]
    out.message(cast.employee, "a private message from the bot", dm)
    reply = h.sim.add_message(
        cast.employee, "大丈夫です。カウンセリングをお願いします。", cast.employee, thread_ts=dm.ts
    )
    await h.slack.event(
        {
            "type": "message",
            "channel": reply.channel,
            "channel_type": "im",
            "user": cast.employee,
            "text": reply.text,
            "ts": reply.ts,
            "thread_ts": dm.ts,
        }
    )
    thread = h.sim.replies(RESPONDERS, case.card.ts)
    await h.sim.wait_for(lambda s: len(s.replies(RESPONDERS, case.card.ts)) > len(thread))
    await h.settle()
    out.say(
        "Her words are not posted to the shared channel, where Slack would keep them for"
        " ever: the thread gets a notice, and Tanaka opens the conversation (recorded)."
    )
    out.message(tanaka, "the case thread", h.sim.replies(RESPONDERS, case.card.ts)[-1])
    out.view(tanaka, await case.modal(tanaka, Action.OPEN_CONVERSATION))
    await she_agrees_to_counseling(h, case_no, out)  # consent that can change (issue 11)

    out.scene("Care, then close; the employee is told privately")
    await case.press_and_wait(lee, Action.STEP_DONE, on_checklist=True, step="care")
    out.say("The rest of the checklist is worked through; the case ends fully handled.")
    for step in ("limited_first_response", "report_to_team", "assess", "respond_by_type"):
        await case.press_and_wait(tanaka, Action.STEP_DONE, on_checklist=True, step=step)
    out.say("Prevent recurrence asks what was learned: HR's review report collects it.")
    view = await case.modal(lee, Action.STEP_DONE, on_checklist=True, step="prevent_recurrence")
    lesson = "A second person joins every call with this account from now on."
    await case.submit(lee, view, {"note": _plain(lesson)})
    view = await case.modal(tanaka, Action.CLOSE)
    out.view(tanaka, view)
    summary = "Reported to the police (R-2026-1187); counseling arranged."
    await case.submit(tanaka, view, {"summary": _plain(summary)})
    out.message(tanaka, "#ch-responders (the card, closed)", case.card)
    out.message(cast.employee, "a private message from the bot", h.sim.dms(cast.employee)[-1])
    view = await case.modal(lee, Action.TIMELINE)
    out.view(lee, view)
