"""Shared steps for the case-action tests: file a case, press its buttons, fill its modals.

Everything goes through the real endpoint as signed Slack requests; what the tests
read back is what Slack (the simulator) holds: the card, the thread, DMs, ephemerals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.demo.harness import RESPONDERS, Harness
from bot.views.case_card import action_value
from bot.views.ids import Action
from db.cases import case_by_card, get_case
from db.timeline import entries
from slacksim import Message
from slacksim.render import render_message
from slacksim.requests import Reply


@dataclass
class Filed:
    id: int
    case_no: str
    card: Message
    checklist: Message


async def file_case(h: Harness, reporter: str | None = None, **form: Any) -> Filed:
    before = len(h.sim.messages(RESPONDERS))
    reply = await h.report(reporter or h.cast.employee, **form)
    assert reply.status == 200, reply
    await h.settle()
    card = h.sim.messages(RESPONDERS)[before]
    checklist = h.sim.replies(RESPONDERS, card.ts)[0]
    case_id = await h.bot.ctx.store.run(case_by_card, RESPONDERS, card.ts)
    assert case_id is not None, "the card names no stored case"
    case = await h.bot.ctx.store.run(get_case, case_id)
    return Filed(case.id, case.case_no, card, checklist)


def names(h: Harness) -> dict[str, str]:
    return h.cast.names()


def card_text(h: Harness, filed: Filed) -> str:
    return render_message(filed.card, names(h))


def checklist_text(h: Harness, filed: Filed) -> str:
    return render_message(filed.checklist, names(h))


async def press(
    h: Harness,
    user: str,
    action: Action,
    filed: Filed,
    *,
    on_checklist: bool = False,
    **extra: Any,
) -> Reply:
    """Press a button on the card (or the checklist reply) of the case."""
    msg = filed.checklist if on_checklist else filed.card
    reply = await h.slack.click(
        user,
        action,
        action_value(filed.case_no, **extra),
        channel=RESPONDERS,
        message_ts=msg.ts,
        thread_ts=filed.card.ts,
    )
    assert reply.status == 200, reply
    return reply


async def press_and_open(
    h: Harness, user: str, action: Action, filed: Filed, **extra: Any
) -> dict[str, Any]:
    """Press a button that opens a modal; returns the modal as Slack shows it."""
    before = len(h.sim.calls_to("views.open"))
    await press(h, user, action, filed, **extra)
    await h.sim.wait_for(lambda s: len(s.calls_to("views.open")) > before)
    view: dict[str, Any] = h.sim.calls_to("views.open")[before].response["view"]
    return view


async def updated(h: Harness, msg: Message, before: int) -> None:
    """Wait until the message was updated in place (chat.update) after `before`."""
    await h.sim.wait_for(lambda _: msg.update_count > before)


async def refusal(h: Harness, user: str, before: int) -> str:
    """The next ephemeral message `user` sees, after `before` earlier ones."""
    await h.sim.wait_for(lambda s: len(s.ephemerals(user)) > before)
    return str(h.sim.ephemerals(user)[before].text)


async def events_of(h: Harness, case_id: int) -> list[str]:
    return [e.event for e in await h.bot.ctx.store.run(entries, case_id)]


def text(value: str) -> dict[str, Any]:
    return {"value": {"type": "plain_text_input", "value": value}}


def choice(value: str, kind: str = "radio_buttons") -> dict[str, Any]:
    return {"value": {"type": kind, "selected_option": {"value": value}}}


def choices(values: list[str], kind: str = "multi_static_select") -> dict[str, Any]:
    return {"value": {"type": kind, "selected_options": [{"value": v} for v in values]}}


def picked_user(user: str) -> dict[str, Any]:
    return {"value": {"type": "users_select", "selected_user": user}}


def assessment_values(conclusion: str = "harassment", reason: str = "Threats, repeated") -> Any:
    return {
        "demand_valid": choice("invalid"),
        "means_appropriate": choice("inappropriate"),
        "conclusion": choice(conclusion),
        "mhlw_types": choices(["verbal_abuse", "intimidation_threat"]),
        "reason": text(reason),
    }


async def record_assessment(h: Harness, user: str, filed: Filed, **kw: Any) -> Reply:
    view = await press_and_open(h, user, Action.ASSESSMENT, filed)
    before = filed.card.update_count
    reply = await h.slack.submit_view(user, view, assessment_values(**kw))
    assert reply.status == 200 and not reply.body, reply
    await updated(h, filed.card, before)
    return reply


async def complete_step(
    h: Harness, user: str, filed: Filed, step: str, note: str = "Shared with the team"
) -> None:
    """Done from the checklist; a step whose policy asks for a note gets one typed."""
    before = filed.checklist.update_count
    version = await h.bot.ctx.store.run(
        lambda db: db.execute("SELECT policy_version FROM cases WHERE id = ?", [filed.id])
        .fetchone()[0]
    )
    if h.bot.ctx.policies.of(version).step(step).needs_note:  # the case's own version
        view = await press_and_open(h, user, Action.STEP_DONE, filed, step=step)
        await h.slack.submit_view(user, view, {"note": text(note)})
    else:
        await press(h, user, Action.STEP_DONE, filed, on_checklist=True, step=step)
    await updated(h, filed.checklist, before)


async def open_add_info(h: Harness, user: str) -> dict[str, Any]:
    """Press "Add information" on her confirmation DM; returns the modal it opens."""
    dm = next(m for m in h.sim.dms(user) if m.blocks and Action.ADD_INFO in str(m.blocks))
    value = next(
        el["value"]
        for b in dm.blocks
        if b["type"] == "actions"
        for el in b["elements"]
        if el["action_id"] == Action.ADD_INFO
    )
    before = len(h.sim.views_opened)
    await h.slack.click(user, Action.ADD_INFO, value)
    await h.sim.wait_for(lambda s: len(s.views_opened) > before)
    view: dict[str, Any] = h.sim.views_opened[-1].view
    return view
