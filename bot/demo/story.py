"""`ch-responder demo`: the main job, offline, with no Slack account.

Starts the project's Slack simulator, runs the real bot against it over HTTP, plays
a scripted story with signed requests exactly as Slack would send them, and prints
what each person sees.
"""

from __future__ import annotations

import logging
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.clock import FixedClock, SystemClock
from bot.config import parse_config
from bot.demo.from_message import message_and_room
from bot.demo.handling import responders_act
from bot.demo.harness import RESPONDERS, Cast, Harness, running_bot, sample_config
from bot.demo.hr import hr_asks
from bot.demo.output import Printer
from bot.demo.urgent import happening_now, with_backup
from bot.views.ids import Action
from db.cases import case_by_card, get_case
from slacksim.forms import report_values

log = logging.getLogger(__name__)


async def _first_report(h: Harness, out: Printer) -> str:
    cast = h.cast
    out.scene("An employee is shouted at on the phone and reports it")
    out.say(
        "Sato Hana (customer support, reads Japanese) types "
        "`/report-ch 電話で30分以上怒鳴られました` in Slack."
    )
    form = await h.open_form(cast.employee, "電話で30分以上怒鳴られました")
    out.view(cast.employee, form)
    out.say(
        "She fills the form: by phone, verbal abuse and a threat, it is over now, "
        "the customer's phone number; she keeps her name confidential."
    )
    values = report_values(
        occurred_at=h.bot.ctx.clock.now() - timedelta(minutes=20),
        contact="phone",
        categories=["verbal_abuse", "threat"],
        danger="over",
        narrative="「誠意を見せろ」「お前の名前をネットにさらすぞ」と30分以上怒鳴られました。"
        "返金は規定どおりと3回お伝えしました。 <!channel> ",
        demand="全額返金と慰謝料",
        customer={"phone": "+81 90-1234-5678", "order": "A-10023"},
    )
    reply = await h.slack.submit_view(cast.employee, form, values)
    out.view(cast.employee, reply.json()["view"])
    await h.settle()
    card = h.sim.messages(RESPONDERS)[-1]
    out.message(cast.responder, "#ch-responders (the case card)", card)
    thread = h.sim.replies(RESPONDERS, card.ts)[-1]
    out.message(cast.responder, "the card's thread", thread)
    out.message(cast.employee, "a private message from the bot", h.sim.dms(cast.employee)[-1])
    out.say(
        "Note: the `<!channel>` she pasted pinged nobody, and her words stay out of the "
        "channel; responders read them through View details, which is recorded."
    )
    return card.ts


async def _urgent_repeat(h: Harness, out: Printer) -> None:
    cast = h.cast
    out.scene("Two weeks later the same customer calls another employee, right now")
    clock = h.bot.ctx.clock
    assert isinstance(clock, FixedClock)
    clock.advance(timedelta(days=14))
    form = await h.open_form(cast.employee_en)
    values = report_values(
        occurred_at=h.bot.ctx.clock.now(),
        contact="phone",
        categories=["intimidation", "time_restraint"],
        danger="ongoing",
        narrative="He has kept me on the line for 40 minutes and says he knows where I live.",
        customer={"phone": "090 1234 5678"},
    )
    reply = await h.slack.submit_view(cast.employee_en, form, values)
    out.view(cast.employee_en, reply.json()["view"])
    await h.settle()
    card = h.sim.messages(RESPONDERS)[-1]
    out.message(cast.responder2, "#ch-responders (the case card)", card)
    out.message(cast.responder2, "the card's thread", h.sim.replies(RESPONDERS, card.ts)[-1])
    out.message(cast.employee_en, "a private message from the bot", h.sim.dms(cast.employee_en)[-1])


async def _view_details(h: Harness, out: Printer, card_ts: str) -> None:
    cast = h.cast
    out.scene("A responder opens the details; an outsider cannot")
    card = h.sim.find_message(RESPONDERS, card_ts)
    assert card is not None
    value = next(
        el["value"]
        for b in card.blocks or []
        if b.get("type") == "actions"
        for el in b["elements"]
        if el.get("action_id") == Action.VIEW_DETAILS
    )
    before = len(h.sim.calls_to("views.open"))
    await h.slack.click(
        cast.responder, Action.VIEW_DETAILS, value, channel=RESPONDERS, message_ts=card_ts
    )
    await h.sim.wait_for(lambda s: len(s.calls_to("views.open")) > before)
    out.view(cast.responder, h.sim.calls_to("views.open")[-1].args["view"])
    await h.slack.click(
        cast.outsider, Action.VIEW_DETAILS, value, channel=RESPONDERS, message_ts=card_ts
    )
    await h.sim.wait_for(lambda s: s.ephemerals(cast.outsider))
    eph = h.sim.ephemerals(cast.outsider)[-1]
    out.message(cast.outsider, "an only-visible-to-you note", eph)


async def _case_no_of(h: Harness, card_ts: str) -> str:
    def read(db: Any) -> str:
        return str(get_case(db, case_by_card(db, RESPONDERS, card_ts) or 0).case_no)

    case_no: str = await h.bot.ctx.store.run(read)
    return case_no


async def _hr_looks(h: Harness, out: Printer) -> None:
    hr = h.cast.hr
    out.scene("HR asks how the consultation system is doing")
    before = len(h.sim.dms(hr))
    await hr_asks(h, out)
    summary = next(m for m in h.sim.dms(hr)[before:] if m.blocks)
    out.message(hr, "a private message from the bot", summary)
    for f in h.sim.files:
        out.say(f"… with a chart attached: {f.title or f.filename} ({f.length:,} bytes of PNG).")


async def run_demo(lang: str = "en") -> int:
    logging.getLogger().setLevel(logging.WARNING)  # the story is the output
    cast = Cast()
    out = Printer(cast.names())
    out.say(
        f"ch-responder demo: a simulated Slack workspace, the real bot over HTTP, "
        f"responders channel language: {lang}."
    )
    config = parse_config(with_backup(sample_config(cast, language=lang), cast), Path("."))

    clock = FixedClock(SystemClock().now())
    with tempfile.TemporaryDirectory(prefix="ch-demo-") as tmp:
        async with running_bot(Path(tmp) / "demo.db", clock=clock, config=config) as h:
            await happening_now(h, out)
            card_ts = await _first_report(h, out)
            clock.advance(timedelta(minutes=4))  # a responder picks it up a few minutes later
            await _view_details(h, out, card_ts)
            await responders_act(h, await _case_no_of(h, card_ts), out)
            await _urgent_repeat(h, out)
            await message_and_room(h, out)
            await _hr_looks(h, out)
            out.scene("The end")
            calls = len(h.sim.calls)
            out.say(
                f"{calls} Web API calls reached the simulated Slack; every case was "
                f"stored before anything was posted."
            )
    return 0
