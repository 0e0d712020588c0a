"""The harness's settle() waits for flows still running after their ack.

Bolt acks a button first and runs its listener in a task of its own, so the HTTP 200
comes before the flow is done: a test acting next would race it (seen only on a
loaded machine). settle() is what tests rely on to not race."""

from __future__ import annotations

from bot.demo.harness import Harness
from bot.views.ids import Action
from tests.case_kit import file_case, press


async def test_settle_waits_for_a_flow_still_running_after_its_ack(h: Harness) -> None:
    filed = await file_case(h, h.cast.employee)
    await h.settle()
    h.bot.ctx.people._members.clear()  # the membership check goes to Slack again …
    h.sim.stall("conversations.members", 0.5, times=3)  # … and Slack is slow to answer
    before = filed.card.update_count
    await press(h, h.cast.responder, Action.ACK, filed)
    await h.settle()
    assert filed.card.update_count > before
