"""Steps for the employee's own-case tests (issue 11 §3/§4): her DM's and her App
Home's buttons, the consent modal, through the real endpoint."""

from __future__ import annotations

from typing import Any

from bot.demo.harness import Harness
from bot.views.ids import Action
from slacksim import Message
from slacksim.render import render_view
from tests.case_kit import (
    Filed,
    choice,
    choices,
    complete_step,
    press_and_open,
    record_assessment,
    text,
    updated,
)
from tests.urgent_kit import card_and_thread, case_row


def buttons(blocks: list[dict[str, Any]], action: str) -> list[dict[str, Any]]:
    return [
        e
        for b in blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == action
    ]


def confirmation(h: Harness, user: str) -> Message:
    """Her confirmation DM (the first bot message that offers "Add information")."""
    return next(m for m in h.sim.dms(user) if buttons(m.blocks, Action.ADD_INFO))


async def home(h: Harness, user: str) -> tuple[dict[str, Any], str]:
    """Open the Home tab; (the view Slack shows, its text)."""
    before = h.sim.home_views.get(user, {}).get("hash")
    reply = await h.slack.event({"type": "app_home_opened", "user": user, "tab": "home",
                                 "channel": h.sim.dm_channel(user)})  # fmt: skip
    assert reply.status == 200
    await h.sim.wait_for(lambda s: s.home_views.get(user, {}).get("hash") not in (None, before))
    view = h.sim.home_views[user]
    return view, render_view(view, h.cast.names())


def home_text(h: Harness, user: str) -> str:
    return render_view(h.sim.home_views[user], h.cast.names())


async def click_opens(
    h: Harness, user: str, action: str, value: str, **where: Any
) -> dict[str, Any]:
    """Press a button that opens a modal; the modal as Slack shows it."""
    before = len(h.sim.calls_to("views.open"))
    reply = await h.slack.click(user, action, value, **where)
    assert reply.status == 200, reply
    await h.sim.wait_for(lambda s: len(s.calls_to("views.open")) > before)
    view: dict[str, Any] = h.sim.calls_to("views.open")[before].response["view"]
    return view


async def consent_from_dm(h: Harness, user: str) -> dict[str, Any]:
    dm = confirmation(h, user)
    [b] = buttons(dm.blocks, Action.CONSENT)
    return await click_opens(h, user, Action.CONSENT, b["value"], channel=dm.channel,
                             message_ts=dm.ts)  # fmt: skip


async def consent_from_home(h: Harness, user: str, case_no: str) -> dict[str, Any]:
    view, _ = await home(h, user)
    b = next(b for b in buttons(view["blocks"], Action.CONSENT) if case_no in b["value"])
    return await click_opens(h, user, Action.CONSENT, b["value"], view=view)


def answers(counseling: bool, named: bool) -> dict[str, Any]:
    def radio(yes: bool) -> dict[str, Any]:
        value = "yes" if yes else "no"
        return {"value": {"type": "radio_buttons", "selected_option": {"value": value}}}

    return {"counseling": radio(counseling), "named": radio(named)}


async def choose(
    h: Harness, user: str, modal: dict[str, Any], *, counseling: bool, named: bool
) -> dict[str, Any]:
    """Submit the consent modal; the screen it answers with."""
    reply = await h.slack.submit_view(user, modal, answers(counseling, named))
    assert reply.status == 200 and reply.json()["response_action"] == "update", reply
    await h.settle()
    shown: dict[str, Any] = reply.json()["view"]
    return shown


async def tapped_case(h: Harness) -> Filed:
    """The case a tap filed, as the responders see it: its card and its checklist reply."""
    card, thread = await card_and_thread(h)
    checklist = next(m for m in thread if buttons(m.blocks, Action.STEP_DONE))
    row = await case_row(h)
    return Filed(row["id"], row["case_no"], card, checklist)


async def closed_by_team(h: Harness, filed: Filed) -> None:
    """The responders' own way to close: an assessment, the care step, the close modal."""
    r = h.cast.responder
    await record_assessment(h, r, filed)
    await complete_step(h, r, filed, "care")
    view = await press_and_open(h, r, Action.CLOSE, filed)
    before = filed.card.update_count
    reply = await h.slack.submit_view(r, view, {"summary": text("Warned; counseling offered")})
    assert reply.status == 200 and not reply.body, reply
    await updated(h, filed.card, before)
    await h.settle()


def completion_values(form: dict[str, Any], **consent: bool) -> dict[str, Any]:
    """The completion form as Slack submits it: a full report, and the consent boxes as
    prefilled, except those given (`show_name`, `counseling_ok`: ticked or not)."""
    block = next(b for b in form["blocks"] if b.get("block_id") == "consent")
    ticked = {o["value"] for o in block["element"].get("initial_options", [])}
    for box, on in consent.items():
        ticked = ticked | {box} if on else ticked - {box}
    options = [o for o in block["element"]["options"] if o["value"] in ticked]
    when = next(b for b in form["blocks"] if b.get("block_id") == "occurred_at")
    return {
        "occurred_at": {"value": {"type": "datetimepicker",
                                  "selected_date_time": when["element"]["initial_date_time"]}},
        "contact_channel": choice("phone", "static_select"),
        "categories": choices(["threat"]),
        "danger": choice("over"),
        "narrative": text("He said he would wait for me outside."),
        "consent": {"value": {"type": "checkboxes", "selected_options": options}},
    }  # fmt: skip
