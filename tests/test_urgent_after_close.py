"""A case happening now after the team closed it (issue 11, second audit), through the
real endpoint: the call for someone to go is over for good (a reopening does not bring
back her place, her name, "Please go now" or a widening call), and the safety screen
she may still have open says what is true: her consent as it is now, and that the case
is closed when she completes the report or says where she is."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.clock import FixedClock
from bot.demo.harness import RESPONDERS, Harness
from bot.i18n import t
from bot.views.ids import Action
from tests.case_kit import Filed, events_of, press, refusal, text, updated
from tests.conftest import T0
from tests.mine_kit import (
    buttons,
    choose,
    closed_by_team,
    completion_values,
    consent_from_dm,
    home,
    tapped_case,
)
from tests.test_retention import hold
from tests.urgent_kit import BACKUP, SUPERVISOR, case_row, said, shown, tap

PLACE = "2F till by the stockroom"


def thread(h: Harness, filed: Filed) -> list[str]:
    return [said(h, m) for m in h.sim.replies(RESPONDERS, filed.card.ts)]


def summons_dms(h: Harness) -> list[Any]:
    return [dm for who in (SUPERVISOR, *BACKUP) for dm in h.sim.dms(who)]


async def reopened_by(h: Harness, who: str, filed: Filed) -> None:
    """The team reopens from the card, or she does from "Your reports"."""
    before = filed.card.update_count
    if who == "team":
        await press(h, h.cast.responder, Action.REOPEN, filed)
    else:
        view, _ = await home(h, h.cast.employee)
        [b] = buttons(view["blocks"], Action.MY_REOPEN)
        reply = await h.slack.click(h.cast.employee, Action.MY_REOPEN, b["value"], view=view)
        assert reply.status == 200
    await updated(h, filed.card, before)
    await h.settle()


@pytest.mark.parametrize("who", ["team", "employee"])
async def test_a_reopened_case_does_not_call_anyone_to_her_again(
    hu: Harness, clock: FixedClock, who: str
) -> None:
    h = hu
    await tap(h, h.cast.employee, channel="in_person", place=PLACE, may_know="yes")
    filed = await tapped_case(h)
    assert any(PLACE in said(h, dm) for dm in summons_dms(h))  # the call, while it is on
    await closed_by_team(h, filed)
    clock.set(T0 + timedelta(days=3))
    await reopened_by(h, who, filed)
    assert (await case_row(h))["status"] == "in_progress"
    name = h.cast.names()[h.cast.employee]

    card = said(h, filed.card)
    assert PLACE not in card and "渋谷店" in card
    first = thread(h, filed)[0]  # the summons at the top of the thread
    assert PLACE not in first and name not in first
    assert t("ja", "urgent_after_close.summons_over") in first
    summons = h.sim.replies(RESPONDERS, filed.card.ts)[0]
    assert Action.HELPER_GOING.value not in str(summons.blocks)  # no "I'm going" button
    for dm in summons_dms(h):  # redrawn: no place, no name, no "I'm going"
        seen = said(h, dm)
        assert PLACE not in seen and name not in seen, seen
        assert Action.HELPER_GOING.value not in str(dm.blocks)
        over = {t(lang, "urgent_after_close.dm_over", case_no=filed.case_no)
                for lang in ("ja", "en")}  # fmt: skip
        assert dm.text in over

    posted = len(h.sim.replies(RESPONDERS, filed.card.ts))
    dms = len(summons_dms(h))
    for minutes in (3, 15, 40):  # the summons never widens again
        clock.set(T0 + timedelta(days=3, minutes=minutes))
        await h.bot.reminders.tick(clock.now())
        await h.settle()
    later = thread(h, filed)[posted:]
    assert not [m for m in later if ":sos:" in m or PLACE in m], later
    assert len(summons_dms(h)) == dms
    assert "summon_widened" not in await events_of(h, filed.id)
    row = await case_row(h)
    assert row["place"] is None  # erased at the close: nobody needs it any more
    deleted = await h.bot.ctx.store.run(
        lambda db: [r["what"] for r in db.table("deletions").rows_where("case_id = ?", [row["id"]])]
    )
    assert deleted == ["cases.place"]


async def test_a_legal_hold_keeps_the_place_but_the_reopened_call_still_hides_it(
    hu: Harness,
) -> None:
    h = hu
    await tap(h, h.cast.employee, channel="in_person", place=PLACE)
    filed = await tapped_case(h)
    assert filed.case_no in await hold(h, h.cast.hr, f"set {filed.case_no} lawsuit pending")
    await closed_by_team(h, filed)
    await reopened_by(h, "team", filed)
    assert (await case_row(h))["place"] is not None  # held: nothing is erased
    seen = [said(h, filed.card), thread(h, filed)[0], *(said(h, dm) for dm in summons_dms(h))]
    assert not [s for s in seen if PLACE in s]
    assert t("ja", "urgent_help.place_removed") not in thread(h, filed)[0]  # the site is shown


async def test_a_place_erased_at_the_close_is_said_to_be_removed_not_unknown(hu: Harness) -> None:
    h = hu
    await tap(h, h.cast.employee, channel="in_person", site=None, place=PLACE)
    filed = await tapped_case(h)
    await closed_by_team(h, filed)
    for reopen in (False, True):  # closed, then reopened
        if reopen:
            await reopened_by(h, "team", filed)
        first = thread(h, filed)[0]
        assert PLACE not in first and t("ja", "urgent_help.place_removed") in first
        assert t("ja", "urgent.where_unknown") not in first


async def test_an_old_im_going_button_after_a_reopening_is_told_the_call_is_over(
    hu: Harness,
) -> None:
    h = hu
    await tap(h, h.cast.employee, channel="in_person", place=PLACE)
    filed = await tapped_case(h)
    await closed_by_team(h, filed)
    await reopened_by(h, "team", filed)
    before = len(h.sim.ephemerals(SUPERVISOR))
    notices = len(h.sim.dms(h.cast.employee))
    await press(h, SUPERVISOR, Action.HELPER_GOING, filed)
    told = await refusal(h, SUPERVISOR, before)
    assert told in {t(lang, "urgent_after_close.going_over", case_no=filed.case_no)
                    for lang in ("ja", "en")}  # fmt: skip
    await h.settle()
    assert (await case_row(h))["helper"] is None
    assert len(h.sim.dms(h.cast.employee)) == notices  # not told "someone is on the way"


async def test_the_safety_screens_form_shows_the_consent_she_gave_meanwhile(hu: Harness) -> None:
    h, emp = hu, hu.cast.employee_en
    _, safety = await tap(h, emp, channel="phone")
    await h.settle()
    await choose(h, emp, await consent_from_dm(h, emp), counseling=True, named=True)
    form = await h.press_in_view(emp, safety, Action.COMPLETE_REPORT)
    block = next(b for b in form["blocks"] if b.get("block_id") == "consent")
    ticked = {o["value"] for o in block["element"].get("initial_options", [])}
    assert ticked == {"show_name", "counseling_ok"}
    assert t("en", "consent.named_now_shown") in shown(h, form)
    # Sent as shown, it changes nothing she chose.
    reply = await h.slack.submit_view(emp, form, completion_values(form))
    assert reply.status == 200 and reply.json()["response_action"] == "update"
    await h.settle()
    row = await case_row(h)
    assert (row["quick"], row["show_name"], row["counseling_ok"]) == (0, 1, 1)


async def test_completing_from_the_safety_screen_after_the_close_is_refused_on_the_form(
    hu: Harness,
) -> None:
    h, emp = hu, hu.cast.employee_en
    _, safety = await tap(h, emp, channel="phone")
    filed = await tapped_case(h)
    form = await h.press_in_view(emp, safety, Action.COMPLETE_REPORT)
    await closed_by_team(h, filed)
    posted = len(h.sim.replies(RESPONDERS, filed.card.ts))
    reply = await h.slack.submit_view(emp, form, completion_values(form))
    assert reply.status == 200
    body = reply.json()
    assert body["response_action"] == "errors"  # the form stays open, her text in it
    assert body["errors"] == {
        "narrative": t("en", "my_reports.complete_closed", case_no=filed.case_no)
    }
    await h.settle()
    row = await case_row(h)
    assert (row["status"], row["quick"]) == ("closed", 1)
    assert "report_completed" not in await events_of(h, filed.id)
    assert len(h.sim.replies(RESPONDERS, filed.card.ts)) == posted  # the thread hears nothing


async def test_saying_where_after_the_close_is_told_the_case_is_closed(hu: Harness) -> None:
    h, emp = hu, hu.cast.employee_en
    _, safety = await tap(h, emp, channel="phone")
    filed = await tapped_case(h)
    await closed_by_team(h, filed)
    reply = await h.slack.submit_view(emp, safety, {"w_place": text("2F")})
    assert reply.status == 200
    error = reply.json()["errors"]["w_place"]
    assert error == t("en", "urgent_after_close.where_over", case_no=filed.case_no)
    assert error != t("en", "urgent_help.where_not_yet")
    assert "where_added" not in await events_of(h, filed.id)
