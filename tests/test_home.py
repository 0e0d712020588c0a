"""The App Home tab: everyone's part, the responders' part, HR's part."""

from __future__ import annotations

from typing import Any

from bot.clock import FixedClock
from bot.demo.harness import Harness
from bot.views.ids import Action
from slacksim.render import render_view
from tests.hr_common import seed_known_cases


async def _home(h: Harness, user: str) -> tuple[dict[str, Any], str]:
    before = h.sim.home_views.get(user, {}).get("hash")
    reply = await h.slack.event({"type": "app_home_opened", "user": user, "tab": "home",
                                 "channel": h.sim.dm_channel(user)})  # fmt: skip
    assert reply.status == 200
    await h.sim.wait_for(lambda s: s.home_views.get(user, {}).get("hash") not in (None, before))
    view = h.sim.home_views[user]
    return view, render_view(view, {})


def _actions(view: dict[str, Any]) -> list[str]:
    return [e["action_id"] for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]]


async def test_employee_sees_report_button_policy_and_own_reports(
    h: Harness, clock: FixedClock
) -> None:
    ids = await seed_known_cases(h, clock)
    view, text = await _home(h, h.cast.employee)  # reads Japanese
    # The report button, then her own cases' buttons ("My reports", issue 11 §4).
    mine = {Action.ADD_INFO, Action.CONSENT, Action.MY_REOPEN}
    assert _actions(view)[0] == Action.HOME_REPORT and set(_actions(view)[1:]) == mine
    assert "報告する" in text and "プライバシー" in text
    assert [ids[k] in text for k in "ABCD"] == [True] * 4
    assert "対応チーム向け" not in text and "人事向け" not in text


async def test_outsider_sees_no_cases(h: Harness, clock: FixedClock) -> None:
    ids = await seed_known_cases(h, clock)
    view, text = await _home(h, h.cast.outsider)
    assert _actions(view) == [Action.HOME_REPORT]
    assert "You have no reports yet." in text
    assert not any(ids[k] in text for k in "ABCD")


async def test_responder_sees_open_cases_and_overdue_steps(h: Harness, clock: FixedClock) -> None:
    ids = await seed_known_cases(h, clock)
    view, text = await _home(h, h.cast.responder2)  # reads English
    assert "Open cases: 3" in text  # B, C, D; A is closed
    assert ids["C"] in text and ids["A"] not in text.split("Cases you lead")[0]
    overdue = text.split("Overdue steps")[1]
    assert ids["B"] in overdue  # reported weeks ago, no step done
    assert "For HR" not in text and _actions(view) == [Action.HOME_REPORT]


async def test_hr_sees_this_month_and_buttons(h: Harness, clock: FixedClock) -> None:
    await seed_known_cases(h, clock)
    view, text = await _home(h, h.cast.hr)
    assert "For HR: 2026-11" in text
    assert "*3 cases* this month · *1* acknowledged within target (33%) · *1* closed" in text
    assert _actions(view) == [Action.HOME_REPORT, Action.HR_SUMMARY, Action.HR_EXPORT,
                              Action.HR_AUDIT]  # fmt: skip
    values = [e.get("value") for b in view["blocks"] if b["type"] == "actions"
              for e in b["elements"]]  # fmt: skip
    assert values[1:] == ["2026-11"] * 3


async def test_report_button_opens_the_report_form(h: Harness) -> None:
    reply = await h.slack.click(h.cast.outsider, Action.HOME_REPORT, "home",
                                view={"id": "VHOME", "type": "home"})  # fmt: skip
    assert reply.status == 200
    await h.sim.wait_for(lambda s: s.views_opened)
    # The same first modal as /report-ch: "happening now" in one tap, or the form (issue 11).
    assert h.sim.views_opened[0].view["callback_id"] == "report.start"
