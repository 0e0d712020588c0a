"""Happening now (issue 11), who a person asked to go is, and what that gives them: a
store supervisor outside the responders channel who goes does not acknowledge the case
for the team; her name reaches only the people first asked to go and the one going, not
everyone a widened call adds; HR's user group is mentioned as a group and DMed as its
people. All through the real endpoint."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.clock import FixedClock
from bot.config import parse_config
from bot.demo.harness import RESPONDERS, Harness, running_bot, sample_config
from bot.i18n import t
from bot.views.ids import Action
from slacksim import SlackSimulator
from tests.conftest import T0, check_all_calls
from tests.test_simulator import TOKEN, client_for, expect_error
from tests.test_urgent_helpers import going_button
from tests.urgent_kit import CAST, SUPERVISOR, card_and_thread, case_row, said, tap

OUTSIDE_SUP = CAST.employee_en  # a store supervisor who is not in the responders channel
HR_GROUP = "S0HRGROUP1"  # sample_config's HR user group


@pytest.fixture
async def ho(tmp_path: Path, clock: FixedClock) -> AsyncIterator[Harness]:
    """A company whose Shibuya supervisor is not a member of the responders channel."""
    data = sample_config(CAST)
    data["sites"] = [{"id": "shibuya", "name": "渋谷店", "supervisors": [OUTSIDE_SUP]}]
    config = parse_config(data, Path("."))
    async with running_bot(tmp_path / "ch.db", clock=clock, config=config) as h:
        yield h
        check_all_calls(h.sim)


async def test_an_outsider_going_does_not_acknowledge_the_case_for_the_team(
    ho: Harness, clock: FixedClock
) -> None:
    h = ho
    assert h.bot.reminders is not None
    await tap(h, h.cast.employee, channel="in_person")
    card, _ = await card_and_thread(h)
    [dm] = h.sim.dms(OUTSIDE_SUP)
    button = going_button(dm)
    assert button is not None
    told = len(h.sim.dms(h.cast.employee))
    await h.slack.click(OUTSIDE_SUP, Action.HELPER_GOING, button["value"],
                        channel=dm.channel, message_ts=dm.ts)  # fmt: skip
    await h.settle()
    row = await case_row(h)
    # Recorded as going, and she hears someone is on the way ...
    assert row["helper"] == OUTSIDE_SUP
    heard = h.sim.dms(h.cast.employee)[told:]
    assert [m for m in heard if "担当の者があなたのところへ向かっています" in (m.text or "")]
    await h.sim.wait_for(lambda _: dm.update_count > 0)
    assert f"You are recorded as going to the employee in *{row['case_no']}*" in (dm.text or "")
    # ... but the team has not picked the case up: nobody acknowledged, nobody leads.
    assert row["status"] == "new" and row["acknowledged_at"] is None and row["lead"] is None
    page = said(h, card)
    assert t("ja", "act.card.acknowledged_by", user="@Alex Kim") not in page
    assert "受付確認待ち" in page
    # The acknowledgement escalation still calls the responders; no reminder goes to her.
    n = len(h.sim.replies(RESPONDERS, card.ts))
    for minutes in (15, 30, 60):
        clock.set(T0 + timedelta(minutes=minutes))
        await h.bot.reminders.tick(clock.now())
        await h.settle()
    later = h.sim.replies(RESPONDERS, card.ts)[n:]
    escalations = [m for m in later if "受付確認がありません" in (m.text or "")]
    assert escalations and "@Legal Ito @Counselor Abe" in said(h, escalations[0])
    steps = [m for m in later if "対応手順" in (m.text or "")]
    assert steps
    for m in later:
        assert OUTSIDE_SUP not in str(m.blocks) and "Alex Kim" not in said(h, m)


async def test_a_widened_call_gives_her_name_only_to_those_first_asked_and_the_one_going(
    hu: Harness, clock: FixedClock
) -> None:
    h = hu
    assert h.bot.reminders is not None
    await tap(h, h.cast.employee, channel="phone", may_know="yes", place="Counter 3")
    await card_and_thread(h)
    clock.set(T0 + timedelta(minutes=3))
    await h.bot.reminders.tick(clock.now())
    await h.settle()
    named = {uid for uid in h.cast.names()
             if any("Sato Hana" in said(h, m) for m in h.sim.dms(uid))}  # fmt: skip
    assert named == {SUPERVISOR, CAST.responder}  # the site's supervisor, the backup
    # The widened call reached others (legal, counseling, HR): the place, not her name.
    counselor = CAST.counseling[0]
    [dm] = [m for m in h.sim.dms(counselor) if going_button(m)]
    assert "Counter 3" in said(h, dm) and t("en", "urgent.who_hidden") in said(h, dm)
    assert "you were called on to go to the employee" in said(h, dm)
    # The one of them who says "I'm going" is told who she is.
    button = going_button(dm)
    assert button is not None
    await h.slack.click(counselor, Action.HELPER_GOING, button["value"],
                        channel=dm.channel, message_ts=dm.ts)  # fmt: skip
    await h.settle()
    await h.sim.wait_for(lambda _: dm.update_count > 0)
    assert "Sato Hana" in said(h, dm) and going_button(dm) is None


async def test_the_widened_call_mentions_hr_as_a_group_and_dms_its_people(
    hu: Harness, clock: FixedClock
) -> None:
    h = hu
    assert h.bot.reminders is not None
    await tap(h, h.cast.employee, channel="phone")
    card, _ = await card_and_thread(h)
    clock.set(T0 + timedelta(minutes=3))
    await h.bot.reminders.tick(clock.now())
    await h.settle()
    widened = h.sim.replies(RESPONDERS, card.ts)[-1]
    assert f"<!subteam^{HR_GROUP}>" in (widened.text or "")
    assert f"<@{HR_GROUP}>" not in str(widened.blocks)
    # No DM to a group's ID (Slack answers channel_not_found); each of its people gets one.
    posts = [c for c in h.sim.calls_to("chat.postMessage") if HR_GROUP in str(c.args)]
    assert all(c.args.get("channel") != HR_GROUP for c in posts)
    members = h.sim.usergroups[HR_GROUP]
    assert members
    for person in members:
        assert [m for m in h.sim.dms(person) if going_button(m)], person
    failed = await h.bot.ctx.store.run(lambda db: list(db.query(
        "SELECT kind FROM outbox WHERE last_error IS NOT NULL")))  # fmt: skip
    assert failed == []


async def test_the_simulator_refuses_a_post_to_an_id_that_is_no_channel_or_person() -> None:
    async with SlackSimulator(token=TOKEN) as sim:
        sim.add_user("U0PERSON01", "a")
        sim.add_channel("C0ROOM0001", "room")
        sim.add_usergroup(HR_GROUP, ["U0PERSON01"])
        client = client_for(sim)
        for channel in (HR_GROUP, "U0NOBODY01", "C0NOWHERE1", "D0NEVER001"):
            err = await expect_error(client.chat_postMessage(channel=channel, text="hi"))
            assert err.response["error"] == "channel_not_found", channel
        assert (await client.chat_postMessage(channel="U0PERSON01", text="hi"))["ok"]
        assert (await client.chat_postMessage(channel="C0ROOM0001", text="hi"))["ok"]
