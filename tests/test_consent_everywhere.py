"""Consent honoured wherever she gives it (issue 11 §3/§4), through the real endpoint:
completing a one-tap report keeps the choices she made meanwhile and changes only what
she changes on the form; "I would like counseling" in the follow-up check-in is consent;
and the wrong person or a stale button is told what is really the matter."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.clock import FixedClock
from bot.demo.harness import RESPONDERS, Harness
from bot.domain.periods import parse_period
from bot.i18n import t
from bot.views.ids import Action
from db import stats
from db.timeline import entries
from slacksim.render import render_message, render_view
from tests.case_kit import Filed, checklist_text, file_case
from tests.conftest import T0
from tests.mine_kit import (
    buttons,
    choose,
    click_opens,
    closed_by_team,
    completion_values,
    consent_from_home,
    home,
    tapped_case,
)
from tests.test_oncall import oncall
from tests.test_reminders import tick
from tests.urgent_kit import case_row, tap


def notes(h: Harness, filed: Filed) -> list[str]:
    return [render_message(m, h.cast.names()) for m in h.sim.replies(RESPONDERS, filed.card.ts)]


def agreed_note(h: Harness, filed: Filed, counselor: str) -> str:
    """The thread's note that she agreed, naming the counselor asked to get in touch."""
    who = "@" + h.cast.names()[counselor]
    return t("ja", "consent.note_counseling_agreed", case_no=filed.case_no, user=who)


async def events(h: Harness, case_id: int) -> list[str]:
    return [e.event for e in await h.bot.ctx.store.run(entries, case_id)]


async def _complete_from_home(h: Harness, user: str, **consent: bool) -> dict[str, Any]:
    view, _ = await home(h, user)
    [complete] = buttons(view["blocks"], Action.MY_COMPLETE)
    form = await click_opens(h, user, Action.MY_COMPLETE, complete["value"], view=view)
    reply = await h.slack.submit_view(user, form, completion_values(form, **consent))
    assert reply.json()["response_action"] == "update", reply
    await h.settle()
    return form


def _ticked(form: dict[str, Any]) -> set[str]:
    """The consent boxes the form starts with ticked."""
    block = next(b for b in form["blocks"] if b.get("block_id") == "consent")
    return {o["value"] for o in block["element"].get("initial_options", [])}


async def test_completing_from_home_keeps_the_counseling_she_agreed_to_meanwhile(
    hu: Harness,
) -> None:
    h, user = hu, hu.cast.employee
    await tap(h, user, channel="phone")
    filed = await tapped_case(h)
    counselor = h.cast.counseling[0]
    modal = await consent_from_home(h, user, filed.case_no)
    await choose(h, user, modal, counseling=True, named=False)
    pinged = len(h.sim.dms(counselor))
    assert pinged == 1
    form = await _complete_from_home(h, user)  # the form as prefilled, left alone
    assert _ticked(form) == {"counseling_ok"}  # her choices as they are now
    assert t("ja", "consent.named_now_shown") not in render_view(form, {})
    row = await case_row(h)
    assert row["quick"] == 0 and row["counseling_ok"] == 1 and row["show_name"] == 0
    assert "counseling_withdrawn" not in await events(h, filed.id)
    assert not any(t("ja", "consent.note_counseling_withdrawn", case_no=filed.case_no) in n
                   for n in notes(h, filed))  # fmt: skip
    assert t("ja", "thread.counseling_consent_yes") in checklist_text(h, filed)
    assert len(h.sim.dms(counselor)) == pinged  # not asked again


