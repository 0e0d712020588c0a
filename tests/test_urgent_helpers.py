"""Happening now (issue 11), the person asked to go: each hears it by DM and may say
"I'm going" there (even outside the responders channel); "may the helper know who you
are" names her to the helper only; she can say where she is after the tap; the reporter
is never asked to go to herself; at close her place leaves the channel and the DMs.
All through the real endpoint."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.clock import FixedClock
from bot.config import parse_config
from bot.demo.harness import RESPONDERS, Harness, running_bot, sample_config
from bot.i18n import t
from bot.views.ids import Action
from slacksim import Message
from tests.case_kit import (
    Filed,
    choice,
    choices,
    complete_step,
    press,
    press_and_open,
    record_assessment,
    text,
)
from tests.conftest import T0, check_all_calls
from tests.urgent_kit import CAST, card_and_thread, case_row, said, shown, tap

OUTSIDE_SUP = CAST.employee_en  # a store supervisor who is not in the responders channel
PLACE = "2F till, by the back door"


@pytest.fixture
async def ho(tmp_path: Path, clock: FixedClock) -> AsyncIterator[Harness]:
    """A company whose Shibuya supervisor is not a member of the responders channel."""
    data = sample_config(CAST)
    data["sites"] = [{"id": "shibuya", "name": "渋谷店", "supervisors": [OUTSIDE_SUP]}]
    config = parse_config(data, Path("."))
    async with running_bot(tmp_path / "ch.db", clock=clock, config=config) as h:
        yield h
        check_all_calls(h.sim)


def going_button(msg: Message) -> dict[str, Any] | None:
    for b in msg.blocks or []:
        acc = b.get("accessory")
        if isinstance(acc, dict) and acc.get("action_id") == Action.HELPER_GOING:
            return acc
    return None


async def test_a_supervisor_outside_the_channel_is_told_by_dm_and_may_say_going_there(
    ho: Harness,
) -> None:
    h = ho
    await tap(h, h.cast.employee, channel="in_person", place=PLACE)
    await card_and_thread(h)
    row = await case_row(h)
    [dm] = h.sim.dms(OUTSIDE_SUP)
    page = said(h, dm)
    assert row["case_no"] in page and "渋谷店 / " + PLACE in page
    assert t("en", "urgent.who_hidden") in page and "Sato Hana" not in page  # she said no
    button = going_button(dm)
    assert button is not None
    reply = await h.slack.click(OUTSIDE_SUP, Action.HELPER_GOING, button["value"],
                                channel=dm.channel, message_ts=dm.ts)  # fmt: skip
    assert reply.status == 200
    await h.settle()
    row = await case_row(h)
    assert row["helper"] == OUTSIDE_SUP
    # The DM now says they are recorded as going (redrawn, no button left).
    await h.sim.wait_for(lambda _: dm.update_count > 0)
    assert t("en", "urgent_help.dm_you_go", case_no=row["case_no"], where="渋谷店 / " + PLACE,
             who=t("en", "urgent.who_hidden")) in (dm.text or "")  # fmt: skip
    assert going_button(dm) is None
    # That one thing only: the case's details stay closed to them.
    card, thread = await card_and_thread(h)
    filed = Filed(row["id"], row["case_no"], card, thread[0])
    seen = len(h.sim.ephemerals(OUTSIDE_SUP))
    await press(h, OUTSIDE_SUP, Action.VIEW_DETAILS, filed)
    await h.settle()
    refused = h.sim.ephemerals(OUTSIDE_SUP)[seen:]
    assert refused and "response team" in str(refused[-1].text)
    assert not h.sim.calls_to("views.open")[1:]  # only her /report-ch modal ever opened


async def test_someone_never_summoned_outside_the_channel_still_may_not_say_going(
    ho: Harness,
) -> None:
    h = ho
    await tap(h, h.cast.employee, channel="in_person")
    card, thread = await card_and_thread(h)
    row = await case_row(h)
    filed = Filed(row["id"], row["case_no"], card, thread[0])
    await press(h, h.cast.outsider, Action.HELPER_GOING, filed)
    await h.settle()
    assert (await case_row(h))["helper"] is None


async def test_may_the_helper_know_names_her_to_the_helper_only(ho: Harness) -> None:
    h = ho
    await tap(h, h.cast.employee, channel="in_person", may_know="yes")
    card, thread = await card_and_thread(h)
    row = await case_row(h)
    assert row["show_name"] == 0 and row["helper_may_know"] == 1
    # The channel keeps her confidential: the card, the summons.
    for msg in (card, thread[0]):
        assert "Sato Hana" not in said(h, msg) and h.cast.employee not in str(msg.blocks)
    assert t("ja", "urgent.who_hidden") in said(h, thread[0])
    # The helper's DM names her.
    [dm] = h.sim.dms(OUTSIDE_SUP)
    assert "Sato Hana" in said(h, dm)
    # Her confirmation tells her exactly that, not that the team may see her name.
    confirmation = next(m for m in h.sim.dms(h.cast.employee) if row["case_no"] in (m.text or ""))
    page = said(h, confirmation)
    assert t("ja", "confirm.name_shown") not in page
    assert t("ja", "confirm.confidential") in page
    assert t("ja", "urgent_help.confirm_helper_knows") in page


async def test_she_can_tell_the_helper_where_she_is_after_the_tap(hu: Harness) -> None:
    h = hu
    user = h.cast.employee
    _, safety = await tap(h, user, channel="phone", site=None)
    _, thread = await card_and_thread(h)
    assert t("ja", "urgent.where_unknown") in said(h, thread[0])
    page = shown(h, safety)
    assert t("ja", "urgent_help.where_prompt").strip("*").split("*")[0] in page
    backup_dm = h.sim.dms(CAST.responder)
    before = len(backup_dm)
    reply = await h.slack.submit_view(user, safety, {"w_place": text("3F 応接室B")})
    body = reply.json()
    assert body["response_action"] == "update"
    assert t("ja", "urgent_help.where_told", where="3F 応接室B") in shown(h, body["view"])
    await h.settle()
    row = await case_row(h)
    # The summons in the thread is redrawn with the place, and the thread is told.
    _, thread = await card_and_thread(h)
    assert "3F 応接室B" in said(h, thread[0])
    [note] = [m for m in thread if t("ja", "urgent_help.where_added", case_no=row["case_no"])
              in (m.text or "")]  # fmt: skip
    assert "3F" not in said(h, note)  # the note stays; the place only in the redrawn summons
    # The backup asked to go gets a fresh DM with the place (a notification, not an edit).
    new = h.sim.dms(CAST.responder)[before:]
    assert new and "3F 応接室B" in said(h, new[-1]) and going_button(new[-1]) is not None


async def test_an_empty_location_is_answered_on_the_field(hu: Harness) -> None:
    h = hu
    _, safety = await tap(h, h.cast.employee)
    reply = await h.slack.submit_view(h.cast.employee, safety, {})
    body = reply.json()
    assert body["response_action"] == "errors"
    assert body["errors"] == {"w_place": t("ja", "urgent_help.where_empty")}


async def test_the_widened_call_never_asks_the_reporter_to_go_to_herself(
    hu: Harness, clock: FixedClock
) -> None:
    h = hu
    assert h.bot.reminders is not None
    reporter = CAST.legal[1]  # on the backup rotation and legal on duty
    await tap(h, reporter)
    card, _ = await card_and_thread(h)
    clock.set(T0 + timedelta(minutes=3))
    await h.bot.reminders.tick(clock.now())
    await h.settle()
    widened = h.sim.replies(RESPONDERS, card.ts)[-1]
    assert "まだ誰も" in (widened.text or "")
    assert reporter not in str(widened.blocks) and "Legal Ito" not in said(h, widened)
    assert "@" in said(h, widened).split("分たっても")[1]  # still a named call
    assert not [m for m in h.sim.dms(reporter) if going_button(m)]  # no summons DM for her


async def test_at_close_her_place_leaves_the_channel_and_the_helpers_dms(
    hu: Harness, clock: FixedClock
) -> None:
    h = hu
    assert h.bot.reminders is not None
    await tap(h, h.cast.employee, place=PLACE, may_know="yes")
    card, thread = await card_and_thread(h)
    # A widened call is a post of its own, never redrawn: it gives the site only.
    clock.set(T0 + timedelta(minutes=3))
    await h.bot.reminders.tick(clock.now())
    await h.settle()
    widened = h.sim.replies(RESPONDERS, card.ts)[-1]
    assert "まだ誰も" in (widened.text or "") and "渋谷店" in said(h, widened)
    assert PLACE not in said(h, widened)
    row = await case_row(h)
    filed = Filed(row["id"], row["case_no"], card, thread[0])
    [dm] = [m for m in h.sim.dms(CAST.responder) if going_button(m)]
    assert PLACE in said(h, card) and PLACE in said(h, thread[0]) and PLACE in said(h, dm)
    r = CAST.responder
    await record_assessment(h, r, filed)
    await complete_step(h, r, filed, "care")
    view = await press_and_open(h, r, Action.CLOSE, filed)
    await h.slack.submit_view(r, view, {"summary": text("Resolved")})
    await h.settle()
    assert (await case_row(h))["status"] == "closed"
    await h.sim.wait_for(lambda _: "完了" in (dm.text or ""))
    for msg in (card, thread[0], dm):
        page = said(h, msg)
        assert PLACE not in page and "2F till" not in page, page
    assert "Sato Hana" not in said(h, dm)
    assert t("ja", "urgent_help.dm_closed", case_no=row["case_no"]) in (dm.text or "")


async def test_the_wording_of_the_summons_and_the_completed_report(hu: Harness) -> None:
    h = hu
    user = h.cast.employee
    _, safety = await tap(h, user)
    _, thread = await card_and_thread(h)
    summons = said(h, thread[0])
    assert "@Lee Mei @Tanaka Ken：すぐに" in summons and "さん、すぐに" not in summons
    form = await h.press_in_view(user, safety, Action.COMPLETE_REPORT)
    values = {
        "occurred_at": {"value": {"type": "datetimepicker",
                                  "selected_date_time": int(T0.timestamp())}},
        "contact_channel": choice("in_person", "static_select"),
        "categories": choices(["threat"]),
        "danger": choice("over"),
        "narrative": text("He shouted at me."),
    }  # fmt: skip
    await h.slack.submit_view(user, form, values)
    await h.settle()
    row = await case_row(h)
    _, thread = await card_and_thread(h)
    texts = [m.text or "" for m in thread]
    assert t("ja", "urgent_help.report_completed", case_no=row["case_no"]) in texts
    assert t("ja", "thread.info_added", case_no=row["case_no"]) not in texts
