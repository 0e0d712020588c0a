"""The whole reporting path through the real HTTP endpoint."""

from __future__ import annotations

from bot.simulator.harness import RESPONDERS, Harness
from bot.simulator.render import render_message


async def test_report_reaches_card_thread_and_employee(h: Harness) -> None:
    cast = h.cast
    reply = await h.report(
        cast.employee,
        categories=["verbal_abuse", "threat"],
        narrative="「お前をクビにしてやる」と3回言われた",
        customer={"phone": "090-1234-5678"},
    )
    assert reply.status == 200
    ack = reply.json()
    assert ack["response_action"] == "update"
    await h.settle()
    cards = h.sim.messages(RESPONDERS)
    assert len(cards) == 1
    card = render_message(cards[0], {})
    assert "CH-2026-0001" in card
    assert "お前をクビ" not in card  # the narrative never goes to the channel
    replies = [m for m in h.sim.replies(RESPONDERS, cards[0].ts) if m.ts != cards[0].ts]
    assert len(replies) == 1
    thread = replies[0]
    rotations = h.bot.ctx.config.rotations
    legal = rotations["legal"].on_duty(h.bot.ctx.clock.now())
    counseling = rotations["counseling"].on_duty(h.bot.ctx.clock.now())
    assert f"<@{legal}>" in thread.text and f"<@{counseling}>" in thread.text
    dms = h.sim.dms(cast.employee)
    assert len(dms) == 1
    assert "CH-2026-0001" in render_message(dms[0], {})
