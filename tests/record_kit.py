"""A case handled from report to welfare check-in, all through the real endpoint, for
the case-record and export tests (no tests here)."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import FixedClock
from bot.demo.harness import Harness
from bot.views.ids import Action
from tests.case_kit import (
    Filed,
    choice,
    complete_step,
    file_case,
    press,
    press_and_open,
    record_assessment,
    text,
    updated,
)
from tests.conftest import T0
from tests.test_reminders import tick

SUMMARY = "Customer warned & police report filed; counseling arranged"
LESSONS = "Two people on every call with this account from now on"
NOTE = "Recording kept in the <cases> folder"
POLICE_NO = "R-2026-1187"


async def handled_case(h: Harness, clock: FixedClock, **form: object) -> Filed:
    """Reported at T0 (10:00 in Tokyo); acknowledged 20 minutes later, assessed twice,
    a warning and a confirmed police report, care, closed after two days, and the
    employee asked for counseling at the check-in 14 days later."""
    r1, r2 = h.cast.responder, h.cast.responder2
    clock.set(T0)
    filed = await file_case(h, counseling_ok=True, **form)  # type: ignore[arg-type]
    clock.set(T0 + timedelta(minutes=20))
    before = filed.card.update_count
    # The flow runs after Slack's ack: wait for its card update before moving the clock.
    await press(h, r1, Action.ACK, filed)
    await updated(h, filed.card, before)
    clock.set(T0 + timedelta(hours=1))
    view = await press_and_open(h, r1, Action.STEP_DONE, filed, step="record_verbatim")
    before = filed.checklist.update_count
    await h.slack.submit_view(r1, view, {"note": text(NOTE)})
    await updated(h, filed.checklist, before)
    await record_assessment(h, r1, filed, conclusion="gray", reason="Not sure yet")
    clock.set(T0 + timedelta(hours=3))
    await record_assessment(h, r2, filed, reason="Threats, repeated after warning")
    for kind, extra in (("warned", {}), ("police_report", {"police_no": text(POLICE_NO)})):
        view = await press_and_open(h, r1, Action.MEASURE, filed)
        before = filed.card.update_count
        await h.slack.submit_view(r1, view, {"kind": choice(kind), **extra})
        await updated(h, filed.card, before)
    measure_id = await h.bot.ctx.store.run(
        lambda db: db.execute("SELECT MAX(id) FROM measures").fetchone()[0]
    )
    clock.set(T0 + timedelta(hours=5))
    before = filed.card.update_count
    await press(h, r2, Action.CONFIRM_MEASURE, filed, measure=measure_id)
    await updated(h, filed.card, before)
    clock.set(T0 + timedelta(days=1))
    await complete_step(h, r2, filed, "care")
    # Prevent recurrence asks for the lesson learned (the policy's needs_note).
    view = await press_and_open(h, r1, Action.STEP_DONE, filed, step="prevent_recurrence")
    before = filed.checklist.update_count
    await h.slack.submit_view(r1, view, {"note": text(LESSONS)})
    await updated(h, filed.checklist, before)
    clock.set(T0 + timedelta(days=2))
    view = await press_and_open(h, r1, Action.CLOSE, filed)
    before = filed.card.update_count
    await h.slack.submit_view(r1, view, {"summary": text(SUMMARY)})
    await updated(h, filed.card, before)
    await tick(h, clock, T0 + timedelta(days=2))
    employee = h.cast.employee
    seen = len(h.sim.dms(employee))
    await tick(h, clock, T0 + timedelta(days=16))
    [checkin] = h.sim.dms(employee)[seen:]
    button = next(
        e
        for b in checkin.blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == Action.WELFARE_COUNSELING
    )
    await h.slack.click(
        employee,
        Action.WELFARE_COUNSELING,
        button["value"],
        channel=checkin.channel,
        message_ts=checkin.ts,
    )
    await h.sim.wait_for(lambda s: checkin.update_count >= 1)
    await h.settle()
    return filed


def jst(when: datetime) -> str:
    """How the record writes a time: Tokyo, to the minute."""
    return (when + timedelta(hours=9)).strftime("%Y-%m-%d %H:%M")
