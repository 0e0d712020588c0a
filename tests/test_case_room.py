"""Issue 13, item 3: a private channel for a severe case, through the real endpoint.

The card's "Open a private case channel" (or an urgent case, when configured) makes a
private channel named from the case number, invites the right people (never the
reporter), posts the summary (never the narrative) and links card and room both ways;
at close the room is told and archived. The simulator checks every call against
Slack's spec and keeps the channel as Slack would (members, archived).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bot.clock import FixedClock
from bot.config import ConfigError, parse_config
from bot.config.case_room import parse_case_room
from bot.demo.harness import RESPONDERS, Harness, running_bot, sample_config
from bot.i18n import t
from bot.views.ids import Action
from slacksim import SlackSimulator
from slacksim.model import BOT_USER_ID
from slacksim.render import render_message
from tests.case_kit import (
    card_text,
    complete_step,
    events_of,
    file_case,
    press,
    press_and_open,
    record_assessment,
    refusal,
    text,
    updated,
)
from tests.conftest import check_all_calls

NARRATIVE = "The customer said he knows where I live."


def room_of(sim: SlackSimulator) -> str:
    created = [c for c in sim.calls_to("conversations.create") if c.response.get("ok")]
    assert len(created) == 1, [c.response for c in sim.calls_to("conversations.create")]
    return str(created[0].response["channel"]["id"])


async def test_the_card_opens_a_private_room_with_the_right_people(h: Harness) -> None:
    filed = await file_case(h, narrative=NARRATIVE)
    r = h.cast.responder
    before = filed.card.update_count
    await press(h, r, Action.OPEN_ROOM, filed)
    await updated(h, filed.card, before)
    room = room_of(h.sim)
    call = h.sim.calls_to("conversations.create")[0]
    assert call.args["name"] == "ch-2026-0001" and call.args["is_private"] in (True, "true", "1")
    channel = h.sim.channels[room]
    assert channel.is_private and channel.name == "ch-2026-0001"
    now = h.bot.ctx.clock.now()
    legal = h.bot.ctx.config.rotations["legal"].on_duty(now)
    counseling = h.bot.ctx.config.rotations["counseling"].on_duty(now)
    assert set(channel.members) == {BOT_USER_ID, r, legal, counseling}
    assert h.cast.employee not in channel.members
    # The summary in the room: the case and a link to its card, never the narrative.
    posted = h.sim.messages(room)
    assert len(posted) == 1
    summary = render_message(posted[0], h.cast.names())
    assert "CH-2026-0001" in summary and "knows where I live" not in summary
    card_link = f"archives/{RESPONDERS}/p{filed.card.ts.replace('.', '')}"
    assert card_link in json.dumps(posted[0].blocks)
    # The card links the room, and offers no second one; its other buttons still work.
    card = card_text(h, filed)
    assert f"<#{room}>" in json.dumps(filed.card.blocks)
    assert t("ja", "room.open_button") not in card
    assert t("ja", "act.button.take_lead") in card
    events = await events_of(h, filed.id)
    assert events[-2:] == ["room_opened", "room_invited"]
    entries = await h.bot.ctx.store.run(lambda db: db.execute(
        "SELECT detail FROM timeline WHERE event = 'room_invited'").fetchone()[0])  # fmt: skip
    assert set(json.loads(entries)["users"]) == {r, legal, counseling}
    assert "knows where I live" not in json.dumps([m.blocks for m in h.sim.messages(RESPONDERS)])
    # The card's buttons keep working, and the card keeps the room's link.
    before = filed.card.update_count
    await press(h, r, Action.TAKE_LEAD, filed)
    await updated(h, filed.card, before)
    assert "@Tanaka Ken" in card_text(h, filed) and f"<#{room}>" in json.dumps(filed.card.blocks)
    # A second press makes no second room.
    seen = len(h.sim.ephemerals(h.cast.responder2))
    await press(h, h.cast.responder2, Action.OPEN_ROOM, filed)
    told = await refusal(h, h.cast.responder2, seen)
    assert "CH-2026-0001" in told and len(h.sim.calls_to("conversations.create")) == 1


async def test_a_taken_name_gets_a_number_and_the_reporter_is_never_invited(
    tmp_path: Path, clock: FixedClock
) -> None:
    cast_hr = "U0HRMGR001"
    data = sample_config(case_room={"hr": [cast_hr, "U0EMPLOY01"]})
    config = parse_config(data, Path("."))
    async with running_bot(tmp_path / "ch.db", clock=clock, config=config) as h:
        h.sim.add_channel("C0OLDROOM1", "ch-2026-0001", is_private=True)  # e.g. archived
        filed = await file_case(h)
        before = filed.card.update_count
        await press(h, h.cast.responder, Action.OPEN_ROOM, filed)
        await updated(h, filed.card, before)
        room = room_of(h.sim)
        assert h.sim.channels[room].name == "ch-2026-0001-2"
        members = h.sim.channels[room].members
        assert cast_hr in members and h.cast.employee not in members  # listed, yet the reporter
        check_all_calls(h.sim)


async def test_at_close_the_room_is_told_and_archived(h: Harness) -> None:
    filed = await file_case(h)
    r = h.cast.responder
    before = filed.card.update_count
    await press(h, r, Action.OPEN_ROOM, filed)
    await updated(h, filed.card, before)
    room = room_of(h.sim)
    await record_assessment(h, r, filed)
    await complete_step(h, r, filed, "care")
    view = await press_and_open(h, r, Action.CLOSE, filed)
    before = filed.card.update_count
    await h.slack.submit_view(r, view, {"summary": text("Warned; counseling offered")})
    await updated(h, filed.card, before)
    await h.settle()  # the close's flow (it archives the room) runs after the ack
    await h.sim.wait_for(lambda s: s.channels[room].is_archived)
    told = render_message(h.sim.messages(room)[-1], {})
    assert "CH-2026-0001" in told and "アーカイブ" in told
    # The archive is recorded once Slack has done it: wait for the entry, then count.
    for _ in range(200):
        if "room_archived" in await events_of(h, filed.id):
            break
        await asyncio.sleep(0.05)
    assert (await events_of(h, filed.id)).count("room_archived") == 1
    # Reopened and closed again: the archived room is not told twice.
    before = filed.card.update_count
    await press(h, r, Action.REOPEN, filed)
    await updated(h, filed.card, before)  # the reopen runs after the ack
    view = await press_and_open(h, r, Action.CLOSE, filed)
    await h.slack.submit_view(r, view, {"summary": text("again")})
    await h.settle()
    assert len(h.sim.calls_to("conversations.archive")) == 1


async def test_an_urgent_case_gets_its_room_by_itself_when_configured(
    tmp_path: Path, clock: FixedClock
) -> None:
    data = sample_config(case_room={"auto_for_urgent": True, "archive_at_close": False})
    config = parse_config(data, Path("."))
    async with running_bot(tmp_path / "ch.db", clock=clock, config=config) as h:
        calm = await file_case(h, danger="over")
        urgent = await file_case(h, danger="danger", categories=["violence"])
        await h.sim.wait_for(lambda s: s.calls_to("conversations.create"))
        room = room_of(h.sim)
        await h.sim.wait_for(lambda s: s.messages(room))
        assert h.sim.channels[room].name == urgent.case_no.lower()
        assert "room_opened" not in await events_of(h, calm.id)
        events = await events_of(h, urgent.id)
        assert "room_opened" in events and "room_invited" in events
        await h.sim.wait_for(lambda s: urgent.card.update_count > 0)
        assert f"<#{room}>" in json.dumps(urgent.card.blocks)
        check_all_calls(h.sim)


def test_case_room_settings_are_parsed_strictly() -> None:
    assert parse_case_room({}).archive_at_close is True
    for bad, key in (
        ({"auto_for_urgent": "yes"}, "case_room.auto_for_urgent"),
        ({"archive_at_close": 1}, "case_room.archive_at_close"),
        ({"hr": ["hr-team"]}, "case_room.hr[0]"),
        ({"hr": "U0HRMGR001"}, "case_room.hr"),
        ({"invite_everyone": True}, "case_room.invite_everyone"),
    ):
        with pytest.raises(ConfigError) as e:
            parse_case_room(bad)
        assert e.value.key == key
    with pytest.raises(ConfigError):
        parse_config(sample_config(case_room=[]), Path("."))
