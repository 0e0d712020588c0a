"""Undoing a handled step, through the real endpoint (issue 12 audit): its reminders
resume from the undo (within max_step_reminders and quiet hours, like any step
reminder), and a step a measure completed reopens while the measure still counts."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import FixedClock
from bot.demo.harness import Harness
from bot.i18n import t
from bot.views.ids import Action
from tests.case_kit import (
    Filed,
    card_text,
    checklist_text,
    complete_step,
    events_of,
    file_case,
    press,
    updated,
)
from tests.conftest import T0
from tests.test_checklist_fit import (
    assert_counted,
    measure_ids,
    not_applicable,
    record_measure,
    title,
)
from tests.test_reminders import step_reminders, tick


async def undo(h: Harness, user: str, filed: Filed, step: str) -> None:
    before = filed.checklist.update_count
    await press(h, user, Action.STEP_UNDO, filed, on_checklist=True, step=step)
    await updated(h, filed.checklist, before)


def naming(h: Harness, filed: Filed, step: str) -> list[str]:
    """The step reminders in the thread that name `step`, as text."""
    stop = title(h, step)
    return [str(m.blocks) for m in step_reminders(h, filed.card) if stop in str(m.blocks)]


async def lead(h: Harness, filed: Filed) -> str:
    who = h.cast.responder2
    before = filed.card.update_count
    await press(h, who, Action.TAKE_LEAD, filed)
    await updated(h, filed.card, before)
    return who


async def test_a_step_marked_not_applicable_then_undone_is_reminded_again(
    h: Harness, clock: FixedClock
) -> None:
    filed = await file_case(h)
    owner = await lead(h, filed)  # stop_response is the lead's step
    after = h.bot.ctx.policy.step("stop_response").remind_after
    await not_applicable(h, h.cast.responder, filed, "stop_response", "Not needed")
    undone_at = T0 + after + timedelta(days=1)
    await tick(h, clock, undone_at)  # its first reminder fell due while not applicable
    assert naming(h, filed, "stop_response") == []
    await undo(h, h.cast.responder, filed, "stop_response")
    # Counted from the undo, with the step's own interval: not before.
    await tick(h, clock, undone_at + after - timedelta(minutes=5))
    assert naming(h, filed, "stop_response") == []
    await tick(h, clock, undone_at + after)
    [reminded] = naming(h, filed, "stop_response")
    assert f"{title(h, 'stop_response')}（<@{owner}>）" in reminded


async def test_a_done_step_undone_resumes_its_chain_up_to_the_limit(
    h: Harness, clock: FixedClock
) -> None:
    filed = await file_case(h)
    await lead(h, filed)
    r = h.cast.responder
    after = h.bot.ctx.policy.step("stop_response").remind_after
    limit = h.bot.ctx.config.reminders.max_step_reminders
    at = T0 + after
    await tick(h, clock, at)
    assert len(naming(h, filed, "stop_response")) == 1
    await complete_step(h, r, filed, "stop_response")
    await tick(h, clock, at := at + after)  # skipped: the step is done
    assert len(naming(h, filed, "stop_response")) == 1
    await undo(h, r, filed, "stop_response")
    for _ in range(limit + 2):
        await tick(h, clock, at := at + after)
    # The skipped one did not use up the chain; the limit still holds.
    assert len(naming(h, filed, "stop_response")) == limit
    # Done and undone once more after the chain ran out: nothing more.
    await complete_step(h, r, filed, "stop_response")
    await undo(h, r, filed, "stop_response")
    for _ in range(3):
        await tick(h, clock, at := at + after)
    assert len(naming(h, filed, "stop_response")) == limit


async def test_a_reminder_resumed_by_undo_waits_for_the_end_of_quiet_hours(
    h: Harness, clock: FixedClock
) -> None:
    filed = await file_case(h)
    await lead(h, filed)
    after = h.bot.ctx.policy.step("stop_response").remind_after
    await not_applicable(h, h.cast.responder, filed, "stop_response", "Not needed")
    # Undone late at night (Tokyo): due at the same hour, inside quiet hours.
    late = datetime.fromisoformat("2026-11-30T22:30:00+09:00")
    await tick(h, clock, late)
    await undo(h, h.cast.responder, filed, "stop_response")
    due = late + after
    await tick(h, clock, due + timedelta(minutes=5))
    assert naming(h, filed, "stop_response") == []
    morning = datetime.fromisoformat(f"{(due + timedelta(days=1)).date()}T07:00:00+09:00")
    await tick(h, clock, morning)
    assert len(naming(h, filed, "stop_response")) == 1


async def test_undoing_a_step_a_measure_completed_reopens_it_and_the_measure_still_counts(
    h: Harness,
) -> None:
    filed = await file_case(h)
    r1, r2 = h.cast.responder, h.cast.responder2
    await record_measure(h, r1, filed, "stopped_service")
    [measure] = await measure_ids(h)
    name = t("ja", "act.measure.stopped_service")
    await press(h, r2, Action.CONFIRM_MEASURE, filed, measure=measure)
    await h.sim.wait_for(lambda _: f"措置「{name}」により完了" in checklist_text(h, filed))
    assert_counted(h, filed, {"stop_response"})

    await undo(h, r1, filed, "stop_response")
    # The step is open again, with its Done button, and says the measure still counts.
    assert_counted(h, filed, set())
    shown = checklist_text(h, filed)
    row = shown.split(title(h, "stop_response"), 1)[1].split(title(h, "police_and_lawyer"))[0]
    assert "により完了" not in row and "[完了]" in row
    kept = t("ja", "step_undo.measure", measure=name)
    assert (
        t("ja", "step_undo.measure_counts", measures=kept).removeprefix(":information_source: ")
        in row
    )
    # The measure is still one that was taken: on the card, confirmed, not pending.
    card = card_text(h, filed)
    assert "実施した措置" in card and name in card and "確認待ち" not in card
    events = await events_of(h, filed.id)
    assert events[-1] == "step_undone" and "measure_withdrawn" not in events
    # Marking the step done again is an ordinary Done.
    await complete_step(h, r1, filed, "stop_response")
    assert_counted(h, filed, {"stop_response"})
    assert "記録されたまま" not in checklist_text(h, filed)  # the hint is for an open step
