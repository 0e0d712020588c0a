"""The demo's opening act (issue 11): a customer is shouting at an employee right now.

One tap on "Happening now — I need help": she reads the safety steps and the script
to stop the conversation at once, the team sees an urgent card naming who is asked to
go and where, someone says "I'm going", and she is told privately that someone has
her case and is on the way. When she is safe, she completes the report: the same case.
"""

from __future__ import annotations

import json
from typing import Any

from bot.demo.harness import RESPONDERS, Cast, Harness
from bot.demo.output import Printer
from bot.views.ids import Action
from slacksim.forms import report_values

SITE = {"id": "shinjuku", "name": "Shinjuku store", "supervisors": [Cast().responder2]}


def with_backup(data: dict[str, Any], cast: Cast) -> dict[str, Any]:
    """The demo company's backup rotation and sites (config `sites`, `[rotations.backup]`)."""
    data["rotations"]["backup"] = {
        "members": [cast.responder],
        "start": "2026-01-05T09:00:00+09:00",
        "shift": "1d",
    }
    data["sites"] = [SITE]
    return data


def _choice(value: str, kind: str) -> dict[str, Any]:
    return {"value": {"type": kind, "selected_option": {"value": value}}}


async def happening_now(h: Harness, out: Printer) -> None:
    cast = h.cast
    who = cast.employee_en
    out.scene("A customer is shouting at an employee at the counter, right now")
    out.say("Alex Kim (store staff, reads English) types `/report-ch` on their phone.")
    start = await h.open_start(who)
    out.view(who, start)
    out.say(
        'Alex picks "In person" and "Shinjuku store", types "register 2", answers that '
        'the helper may know who they are, and taps "Happening now — I need help". Once.'
    )
    values = {
        "u_channel": _choice("in_person", "static_select"),
        "u_site": _choice("shinjuku", "static_select"),
        "u_place": {"value": {"type": "plain_text_input", "value": "register 2"}},
        "u_may_know": _choice("yes", "radio_buttons"),
    }
    safety = await h.press_in_view(who, start, Action.URGENT, values)
    out.view(who, safety)
    await h.settle()
    card = h.sim.messages(RESPONDERS)[-1]
    out.message(cast.responder, "#ch-responders (the urgent card)", card)
    summons = h.sim.replies(RESPONDERS, card.ts)[0]
    out.message(cast.responder2, "the card's thread: the named call for a second person", summons)
    # Each person asked to go is told privately too, with Alex's name (Alex allowed it);
    # the channel keeps Alex confidential.
    dm = h.sim.dms(cast.responder2)[-1]
    out.message(cast.responder2, "a private message: the call, where, and who", dm)

    value = json.dumps({"case": _case_no(card)})
    out.say("Tanaka Ken acknowledges the card; Alex is told privately, without a name.")
    await h.sim.wait_for(lambda s: s.dms(who))  # her confirmation (with the safety steps)
    seen = len(h.sim.dms(who))
    await _press(h, cast.responder, Action.ACK, value, card.ts)
    out.message(who, "a private message from the bot", await _next_dm(h, who, seen))
    out.say('Lee Mei, the store\'s supervisor, presses "I\'m going".')
    seen = len(h.sim.dms(who))
    await _press(h, cast.responder2, Action.HELPER_GOING, value, summons.ts, card.ts)
    out.message(who, "a private message from the bot", await _next_dm(h, who, seen))

    out.say('Later, safe in the back office, Alex presses "I\'m safe — complete the report".')
    form = await h.press_in_view(who, safety, Action.COMPLETE_REPORT)
    filled = report_values(
        occurred_at=h.bot.ctx.clock.now(),
        contact="in_person",
        categories=["verbal_abuse", "intimidation"],
        danger="over",
        narrative="He shouted that I was useless and slammed the counter until Lee came.",
    )
    reply = await h.slack.submit_view(who, form, filled)
    out.view(who, reply.json()["view"])
    await h.settle()
    out.message(cast.responder, "#ch-responders (the same card, completed)", card)


def _case_no(card: Any) -> str:
    for b in card.blocks or []:
        for el in b.get("elements", []) if b.get("type") == "actions" else []:
            if el.get("action_id") == Action.VIEW_DETAILS:
                return str(json.loads(el["value"])["case"])
    raise LookupError("no case number on the card")


async def _next_dm(h: Harness, who: str, seen: int) -> Any:
    """The private message the last press made the bot send her (after `seen`)."""
    await h.settle()
    await h.sim.wait_for(lambda s: len(s.dms(who)) > seen)
    return h.sim.dms(who)[seen]


async def _press(
    h: Harness, user: str, action: Action, value: str, ts: str, thread_ts: str | None = None
) -> None:
    reply = await h.slack.click(
        user, action, value, channel=RESPONDERS, message_ts=ts, thread_ts=thread_ts or ts
    )
    assert reply.status == 200, reply
