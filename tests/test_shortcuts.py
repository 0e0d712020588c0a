"""Issue 13, item 1: "Report as harassment" on a message, and the global shortcut.

Payloads are shaped as Slack sends them (Bolt's own test fixtures for message_action
and shortcut, slacksim/requests.py), to the bot's real endpoint; the simulator refuses
a trigger used after 3 s, so an opened form is one Slack would have shown.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.clock import FixedClock
from bot.demo.harness import RESPONDERS, Harness
from bot.flows.retention import purge_due
from bot.views.ids import Action, Callback, Shortcut
from db import reported_messages, retention
from db.cases import get_case
from slacksim import Message
from slacksim.forms import report_values
from slacksim.model import BOT_USER_ID, WORKSPACE_URL
from slacksim.render import render_view
from tests.case_kit import Filed, press_and_open

CUSTOMER = "U0CUSTOM01"
CUSTOMER_TEAM = "T0ACMECORP"
# A private Slack Connect channel with the customer; the bot is not in it.
SHARED = "C0SHARED01"
WORDS = "Refund me now or I will come to your office, <@U0EMPLOY02>. You are useless."


def seed_shared_channel(h: Harness) -> str:
    h.sim.add_user(CUSTOMER, "buyer", real_name="Acme Buyer", team_id=CUSTOMER_TEAM)
    h.sim.add_channel(
        SHARED, "acme-shared", members=[h.cast.employee_en, CUSTOMER], is_private=True
    )
    return posted(h, SHARED, WORDS, CUSTOMER)


def posted(h: Harness, channel: str, text: str, user: str) -> str:
    """A message someone posted ten minutes before the bot's (fixed) now."""
    ts = f"{h.bot.ctx.clock.now().timestamp() - 600:.6f}"
    h.sim.all_messages.append(Message(channel, ts, text, user=user))
    return ts


def slack_message(ts: str, user: str, team: str, text: str = WORDS) -> dict[str, Any]:
    # As a message_action carries it: Slack Connect messages name the sender's team.
    return {"client_msg_id": "c0ffee-1", "text": text, "user": user, "ts": ts, "team": team,
            "user_team": team, "source_team": team, "blocks": []}  # fmt: skip


async def opened_form(h: Harness, trigger: str) -> dict[str, Any]:
    return await h.opened_with(trigger)


def block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


async def shortcut_on(h: Harness, user: str, ts: str, team: str, sender: str) -> dict[str, Any]:
    trigger = h.sim.new_trigger(user)
    sent = time.monotonic()
    reply = await h.slack.message_shortcut(
        user, Shortcut.REPORT_MESSAGE, trigger, channel=SHARED,
        message=slack_message(ts, sender, team),
    )  # fmt: skip
    assert reply.status == 200, reply
    view = await opened_form(h, trigger)
    opened_at = next(c.at for c in h.sim.calls_to("views.open") if c.args["trigger_id"] == trigger)
    assert opened_at - sent < 3.0  # within Slack's trigger lifetime
    return view


async def kept_rows(h: Harness) -> list[tuple[Any, ...]]:
    return await h.bot.ctx.store.run(
        lambda db: db.execute("SELECT * FROM reported_messages").fetchall()
    )


async def test_message_shortcut_opens_the_form_prefilled_and_keeps_the_message_sealed(
    h: Harness,
) -> None:
    user = h.cast.employee_en
    ts = seed_shared_channel(h)
    view = await shortcut_on(h, user, ts, CUSTOMER_TEAM, CUSTOMER)
    shown = render_view(view, h.cast.names())
    assert "The message from the customer" in shown and "Refund me now" in shown
    assert block(view, "contact_channel")["element"]["initial_option"]["value"] == "chat"
    picker = block(view, "occurred_at")["element"]
    assert picker["initial_date_time"] == int(float(ts))  # when the message was sent
    # The bot is not in the shared channel: Slack refuses the permalink, the built one stands.
    await h.sim.wait_for(lambda s: s.calls_to("chat.getPermalink"))
    assert h.sim.calls_to("chat.getPermalink")[0].response["error"] == "channel_not_found"
    rows = await kept_rows(h)
    assert len(rows) == 1
    raw = json.dumps(rows, default=str)
    assert "Refund me" not in raw and SHARED not in raw  # text and link sealed at rest

    values = report_values(
        occurred_at=datetime.fromtimestamp(float(ts), UTC), contact="chat",
        categories=["verbal_abuse", "threat"], danger="over",
        narrative="A customer in our shared channel threatened to come to the office.",
    )  # fmt: skip
    reply = await h.slack.submit_view(user, view, values)
    assert reply.status == 200 and reply.json()["response_action"] == "update"
    await h.settle()
    link = f"{WORKSPACE_URL}archives/{SHARED}/p{ts.replace('.', '')}"

    def read(db: Any) -> tuple[Any, ...]:
        case_id, links = db.execute("SELECT id, evidence_links FROM cases").fetchone()
        return case_id, links, reported_messages.of_case(db, case_id)

    case_id, stored_links, kept = await h.bot.ctx.store.run(read)
    assert "archives" not in stored_links  # the case's links are sealed too
    case = await h.bot.ctx.store.run(get_case, case_id)
    assert case.evidence_links[0] == link  # the message is the first piece of evidence
    assert user not in link  # names the conversation and the message, not the reporter
    assert [(k.text, k.permalink, k.sender_external) for k in kept] == [(WORDS, link, True)]
    assert kept[0].at == datetime.fromtimestamp(float(ts), UTC)


