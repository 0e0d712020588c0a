"""A responder's modal is acknowledged within Slack's 3 s whatever Slack's look-ups do,
and what Slack shows is what happened: refused with nothing done, or saved and told."""

from __future__ import annotations

import asyncio
import sqlite3
import time

from bot.demo.harness import Harness
from bot.i18n import t
from bot.views.case_card import action_value
from bot.views.ids import Action, Callback
from tests.case_kit import events_of, file_case, press_and_open, text

SLACK_ACK_WINDOW = 3.0


def message_view(case_no: str) -> dict[str, object]:
    # The message modal as the bot opened it earlier (opening it now would warm the caches).
    return {"id": "V0MSGEMP01", "type": "modal", "callback_id": Callback.MESSAGE_EMPLOYEE,
            "private_metadata": action_value(case_no), "blocks": []}


async def test_rate_limited_lookups_before_the_ack_refuse_in_time_and_never_act_later(
    h: Harness,
) -> None:
    filed = await file_case(h)
    events = await events_of(h, filed.id)
    dms = len(h.sim.dms(h.cast.employee))
    # Slack rate-limits the look-ups and asks to come back in 5 s: the SDK's retry
    # handler would sleep through that inside the ack window.
    for method in ("users.info", "conversations.members"):
        h.sim.fail(method, status=429, times=10, retry_after=5)
    started = time.monotonic()
    reply = await h.slack.submit_view(h.cast.responder, message_view(filed.case_no),
                                      {"text": text("Are you safe now?")})
    took = time.monotonic() - started
    assert took < SLACK_ACK_WINDOW, took
    assert reply.json() == {"response_action": "errors",
                            "errors": {"text": t("ja", "act.refuse.unverified")}}
    await asyncio.sleep(5.5)  # past Retry-After: nothing was left running to act later
    h.sim.clear_faults()
    await h.settle()
    assert await events_of(h, filed.id) == events
    assert len(h.sim.dms(h.cast.employee)) == dms


async def test_a_submission_that_outlasts_the_budget_is_saved_once_and_said_so(
    h: Harness,
) -> None:
    filed = await file_case(h)
    view = await press_and_open(h, h.cast.responder, Action.MESSAGE_EMPLOYEE, filed)
    dms = len(h.sim.dms(h.cast.employee))
    # Another process holds the write lock for 3 s: the commit waits past the budget.
    other = sqlite3.connect(str(h.bot.ctx.store.path), check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    release = asyncio.get_running_loop().call_later(3.0, other.rollback)
    try:
        started = time.monotonic()
        reply = await h.slack.submit_view(h.cast.responder, view,
                                          {"text": text("Are you safe now?")})
        took = time.monotonic() - started
    finally:
        await asyncio.sleep(max(0.0, 3.2 - (time.monotonic() - started)))
        release.cancel()
        other.close()
    assert took < SLACK_ACK_WINDOW, took
    answer = reply.json()
    assert answer["response_action"] == "update"
    assert answer["view"]["callback_id"] == Callback.CASE_SAVING
    assert "submit" not in answer["view"]  # it cannot be sent a second time
    # It took effect once, and the responder is told so privately.
    saved = t("ja", "act.late.saved", case_no=filed.case_no)
    await h.sim.wait_for(lambda s: any(m.text == saved for m in s.dms(h.cast.responder)),
                         timeout=10)
    await h.settle()
    assert (await events_of(h, filed.id)).count("employee_messaged") == 1
    assert len(h.sim.dms(h.cast.employee)) == dms + 1
