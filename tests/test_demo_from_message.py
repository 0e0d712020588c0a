"""The demo's issue-13 act plays through the real endpoint and shows what it claims."""

from __future__ import annotations

import io

from bot.demo.from_message import SHARED, message_and_room
from bot.demo.harness import Harness
from bot.demo.output import Printer
from tests.conftest import check_all_calls


async def test_the_message_shortcut_and_room_act(h: Harness) -> None:
    stream = io.StringIO()
    await message_and_room(h, Printer(h.cast.names(), stream))
    shown = stream.getvalue()
    assert "The message from the customer" in shown and "third late delivery" in shown
    assert "#ch-2026-0001 now exists" in shown
    assert "非公開の案件チャンネル：#C0ROOM" in shown  # the card, in the team's language
    room = h.sim.calls_to("conversations.create")[-1].response["channel"]["id"]
    assert h.cast.employee_en not in h.sim.channels[room].members
    assert "the third late delivery" not in "".join(
        str(m.blocks) for m in h.sim.all_messages if m.channel != SHARED
    )  # the message never left its channel for another (only the form showed it)
    check_all_calls(h.sim)