async def test_message_from_a_colleague_uses_slacks_own_permalink(h: Harness) -> None:
    """In a channel the bot is in, Slack gives the permalink; the sender is no customer."""
    user = h.cast.employee_en
    h.sim.add_channel(SHARED, "front-desk", members=[user, h.cast.responder, BOT_USER_ID])
    ts = posted(h, SHARED, "forwarded: the customer's email", h.cast.responder)
    view = await shortcut_on(h, user, ts, "T0SIM", h.cast.responder)
    shown = render_view(view, h.cast.names())
    assert "The message from its sender" in shown and "the customer (" not in shown
    await h.sim.wait_for(lambda s: s.calls_to("chat.getPermalink"))
    assert h.sim.calls_to("chat.getPermalink")[0].response["ok"]


async def test_form_opens_even_when_slack_is_slow_to_say_who_the_user_is(h: Harness) -> None:
    """The language look-up may not eat the 3 s: past its budget, the default language."""
    ts = seed_shared_channel(h)
    h.sim.stall("users.info", 2.5)
    view = await shortcut_on(h, h.cast.employee_en, ts, CUSTOMER_TEAM, CUSTOMER)
    assert "お客様のメッセージ" in render_view(view, {})  # the configured language: Japanese


async def test_global_shortcut_opens_the_same_form_as_the_command(h: Harness) -> None:
    # Both open the first modal: "happening now" in one tap, or the full report.
    user = h.cast.employee
    by_command = await h.open_start(user)
    trigger = h.sim.new_trigger(user)
    reply = await h.slack.global_shortcut(user, Shortcut.REPORT, trigger)
    assert reply.status == 200, reply
    by_shortcut = await opened_form(h, trigger)
    assert by_shortcut["blocks"] == by_command["blocks"]
    assert by_shortcut["callback_id"] == by_command["callback_id"] == Callback.REPORT_START


async def test_a_message_shortcut_without_a_message_still_opens_the_form(h: Harness) -> None:
    user = h.cast.employee
    trigger = h.sim.new_trigger(user)
    reply = await h.slack.interact({
        "type": "message_action", "callback_id": Shortcut.REPORT_MESSAGE, "trigger_id": trigger,
        "team": {"id": "T0SIM"}, "user": {"id": user}, "channel": {"id": SHARED},
        "message": {"type": "message", "ts": "not-a-ts"}, "token": "legacy",
    })  # fmt: skip
    assert reply.status == 200
    view = await opened_form(h, trigger)
    assert "msg" not in json.loads(view["private_metadata"])


async def test_a_form_never_submitted_leaves_no_message_behind(
    h: Harness, clock: FixedClock
) -> None:
    ts = seed_shared_channel(h)
    await shortcut_on(h, h.cast.employee_en, ts, CUSTOMER_TEAM, CUSTOMER)
    await h.sim.wait_for(lambda s: s.calls_to("chat.getPermalink"))
    assert len(await kept_rows(h)) == 1
    clock.advance(timedelta(hours=23))
    await purge_due(h.bot.ctx)
    assert len(await kept_rows(h)) == 1  # the employee may still be writing
    clock.advance(timedelta(hours=2))
    await purge_due(h.bot.ctx)
    assert await kept_rows(h) == []


async def test_the_evidence_rule_purges_the_reported_message(h: Harness) -> None:
    ts = seed_shared_channel(h)
    view = await shortcut_on(h, h.cast.employee_en, ts, CUSTOMER_TEAM, CUSTOMER)
    await h.sim.wait_for(lambda s: s.calls_to("chat.getPermalink"))
    values = report_values(occurred_at=h.bot.ctx.clock.now(), contact="chat",
                           categories=["verbal_abuse"], danger="over", narrative="x")  # fmt: skip
    await h.slack.submit_view(h.cast.employee_en, view, values)
    await h.settle()

    def purge(db: Any) -> list[Any]:
        case_id = db.execute("SELECT id FROM cases").fetchone()[0]
        retention.purge(db, case_id, "evidence", h.bot.ctx.clock.now())
        return reported_messages.of_case(db, case_id)

    kept = await h.bot.ctx.store.run(purge)
    assert [(k.text, k.permalink) for k in kept] == [("", "")]


async def test_responders_read_the_reported_message_without_the_reporters_id(
    h: Harness,
) -> None:
    ts = seed_shared_channel(h)
    view = await shortcut_on(h, h.cast.employee_en, ts, CUSTOMER_TEAM, CUSTOMER)
    await h.sim.wait_for(lambda s: s.calls_to("chat.getPermalink"))
    values = report_values(occurred_at=h.bot.ctx.clock.now(), contact="chat",
                           categories=["verbal_abuse"], danger="over", narrative="x")  # fmt: skip
    await h.slack.submit_view(h.cast.employee_en, view, values)
    await h.settle()
    card = h.sim.messages(RESPONDERS)[-1]
    details = await press_and_open(
        h, h.cast.responder, Action.VIEW_DETAILS, Filed(1, "CH-2026-0001", card, card)
    )
    shown = render_view(details, h.cast.names())
    assert "報告されたメッセージ（お客様" in shown and "Refund me now" in shown
    assert "U0EMPLOY02" not in json.dumps(details)  # a confidential reporter's own ID
