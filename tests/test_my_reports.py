"""'My reports' in the App Home (issue 11 §4), through the real endpoint: each of her
cases with its status in words, what she added, the messages with the team, and her
buttons: add information, change her choices, reopen, complete a one-tap report."""

from __future__ import annotations

from typing import Any

import pytest

from bot.demo.harness import RESPONDERS, Harness
from bot.i18n import t
from bot.views.ids import Action
from db import retention
from db.timeline import entries
from slacksim.render import render_message
from tests.case_kit import Filed, choice, choices, file_case, press_and_open, text
from tests.mine_kit import buttons, click_opens, closed_by_team, confirmation, home, home_text
from tests.urgent_kit import case_count, case_row, tap


async def _team_writes(h: Harness, filed: Filed, body: str) -> None:
    view = await press_and_open(h, h.cast.responder, Action.MESSAGE_EMPLOYEE, filed)
    reply = await h.slack.submit_view(h.cast.responder, view, {"text": text(body)})
    assert reply.status == 200, reply
    await h.settle()


async def _she_replies(h: Harness, user: str, body: str) -> None:
    msg = h.sim.add_message(user, body, user)
    event = {"type": "message", "channel": msg.channel, "channel_type": "im", "user": user,
             "text": body, "ts": msg.ts}  # fmt: skip
    before = len(h.sim.dms(user))
    assert (await h.slack.event(event)).status == 200
    await h.sim.wait_for(lambda s: len(s.dms(user)) > before)  # the bot says it passed it on
    await h.settle()


async def _adds(h: Harness, user: str, body: str, where: dict[str, Any]) -> None:
    modal = await click_opens(h, user, Action.ADD_INFO, where.pop("value"), **where)
    assert modal["callback_id"] == "report.add_info"
    values = {"addition": {"value": {"type": "plain_text_input", "value": body}}}
    assert (await h.slack.submit_view(user, modal, values)).status == 200
    await h.settle()


@pytest.mark.parametrize(("who", "lang"), [("employee", "ja"), ("employee_en", "en")])
async def test_a_confidential_reporter_follows_her_case(h: Harness, who: str, lang: str) -> None:
    user = getattr(h.cast, who)
    filed = await file_case(h, user, narrative="He shouted for an hour.")
    await _team_writes(h, filed, "Could you tell us the order number?")
    await _she_replies(h, user, "It was order 7781 & it happened twice")
    view, _ = await home(h, user)
    [add] = [b for b in buttons(view["blocks"], Action.ADD_INFO) if filed.case_no in b["value"]]
    await _adds(h, user, "He called again <today>", {"value": add["value"], "view": view})
    _, shown = await home(h, user)
    mine = shown.split(t(lang, "home.mine"))[1]
    assert filed.case_no in mine
    assert t(lang, "my_reports.stage_handling") in mine  # the team wrote: it is in hand
    assert t(lang, "consent.choice_confidential") in mine
    assert t(lang, "confirm.counseling_no") in mine
    said = [t(lang, f"my_reports.line_{k}") for k in ("from_team", "to_team", "added")]
    positions = [mine.index(s) for s in said]
    assert positions == sorted(positions)  # oldest first
    assert "Could you tell us the order number?" in mine
    assert "It was order 7781 & it happened twice" in mine
    assert "He called again <today>" in mine  # her text, escaped for Slack, shown as typed
    assert "He shouted" not in mine  # the narrative stays in the report, not on a screen
    view = h.sim.home_views[user]
    assert {e["action_id"] for b in view["blocks"] if b["type"] == "actions"
            for e in b["elements"]} >= {Action.ADD_INFO, Action.CONSENT}  # fmt: skip
    assert not buttons(view["blocks"], Action.MY_REOPEN)  # not closed


async def test_she_reopens_her_closed_case_and_the_thread_is_told(h: Harness) -> None:
    user = h.cast.employee
    filed = await file_case(h, user)
    await closed_by_team(h, filed)
    view, shown = await home(h, user)
    assert t("ja", "my_reports.stage_closed") in shown
    [reopen] = buttons(view["blocks"], Action.MY_REOPEN)
    assert reopen["confirm"]["confirm"]["text"] == t("ja", "my_reports.reopen_confirm_yes")
    before = filed.card.update_count
    assert (await h.slack.click(user, Action.MY_REOPEN, reopen["value"], view=view)).status == 200
    await h.sim.wait_for(lambda _: filed.card.update_count > before)
    await h.settle()
    row = await case_row(h, filed.case_no)
    assert row["status"] == "in_progress" and row["closed_at"] is None
    assert t("ja", "status.in_progress") in render_message(filed.card, {})
    note = render_message(h.sim.replies(RESPONDERS, filed.card.ts)[-1], {})
    assert t("ja", "consent.note_reopened_by_reporter", case_no=filed.case_no) in note
    [entry] = [e for e in await h.bot.ctx.store.run(entries, filed.id) if e.event == "reopened"]
    assert entry.actor == "reporter" and entry.detail == {"by_reporter": True}
    await h.sim.wait_for(lambda s: not buttons(s.home_views[user]["blocks"], Action.MY_REOPEN))
    assert t("ja", "my_reports.stage_handling") in home_text(h, user)
    # Pressed again (an old Home tab): nothing to reopen, said privately.
    before_dm = len(h.sim.dms(user))
    await h.slack.click(user, Action.MY_REOPEN, reopen["value"], view=view)
    await h.sim.wait_for(lambda s: len(s.dms(user)) > before_dm)
    assert t("ja", "my_reports.not_closed", case_no=filed.case_no) in (h.sim.dms(user)[-1].text)