async def test_what_she_changes_on_the_completion_form_is_a_consent_change(
    hu: Harness, clock: FixedClock
) -> None:
    h, user = hu, hu.cast.employee
    await tap(h, user, channel="phone")
    filed = await tapped_case(h)
    counselor = h.cast.counseling[0]
    # She agrees to be named to the team meanwhile (the helper's "may know" is not that).
    modal = await consent_from_home(h, user, filed.case_no)
    await choose(h, user, modal, counseling=False, named=True)
    before = filed.checklist.update_count
    # On the form: now counseling may contact her, and her name is no longer to be shown.
    form = await _complete_from_home(h, user, counseling_ok=True, show_name=False)
    assert _ticked(form) == {"show_name"}
    assert t("ja", "consent.named_now_shown") in render_view(form, {})  # what it can mean
    row = await case_row(h)
    assert (row["counseling_ok"], row["counseling_ever"], row["show_name"]) == (1, 1, 0)
    timeline = await h.bot.ctx.store.run(entries, filed.id)
    changed = {e.event: e for e in timeline if e.event in ("counseling_agreed", "name_withdrawn")}
    assert set(changed) == {"counseling_agreed", "name_withdrawn"}
    assert changed["counseling_agreed"].detail["source"] == "form"
    assert all(e.actor != user for e in timeline)  # her ID left the timeline again
    await h.sim.wait_for(lambda s: len(s.dms(counselor)) == 1)
    assert filed.case_no in (h.sim.dms(counselor)[0].text or "")
    await h.sim.wait_for(lambda _: filed.checklist.update_count > before)
    assert t("ja", "thread.counseling_consent_yes") in checklist_text(h, filed)
    said = notes(h, filed)
    assert any(t("ja", "consent.note_name_withdrawn", case_no=filed.case_no) in n for n in said)
    assert any(agreed_note(h, filed, counselor) in n for n in said)
    assert t("ja", "card.confidential") in render_message(filed.card, {})
    p = parse_period("2026-11", clock.now(), h.bot.ctx.config.timezone)
    counts = await h.bot.ctx.store.run(stats.counts, (p.start, p.end))
    assert (counts.counseling_ok, counts.counseling_ever) == (1, 1)


async def test_the_taps_own_form_left_alone_keeps_a_choice_made_meanwhile(hu: Harness) -> None:
    h, user = hu, hu.cast.employee_en
    _, safety = await tap(h, user, channel="phone")
    filed = await tapped_case(h)
    modal = await consent_from_home(h, user, filed.case_no)
    await choose(h, user, modal, counseling=True, named=False)
    # The tap's modal was open all along: its form, opened now, shows that choice.
    form = await h.press_in_view(user, safety, Action.COMPLETE_REPORT)
    assert _ticked(form) == {"counseling_ok"}
    reply = await h.slack.submit_view(user, form, completion_values(form))
    assert reply.json()["response_action"] == "update"
    await h.settle()
    row = await case_row(h)
    assert row["quick"] == 0 and row["counseling_ok"] == 1
    assert "counseling_withdrawn" not in await events(h, filed.id)


async def test_asking_for_counseling_at_the_check_in_is_consent(
    h: Harness, clock: FixedClock
) -> None:
    user = h.cast.employee
    filed = await file_case(h, user)  # no counseling on the form
    await closed_by_team(h, filed)
    await tick(h, clock, clock.now())
    await tick(h, clock, clock.now() + timedelta(days=14))
    checkin = h.sim.dms(user)[-1]
    [button] = buttons(checkin.blocks, Action.WELFARE_COUNSELING)
    before = filed.checklist.update_count
    await h.slack.click(user, Action.WELFARE_COUNSELING, button["value"],
                        channel=checkin.channel, message_ts=checkin.ts)  # fmt: skip
    await h.sim.wait_for(lambda _: filed.checklist.update_count > before)
    await h.settle()
    counselor = h.bot.ctx.config.rotations["counseling"].on_duty(clock.now())
    # The check-in's own notice tells the counselor (once: no second ping).
    [told] = h.sim.dms(counselor)
    assert filed.case_no in (told.text or "")
    row = await case_row(h, filed.case_no)
    assert (row["counseling_ok"], row["counseling_ever"]) == (1, 1)
    [agreed] = [e for e in await h.bot.ctx.store.run(entries, filed.id)
                if e.event == "counseling_agreed"]  # fmt: skip
    assert agreed.detail["source"] == "welfare" and agreed.actor == "reporter"
    assert t("ja", "thread.counseling_consent_yes") in checklist_text(h, filed)
    assert any(agreed_note(h, filed, counselor) in n for n in notes(h, filed))
    _, shown = await home(h, user)
    assert t("ja", "confirm.counseling_yes") in shown.split(t("ja", "home.mine"))[1]
    p = parse_period("2026-11", T0, h.bot.ctx.config.timezone)
    counts = await h.bot.ctx.store.run(stats.counts, (p.start, p.end))
    assert (counts.counseling_ok, counts.counseling_ever) == (1, 1)


