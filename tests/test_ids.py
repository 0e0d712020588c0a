"""Every action and callback ID the bot emits reaches a listener (Bolt answers an
unhandled request with 404), and every registered ID in views/ids.py is handled."""

from __future__ import annotations

import json
from typing import Any

from bot.demo.harness import Harness
from bot.views.ids import Action
from tests.case_kit import (
    choice,
    complete_step,
    file_case,
    press,
    press_and_open,
    record_assessment,
    text,
)
from tests.test_case_actions_messages import message_employee

MESSAGE_METHODS = ("chat.postMessage", "chat.update", "chat.postEphemeral")
VIEW_METHODS = ("views.open", "views.push", "views.update", "views.publish")


def _blocks(value: Any) -> list[dict[str, Any]]:
    blocks = json.loads(value) if isinstance(value, str) else value
    return list(blocks or [])


def interactive_ids(blocks: list[dict[str, Any]]) -> set[str]:
    """action_ids that make Slack send block_actions: buttons and menus in actions
    blocks and section accessories, and inputs that dispatch actions."""
    found = set()
    for block in blocks:
        elements = list(block.get("elements") or []) if block.get("type") == "actions" else []
        if block.get("accessory"):
            elements.append(block["accessory"])
        if block.get("type") == "input" and block.get("dispatch_action"):
            elements.append(block["element"])
        found |= {e["action_id"] for e in elements if "action_id" in e}
    return found


def emitted(h: Harness) -> tuple[set[str], list[dict[str, Any]]]:
    """(action ids, submittable views) in everything the bot sent to Slack."""
    actions: set[str] = set()
    views: list[dict[str, Any]] = []
    for call in h.sim.calls:
        if call.method in MESSAGE_METHODS:
            actions |= interactive_ids(_blocks(call.args.get("blocks")))
        elif call.method in VIEW_METHODS:
            view = call.args["view"]
            view = json.loads(view) if isinstance(view, str) else view
            actions |= interactive_ids(view.get("blocks") or [])
            if view.get("submit"):
                views.append(view)
    return actions, views


async def story(h: Harness) -> None:
    """A case from report to close and reopen, so every button and modal appears."""
    r1, r2 = h.cast.responder, h.cast.responder2
    filed = await file_case(h, danger="ongoing")
    await press(h, r1, Action.ACK, filed)
    await press(h, r1, Action.TAKE_LEAD, filed)
    await press_and_open(h, r1, Action.HAND_LEAD, filed)
    await press_and_open(h, r1, Action.STEP_DONE, filed, step="record_verbatim")
    await complete_step(h, r1, filed, "care")
    await record_assessment(h, r1, filed)
    view = await press_and_open(h, r1, Action.MEASURE, filed)
    before = filed.card.update_count
    await h.slack.submit_view(r1, view, {"kind": choice("stopped_service")})
    await h.sim.wait_for(lambda _: filed.card.update_count > before)
    # A conditional step's "not applicable" and a pending measure's reject and
    # withdraw modals (issue 12); then the second responder confirms it, so it may close.
    await press_and_open(h, r1, Action.STEP_NOT_APPLICABLE, filed, step="police_and_lawyer")
    measure = await h.bot.ctx.store.run(
        lambda db: db.execute("SELECT id FROM measures").fetchone()[0]
    )
    await press_and_open(h, r2, Action.REJECT_MEASURE, filed, measure=measure)
    await press_and_open(h, r1, Action.WITHDRAW_MEASURE, filed, measure=measure)
    before = filed.card.update_count
    await press(h, r2, Action.CONFIRM_MEASURE, filed, measure=measure)
    await h.sim.wait_for(lambda _: filed.card.update_count > before)
    await message_employee(h, r2, filed, "Are you all right?", sign=True)
    await press_and_open(h, r1, Action.TIMELINE, filed)
    view = await press_and_open(h, r1, Action.CLOSE, filed)
    before = filed.card.update_count
    await h.slack.submit_view(r1, view, {"summary": text("Service stopped")})
    await h.sim.wait_for(lambda _: filed.card.update_count > before)
    await h.settle()


async def test_every_emitted_action_and_every_registered_action_reaches_a_listener(
    h: Harness,
) -> None:
    await story(h)
    actions, _ = emitted(h)
    # The story shows the case-handling buttons (a check that the walk finds them).
    assert {Action.ACK, Action.STEP_DONE, Action.CONFIRM_MEASURE, Action.REOPEN} <= actions
    assert {Action.STEP_NOT_APPLICABLE, Action.REJECT_MEASURE, Action.WITHDRAW_MEASURE} <= actions
    assert Action.OPEN_CONVERSATION in actions  # on the notice that a message was sent
    for action_id in sorted(actions | {a.value for a in Action}):
        reply = await h.slack.click(h.cast.outsider, action_id, '{"case": "CH-2000-0001"}')
        assert reply.status == 200, (action_id, reply)


async def test_every_submittable_modal_reaches_a_listener(h: Harness) -> None:
    await story(h)
    _, views = emitted(h)
    callbacks = {v["callback_id"] for v in views}
    assert {"case.assessment", "case.measure", "case.close", "case.lead.hand"} <= callbacks
    assert {"step.not_applicable", "case.measure.end"} <= callbacks
    for view in views:
        forged = {**view, "id": "V0IDCHECK1", "private_metadata": '{"case": "CH-2000-0001"}'}
        reply = await h.slack.submit_view(h.cast.outsider, forged, {})
        assert reply.status == 200, (view["callback_id"], reply)


async def test_an_unknown_action_is_not_handled(h: Harness) -> None:
    """The check above can fail: Bolt does answer 404 when no listener matches."""
    reply = await h.slack.click(h.cast.outsider, "case.no_such_button", "{}")
    assert reply.status == 404
