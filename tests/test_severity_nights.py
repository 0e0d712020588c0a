"""Nights and severity (issue 11, part 2): a high case at 23:00 Tokyo escalates on
time (its step reminders still wait for the morning); "critical" categories shorten
the wait; a responder changes severity with a reason, and the card, the escalation
and HR's figures follow."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.clock import FixedClock
from bot.demo.harness import Harness
from bot.domain.severity import derive_severity
from bot.i18n import t
from bot.views.ids import Action
from db.stats import counts
from slacksim.render import render_view
from tests.case_kit import choice, events_of, file_case, press_and_open, text
from tests.conftest import T0
from tests.test_reminders import escalations, step_reminders, tick
from tests.urgent_kit import said

NIGHT = datetime.fromisoformat("2026-11-27T23:00:00+09:00")


async def test_a_high_case_at_23_escalates_on_time_and_its_steps_wait(
    h: Harness, clock: FixedClock
) -> None:
    clock.set(NIGHT)
    filed = await file_case(h, categories=["discrimination"])  # high, not critical
    assert t("ja", "severity.high") in said(h, filed.card)
    await tick(h, clock, NIGHT + timedelta(minutes=29))
    assert escalations(h, filed.card) == []
    await tick(h, clock, NIGHT + timedelta(minutes=30))  # 23:30, quiet hours
    assert len(escalations(h, filed.card)) == 1
    await tick(h, clock, NIGHT + timedelta(hours=2))
    assert step_reminders(h, filed.card) == []  # the checklist's nudges wait for 07:00


async def test_a_critical_category_that_is_over_is_high_with_a_shorter_wait(
    h: Harness, clock: FixedClock
) -> None:
    clock.set(NIGHT)
    filed = await file_case(h, categories=["violence"], danger="over")
    assert t("ja", "severity.high") in said(h, filed.card)
    await tick(h, clock, NIGHT + timedelta(minutes=14))
    assert escalations(h, filed.card) == []
    await tick(h, clock, NIGHT + timedelta(minutes=15))
    assert len(escalations(h, filed.card)) == 1


def test_critical_from_a_returning_customer_is_urgent(h: Harness) -> None:
    policy = h.bot.ctx.policy
    assert derive_severity(policy, ["threat"], "over", 0) == "high"
    assert derive_severity(policy, ["threat"], "over", 1) == "urgent"
    assert derive_severity(policy, ["discrimination"], "over", 1) == "high"
    assert derive_severity(policy, ["verbal_abuse"], "ongoing", 0) == "urgent"


@pytest.mark.parametrize("lang_user", ["responder", "responder2"])  # ja and en readers
async def test_a_responder_changes_severity_with_a_reason(
    h: Harness, clock: FixedClock, lang_user: str
) -> None:
    r = getattr(h.cast, lang_user)
    lang = "ja" if lang_user == "responder" else "en"
    filed = await file_case(h)  # medium: escalates after 4 h
    view = await press_and_open(h, r, Action.CHANGE_SEVERITY, filed)
    assert t(lang, "urgent.sev.title") in str(view["title"])
    no_reason = await h.slack.submit_view(r, view, {"severity": choice("urgent", "static_select")})
    assert no_reason.json()["errors"]["reason"] == t(lang, "error.required")
    same = await h.slack.submit_view(
        r, view, {"severity": choice("medium", "static_select"), "reason": text("x")}
    )
    assert same.json()["errors"]["severity"] == t(lang, "urgent.sev.same")
    before = filed.card.update_count
    reply = await h.slack.submit_view(
        r, view, {"severity": choice("urgent", "static_select"), "reason": text("He came back")}
    )
    assert reply.status == 200 and not reply.body
    await h.sim.wait_for(lambda _: filed.card.update_count > before)
    assert t("ja", "severity.urgent") in said(h, filed.card)
    assert "severity_changed" in await events_of(h, filed.id)
    timeline = render_view(await press_and_open(h, r, Action.TIMELINE, filed))
    was, now = t(lang, "severity.medium"), t(lang, "severity.urgent")
    assert f"{was} → {now}" in timeline and "He came back" in timeline
    assert t(lang, "event.severity_changed") in timeline
    figures = await h.bot.ctx.store.run(counts, (None, None))
    assert figures.by_severity == {"urgent": 1}  # HR's figures read the case as it is now
    # The escalation is re-planned: urgent waits 10 minutes, not medium's 4 hours.
    await tick(h, clock, T0 + timedelta(minutes=10))
    assert len(escalations(h, filed.card)) == 1
