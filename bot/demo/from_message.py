"""Demo act (issue 13): a business customer's abusive message in a Slack Connect channel
is reported from the message itself, and the response team opens a private room."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.demo.harness import RESPONDERS, Harness
from bot.demo.output import Printer
from bot.views.ids import Action, Shortcut
from slacksim.forms import report_values
from slacksim.model import Message

CUSTOMER = "U0ACMEBUY1"
CUSTOMER_TEAM = "T0ACMECORP"
SHARED = "C0ACMESHR1"  # a private Slack Connect channel with the customer; no bot in it
WORDS = (
    "This is the third late delivery. If it is not fixed today I will come to your "
    "office and make sure everyone knows how useless you are."
)


async def message_and_room(h: Harness, out: Printer) -> None:
    cast = h.cast
    out.scene("A business customer abuses Alex in a shared channel; Alex reports the message")
    h.sim.add_user(CUSTOMER, "acme.buyer", real_name="Acme Buyer", team_id=CUSTOMER_TEAM)
    h.sim.add_channel(SHARED, "acme-orders", members=[cast.employee_en, CUSTOMER], is_private=True)
    ts = f"{(h.bot.ctx.clock.now() - timedelta(minutes=5)).timestamp():.6f}"
    h.sim.all_messages.append(Message(SHARED, ts, WORDS, user=CUSTOMER))
    out.say(
        "In #acme-orders, a Slack Connect channel with Acme Corp, the buyer writes: "
        f"“{WORDS}” Alex opens the message's ⋮ menu and picks “Report as harassment”. "
        "The bot is not in that channel: the shortcut carries the message."
    )
    trigger = h.sim.new_trigger(cast.employee_en)
    message = {"type": "message", "text": WORDS, "user": CUSTOMER, "ts": ts,
               "team": CUSTOMER_TEAM, "user_team": CUSTOMER_TEAM}  # fmt: skip
    await h.slack.message_shortcut(
        cast.employee_en, Shortcut.REPORT_MESSAGE, trigger, channel=SHARED, message=message
    )
    await h.sim.wait_for(lambda s: any(c.args.get("trigger_id") == trigger
                                       for c in s.calls_to("views.open")))  # fmt: skip
    await h.sim.wait_for(lambda s: s.calls_to("chat.getPermalink"))
    form = next(c for c in h.sim.calls_to("views.open") if c.args.get("trigger_id") == trigger)
    out.view(cast.employee_en, form.response["view"])
    out.say("The time, “Chat” and the message are filled in; Alex adds what happened and sends.")
    values = report_values(
        occurred_at=h.bot.ctx.clock.now() - timedelta(minutes=5),
        contact="chat",
        categories=["intimidation", "verbal_abuse"],
        danger="over",
        narrative="The Acme buyer threatened to come to our office after a late delivery.",
    )
    reply = await h.slack.submit_view(cast.employee_en, form.response["view"], values)
    out.view(cast.employee_en, reply.json()["view"])
    await h.settle()
    card = h.sim.messages(RESPONDERS)[-1]
    out.message(cast.responder, "#ch-responders (the case card)", card)

    out.scene("The team opens a private case channel for it")
    value = json.dumps({"case": _case_no(card)})
    before = card.update_count
    await h.slack.click(
        cast.responder, Action.OPEN_ROOM, value, channel=RESPONDERS, message_ts=card.ts
    )
    await h.sim.wait_for(lambda _: card.update_count > before)
    room = h.sim.calls_to("conversations.create")[-1].response["channel"]["id"]
    members = [u for u in h.sim.channels[room].members if u in cast.names()]
    names = ", ".join(cast.names()[u] for u in members)
    out.say(
        f"A private channel #{h.sim.channels[room].name} now exists (named from the case "
        f"number only), with the bot and: {names}. Alex, who reported, is not in it."
    )
    out.message(cast.responder, f"#{h.sim.channels[room].name}", h.sim.messages(room)[-1])
    out.message(cast.responder, "#ch-responders (the card, updated)", card)


def _case_no(card: Message) -> str:
    for block in card.blocks or []:
        for el in block.get("elements") or []:
            if el.get("action_id") == Action.VIEW_DETAILS:
                return str(json.loads(el["value"])["case"])
    raise LookupError("no case number on the card")
