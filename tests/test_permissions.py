"""Who may act on a case: responders and HR; never the reporter on their own case;
everyone else is refused politely and privately, and nothing changes."""

from __future__ import annotations

from typing import Any

import pytest

from bot.demo.harness import Harness
from bot.i18n import t
from bot.views.case_card import action_value
from bot.views.ids import Action, Callback
from tests.case_kit import (
    assessment_values,
    events_of,
    file_case,
    press,
    press_and_open,
    refusal,
    text,
)

# Every button on the card and the checklist, with what it needs in its value.
BUTTONS: list[tuple[Action, dict[str, Any]]] = [
    (Action.ACK, {}),
    (Action.TAKE_LEAD, {}),
    (Action.HAND_LEAD, {}),
    (Action.STEP_DONE, {"step": "safety"}),
    (Action.STEP_DONE, {"step": "record_verbatim"}),
    (Action.STEP_UNDO, {"step": "safety"}),
    (Action.ASSESSMENT, {}),
    (Action.MEASURE, {}),
    (Action.CONFIRM_MEASURE, {"measure": 1}),
    (Action.MESSAGE_EMPLOYEE, {}),
    (Action.CLOSE, {}),
    (Action.REOPEN, {}),
    (Action.TIMELINE, {}),
]


def lang_of(h: Harness, user: str) -> str:
    return "ja" if user in (h.cast.employee, h.cast.responder, h.cast.legal[0]) else "en"


@pytest.mark.parametrize("who", ["outsider", "employee"])
async def test_people_who_may_not_act_are_refused_and_nothing_changes(h: Harness, who: str) -> None:
    filed = await file_case(h)  # reported by h.cast.employee
    user = getattr(h.cast, who)
    key = "act.refuse.own_case" if who == "employee" else "act.refuse.not_allowed"
    events = await events_of(h, filed.id)
    views = len(h.sim.calls_to("views.open"))
    for action, extra in BUTTONS:
        seen = len(h.sim.ephemerals(user))
        await press(h, user, action, filed, **extra)
        assert await refusal(h, user, seen) == t(lang_of(h, user), key), action
    assert await events_of(h, filed.id) == events
    assert len(h.sim.calls_to("views.open")) == views
    assert filed.card.update_count == 0 and filed.checklist.update_count == 0


async def test_a_responder_cannot_act_on_the_case_they_reported(h: Harness) -> None:
    filed = await file_case(h, reporter=h.cast.responder2)
    events = await events_of(h, filed.id)
    for action, extra in BUTTONS:
        seen = len(h.sim.ephemerals(h.cast.responder2))
        await press(h, h.cast.responder2, action, filed, **extra)
        told = await refusal(h, h.cast.responder2, seen)
        assert told == t("en", "act.refuse.own_case"), action
    assert await events_of(h, filed.id) == events
    # The other responders can.
    await press(h, h.cast.responder, Action.ACK, filed)
    await h.sim.wait_for(lambda _: filed.card.update_count > 0)


@pytest.mark.parametrize("who", ["responder", "hr", "hr_group_member"])
async def test_responders_and_hr_may_act(h: Harness, who: str) -> None:
    filed = await file_case(h)
    user = getattr(h.cast, who)
    await press(h, user, Action.ACK, filed)
    await h.sim.wait_for(lambda _: filed.card.update_count > 0)
    acked_by = await h.bot.ctx.store.run(
        lambda db: db.execute("SELECT acknowledged_by FROM cases").fetchone()[0]
    )
    assert acked_by == user
    view = await press_and_open(h, user, Action.ASSESSMENT, filed)
    reply = await h.slack.submit_view(user, view, assessment_values())
    assert reply.status == 200 and not reply.body
    assert "assessment_recorded" in await events_of(h, filed.id)


@pytest.mark.parametrize(
    ("callback", "block", "values"),
    [
        (Callback.ASSESSMENT, "reason", assessment_values()),
        (Callback.MEASURE, "kind", {"kind": {"value": {"selected_option": {"value": "warned"}}}}),
        (Callback.MESSAGE_EMPLOYEE, "text", {"text": text("hi")}),
        (Callback.CLOSE, "summary", {"summary": text("done")}),
        (Callback.STEP_NOTE, "note", {"note": text("here")}),
        (Callback.HAND_LEAD, "lead", {}),
    ],
)
async def test_a_forged_submission_by_an_outsider_changes_nothing(
    h: Harness, callback: Callback, block: str, values: dict[str, Any]
) -> None:
    """The permission is checked again on submission, not only when the modal opens."""
    filed = await file_case(h)
    events = await events_of(h, filed.id)
    extra = {"step": "record_verbatim"} if callback is Callback.STEP_NOTE else {}
    view = {
        "id": "V0FORGED01",
        "type": "modal",
        "callback_id": callback,
        "private_metadata": action_value(filed.case_no, **extra),
        "blocks": [],
    }
    reply = await h.slack.submit_view(h.cast.outsider, view, values)
    assert reply.json() == {
        "response_action": "errors",
        "errors": {block: t("en", "act.refuse.not_allowed")},
    }
    assert await events_of(h, filed.id) == events