async def test_completing_a_one_tap_report_from_home_keeps_one_case(hu: Harness) -> None:
    h, user = hu, hu.cast.employee_en
    await tap(h, user, channel="phone")
    await h.settle()
    view, shown = await home(h, user)
    assert t("en", "my_reports.quick") in shown
    [complete] = buttons(view["blocks"], Action.MY_COMPLETE)
    form = await click_opens(h, user, Action.MY_COMPLETE, complete["value"], view=view)
    assert form["callback_id"] == "report.submit"
    assert t("en", "urgent.form_completes") in render_message({"blocks": form["blocks"]}, {})
    row = await case_row(h)
    values = {
        "occurred_at": {"value": {"type": "datetimepicker",
                                  "selected_date_time": int(h.bot.ctx.clock.now().timestamp())}},
        "contact_channel": choice("phone", "static_select"),
        "categories": choices(["threat"]),
        "danger": choice("over"),
        "narrative": text("He said he would wait for me outside."),
    }  # fmt: skip
    reply = await h.slack.submit_view(user, form, values)
    assert reply.json()["response_action"] == "update"
    await h.settle()
    assert await case_count(h) == 1
    after = await case_row(h)
    assert after["id"] == row["id"] and after["quick"] == 0 and "threat" in after["categories"]
    events = [e.event for e in await h.bot.ctx.store.run(entries, row["id"])]
    assert events.count("report_completed") == 1
    view, _ = await home(h, user)
    assert not buttons(view["blocks"], Action.MY_COMPLETE)


async def test_many_reports_fit_the_home_tab_newest_first(h: Harness) -> None:
    user = h.cast.hr  # HR's own part of the tab comes after her reports
    for i in range(12):
        assert (await h.report(user, narrative=f"Report {i}")).status == 200
    await h.settle()
    view, shown = await home(h, user)
    assert len(view["blocks"]) <= 100
    nos = await h.bot.ctx.store.run(
        lambda db: [r[0] for r in db.execute("SELECT case_no FROM cases ORDER BY id")]
    )
    mine = shown.split(t("en", "home.mine"))[1]
    assert nos[-1] in mine and nos[0] not in mine and nos[1] not in mine
    assert mine.index(nos[-1]) < mine.index(nos[-2])  # newest first
    assert t("en", "my_reports.older", n=2) in mine
    assert t("en", "home.hr_title", month="2026-11") in shown.split(t("en", "home.mine"))[1]


async def test_the_confirmation_offers_to_change_her_choices(h: Harness) -> None:
    await file_case(h, h.cast.employee_en)
    dm = confirmation(h, h.cast.employee_en)
    assert buttons(dm.blocks, Action.CONSENT)
    assert t("en", "consent.confirm_hint") in render_message(dm, {})


async def test_long_lines_are_cut_whole_and_deleted_ones_say_so(h: Harness) -> None:
    user = h.cast.employee_en
    first = await file_case(h, user)
    await _team_writes(h, first, "&" * 400)  # 400 characters, 2,000 once escaped
    second = await file_case(h, user)
    await _team_writes(h, second, "Please call us back.")

    def purged(db: Any) -> None:  # the retention rule for the timeline, on the second case
        retention.purge(db, second.id, "timeline", h.bot.ctx.clock.now())

    await h.bot.ctx.store.run(purged)
    view, shown = await home(h, user)
    lines = [b["text"]["text"] for b in view["blocks"] if b["type"] == "section"
             and t("en", "my_reports.line_from_team") in b["text"]["text"]]  # fmt: skip
    cut = next(text for text in lines if "&amp;" in text)
    assert cut.rstrip().endswith("&amp;…") and cut.count("&amp;") < 400
    assert t("en", "my_reports.line_deleted") in shown and "call us back" not in shown