async def test_a_stale_complete_button_on_a_closed_case_says_it_is_closed(hu: Harness) -> None:
    h, user = hu, hu.cast.employee
    await tap(h, user, channel="phone")
    filed = await tapped_case(h)
    view, _ = await home(h, user)  # her Home tab, left open
    await closed_by_team(h, filed)
    [complete] = buttons(view["blocks"], Action.MY_COMPLETE)
    before = len(h.sim.dms(user))
    await h.slack.click(user, Action.MY_COMPLETE, complete["value"], view=view)
    await h.sim.wait_for(lambda s: len(s.dms(user)) > before)
    said = h.sim.dms(user)[-1].text or ""
    assert said == t("ja", "my_reports.complete_closed", case_no=filed.case_no)
    assert t("ja", "my_reports.not_quick", case_no=filed.case_no) not in said


@pytest.mark.parametrize(
    ("action", "key"),
    [
        (Action.CONSENT, "consent.not_yours"),
        (Action.MY_REOPEN, "my_reports.reopen_not_yours"),
        (Action.MY_COMPLETE, "my_reports.complete_not_yours"),
    ],
)
async def test_someone_else_pressing_her_buttons_is_told_what_they_cannot_do(
    hu: Harness, action: str, key: str
) -> None:
    h, user = hu, hu.cast.employee
    await tap(h, user, channel="phone")
    filed = await tapped_case(h)
    if action == Action.MY_REOPEN:
        await closed_by_team(h, filed)
    view, _ = await home(h, user)
    [b] = [b for b in buttons(view["blocks"], action) if filed.case_no in b["value"]]
    other = h.cast.responder
    before = len(h.sim.dms(other))
    await h.slack.click(other, action, b["value"])
    await h.sim.wait_for(lambda s: len(s.dms(other)) > before)
    said = h.sim.dms(other)[-1].text or ""
    assert said == t("ja", key)
    assert said != t("ja", "refuse.not_reporter")
    row = await case_row(h, filed.case_no)  # nothing changed
    assert row["counseling_ok"] == 0 and row["quick"] == 1
    if action == Action.MY_REOPEN:
        assert row["status"] == "closed"


async def test_the_words_say_what_really_happens(h: Harness) -> None:
    """Read as a native speaker would: the signing setting names the lead 主担当 and
    describes the unsigned notices as she receives them; a confidential reporter is
    told her name is withheld (the team does read her report); the counselor is asked."""
    usage = (await oncall(h, h.cast.responder, "sign maybe")).text or ""
    assert "主担当になったとき" in usage and "受付確認や担当" not in usage
    assert "対応チームの誰か" not in usage
    off = (await oncall(h, h.cast.responder, "sign")).text or ""
    assert off == t("ja", "signing.now_off") and "対応チームの担当者" not in off
    user = h.cast.employee
    filed = await file_case(h, user)
    modal = await consent_from_home(h, user, filed.case_no)
    _, shown = await home(h, user)
    for text in (render_view(modal, {}), shown.split(t("ja", "home.mine"))[1]):
        assert "案件番号だけ" not in text and "伏せられています" in text
    await choose(h, user, modal, counseling=True, named=False)
    counselor = h.cast.counseling[0]
    await h.sim.wait_for(lambda s: bool(s.dms(counselor)))
    ping = render_message(h.sim.dms(counselor)[-1], {})  # this counselor reads English
    assert "please get in touch" in ping and filed.case_no in ping
    ja = t("ja", "consent.ping", case_no=filed.case_no)
    assert "あなたが当番です" not in ja and "本人への連絡をお願いします" in ja
