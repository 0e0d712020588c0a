"""A checklist that fits real handling (issue 12, part 2), through the real endpoint:
conditional steps marked not applicable with a reason, the principle shown as a
reminder, measures completing their steps, the closing count, reminders per owner."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import FixedClock
from bot.demo.harness import Harness
from bot.i18n import t
from bot.views.ids import Action
from tests.case_kit import (
    Filed,
    card_text,
    checklist_text,
    choice,
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
from tests.conftest import T0
from tests.test_reminders import step_reminders, tick


def title(h: Harness, step_id: str, lang: str = "ja") -> str:
    return h.bot.ctx.policy.step(step_id).title.get(lang)


async def not_applicable(h: Harness, user: str, filed: Filed, step: str, reason: str) -> None:
    view = await press_and_open(h, user, Action.STEP_NOT_APPLICABLE, filed, step=step)
    before = filed.checklist.update_count
    reply = await h.slack.submit_view(user, view, {"reason": text(reason)})
    assert reply.status == 200 and not reply.body, reply
    await updated(h, filed.checklist, before)


async def record_measure(h: Harness, user: str, filed: Filed, kind: str, **values: str) -> None:
    view = await press_and_open(h, user, Action.MEASURE, filed)
    before = filed.card.update_count
    state = {"kind": choice(kind), **{k: text(v) for k, v in values.items()}}
    if kind == "lawyer":
        state = {"kind": choice(kind), "lawyer": choice("external")}
    reply = await h.slack.submit_view(user, view, state)
    assert reply.status == 200 and not reply.body, reply
    await updated(h, filed.card, before)


async def measure_ids(h: Harness) -> list[int]:
    rows = await h.bot.ctx.store.run(
        lambda db: db.execute("SELECT id FROM measures ORDER BY id").fetchall()
    )
    return [int(r[0]) for r in rows]


MARKS = {":white_large_square:": "open", ":white_check_mark:": "done", ":heavy_minus_sign:": "na"}


def step_rows(h: Harness, filed: Filed) -> dict[str, str]:
    """Each checklist row the thread shows, by step id: "open", "done" or "na"."""
    by_title = {
        f"{n}. {s.title.get('ja')}": s.id for n, s in enumerate(h.bot.ctx.policy.checklist, 1)
    }
    rows = {}
    for block in filed.checklist.blocks or []:
        body = str(block.get("text", {}).get("text", "")) if block["type"] == "section" else ""
        mark = next((m for m in MARKS if body.startswith(m)), None)
        if mark is not None:
            head = body.split("\n", 1)[0].removeprefix(mark).strip(" *~")
            rows[by_title[head]] = MARKS[mark]
    return rows


def assert_counted(h: Harness, filed: Filed, handled: set[str]) -> None:
    """Exactly these steps count as handled, every checklist step is a row (the
    principle is none), and both counts say so: a principle counted in place of a
    dropped step would show the same "N/10" but fails here."""
    rows = step_rows(h, filed)
    assert list(rows) == [s.id for s in h.bot.ctx.policy.checklist]
    assert {step for step, state in rows.items() if state != "open"} == handled
    count = f"{len(handled)}/{len(rows)} 対応済み"
    assert count in checklist_text(h, filed) and count in card_text(h, filed)


async def test_the_principle_is_a_reminder_line_not_a_box(h: Harness) -> None:
    filed = await file_case(h)
    shown = checklist_text(h, filed)
    principle = title(h, "privacy_no_retaliation")
    line = next(x for x in shown.splitlines() if principle in x)
    assert ":pushpin:" in line and "[" not in line  # no button on it
    assert "0/10 対応済み" in shown and "0/10 対応済み" in card_text(h, filed)
    assert_counted(h, filed, set())
    # Conditional steps offer "Not applicable" next to Done; the others only Done.
    assert shown.count("[該当なし]") == 2


async def test_a_step_that_does_not_apply_is_handled_and_the_case_ends_fully_handled(
    h: Harness,
) -> None:
    filed = await file_case(h)
    r1, r2 = h.cast.responder, h.cast.responder2
    # A step every case needs cannot be waved away.
    seen = len(h.sim.ephemerals(r1))
    await press(h, r1, Action.STEP_NOT_APPLICABLE, filed, on_checklist=True, step="safety")
    assert await refusal(h, r1, seen) == t("ja", "checklist.not_conditional")
    # The reason is required.
    view = await press_and_open(h, r1, Action.STEP_NOT_APPLICABLE, filed, step="stop_response")
    reply = await h.slack.submit_view(r1, view, {"reason": text("  ")})
    assert reply.json()["response_action"] == "errors" and "reason" in reply.json()["errors"]
    await not_applicable(h, r1, filed, "stop_response", "Customer apologised <!channel>")
    shown = checklist_text(h, filed)
    # The reason is free text: it stays out of the channel, read in the timeline.
    assert "該当なし（理由は経過記録に残っています）" in shown
    assert "Customer apologised" not in str(filed.checklist.blocks)
    timeline = await press_and_open(h, r1, Action.TIMELINE, filed)
    assert "Customer apologised &lt;!channel&gt;" in str(timeline)  # escaped: no mention
    assert "@Tanaka Ken が判断" in shown
    assert "1/10 対応済み" in card_text(h, filed)
    assert "step_not_applicable" in await events_of(h, filed.id)
    # Undo reopens it, with its "Not applicable" button back; marking it again is fine.
    await h.settle()  # every redraw so far has landed
    before = filed.checklist.update_count
    await press(h, r2, Action.STEP_UNDO, filed, on_checklist=True, step="stop_response")
    await updated(h, filed.checklist, before)
    await h.settle()
    assert checklist_text(h, filed).count("[該当なし]") == 2
    await not_applicable(h, r1, filed, "stop_response", "Customer apologised <!channel>")
    # The timeline names the step and the reason.
    timeline = await press_and_open(h, r2, Action.TIMELINE, filed)
    body = str(timeline["blocks"])
    assert t("en", "event.step_not_applicable") in body and "Customer apologised" in body

    # Everything else done, the police step also not applicable: the close modal says
    # 10/10 handled and does not list the steps that never applied.
    await not_applicable(h, r2, filed, "police_and_lawyer", "No crime, no legal question")
    for step in h.bot.ctx.policy.checklist:
        if step.id not in ("stop_response", "police_and_lawyer", "record_verbatim"):
            await complete_step(h, r1, filed, step.id)
    await record_assessment(h, r1, filed)
    view = await press_and_open(h, r1, Action.CLOSE, filed)
    body = str(view["blocks"])
    assert "9/10 対応済み" in body and title(h, "record_verbatim") in body
    assert title(h, "stop_response") not in body
    note = await press_and_open(h, r1, Action.STEP_DONE, filed, step="record_verbatim")
    before = filed.checklist.update_count
    await h.slack.submit_view(r1, note, {"note": text("//share/cases/0001")})
    await updated(h, filed.checklist, before)
    view = await press_and_open(h, r1, Action.CLOSE, filed)
    assert t("ja", "checklist.close_all", handled=10, total=10) in str(view["blocks"])
    before = filed.card.update_count
    reply = await h.slack.submit_view(r1, view, {"summary": text("Handled")})
    assert not reply.body, reply
    await updated(h, filed.card, before)
    assert "10/10 対応済み" in card_text(h, filed)
    assert "10/10 対応済み" in checklist_text(h, filed)
    assert "[該当なし]" not in checklist_text(h, filed)  # closed: no buttons


async def test_confirmed_measures_complete_their_steps(h: Harness) -> None:
    filed = await file_case(h)
    r1, r2 = h.cast.responder, h.cast.responder2
    await record_measure(h, r1, filed, "stopped_service")
    assert "0/10 対応済み" in card_text(h, filed)  # not yet: it awaits a second person
    [measure] = await measure_ids(h)
    measure_name = t("ja", "act.measure.stopped_service")
    await press(h, r2, Action.CONFIRM_MEASURE, filed, measure=measure)
    # The checklist is redrawn after the ack (and after the measure's own redraw, which
    # may still be on its way): wait for what the confirmation shows, not for a count.
    await h.sim.wait_for(lambda _: f"措置「{measure_name}」" in checklist_text(h, filed))
    stop = title(h, "stop_response")
    line = checklist_text(h, filed).split(stop, 1)[1].split("\n")[1]
    assert f"措置「{measure_name}」により完了（@Lee Mei）" in line
    assert "1/10 対応済み" in card_text(h, filed)
    assert_counted(h, filed, {"stop_response"})
    # One transaction: the confirmation and the step it completes, both in the timeline.
    events = await events_of(h, filed.id)
    assert events[-2:] == ["measure_confirmed", "step_done"]
    # A lawyer consulted counts at once and completes the police-and-lawyer step, even
    # one marked not applicable before: the measure shows that it applied.
    await not_applicable(h, r1, filed, "police_and_lawyer", "No crime")
    await record_measure(h, r1, filed, "lawyer")
    await h.sim.wait_for(lambda _: "弁護士に相談した」により完了" in checklist_text(h, filed))
    police = checklist_text(h, filed).split(title(h, "police_and_lawyer"), 1)[1]
    assert police.split("\n")[1].startswith("措置「弁護士に相談した」により完了（@Tanaka Ken）")
    assert "2/10 対応済み" in card_text(h, filed)
    # A warning completes nothing.
    await record_measure(h, r1, filed, "warned")
    assert_counted(h, filed, {"stop_response", "police_and_lawyer"})


async def test_ceased_negotiations_and_a_police_report_complete_their_steps(h: Harness) -> None:
    filed = await file_case(h)
    r1, r2 = h.cast.responder, h.cast.responder2
    await not_applicable(h, r2, filed, "stop_response", "Seemed unnecessary")
    await record_measure(h, r1, filed, "ceased_negotiations")
    await record_measure(h, r1, filed, "police_report", police_no="2026-0142")
    assert_counted(h, filed, {"stop_response"})  # both wait for a second responder
    ceased, police = await measure_ids(h)
    for measure, kind in ((ceased, "ceased_negotiations"), (police, "police_report")):
        name = t("ja", f"act.measure.{kind}")
        await press(h, r2, Action.CONFIRM_MEASURE, filed, measure=measure)
        await h.sim.wait_for(lambda _, n=name: f"措置「{n}」" in checklist_text(h, filed))
    shown = checklist_text(h, filed)
    stop = shown.split(title(h, "stop_response"), 1)[1].split("\n")[1]
    ceased_ja = t("ja", "act.measure.ceased_negotiations")
    # Not applicable before, done by the measure now: it applied after all.
    assert stop.startswith(f"措置「{ceased_ja}」により完了（@Lee Mei）")
    police_line = shown.split(title(h, "police_and_lawyer"), 1)[1].split("\n")[1]
    police_ja = t("ja", "act.measure.police_report")
    assert police_line.startswith(f"措置「{police_ja}」により完了（@Lee Mei）")
    assert_counted(h, filed, {"stop_response", "police_and_lawyer"})
    events = await events_of(h, filed.id)
    assert events.count("measure_confirmed") == 2 and events.count("step_done") == 2


async def test_step_reminders_go_to_whoever_the_step_belongs_to(
    h: Harness, clock: FixedClock
) -> None:
    filed = await file_case(h)
    lead = h.cast.responder2
    before = filed.card.update_count
    await press(h, lead, Action.TAKE_LEAD, filed)
    await updated(h, filed.card, before)  # the flow runs after the ack: the lead is set
    rotations = h.bot.ctx.config.rotations
    await tick(h, clock, T0 + timedelta(hours=1))
    [first] = step_reminders(h, filed.card)
    legal_now = rotations["legal"].on_duty(T0 + timedelta(hours=1))
    counseling_now = rotations["counseling"].on_duty(T0 + timedelta(hours=1))
    # The lead's own steps: only the lead, not the on-duty legal and counseling people.
    assert f"<@{lead}>" in (first.text or "")
    assert f"<@{legal_now}>" not in str(first.blocks)
    assert f"<@{counseling_now}>" not in str(first.blocks)

    at = T0 + timedelta(days=1)
    await tick(h, clock, at)
    second = step_reminders(h, filed.card)[-1]
    body = str(second.blocks)
    legal_then = rotations["legal"].on_duty(at)
    # The police-and-lawyer step is legal's, on its own line; the assessment the lead's.
    assert f"{title(h, 'police_and_lawyer')}（<@{legal_then}>）" in body
    assert f"{title(h, 'assess')}（<@{lead}>）" in body
    assert title(h, "privacy_no_retaliation") not in body  # a principle is never reminded
    assert f"<@{rotations['counseling'].on_duty(at)}>" not in body

    # Care is counseling's; a step marked not applicable is not reminded again.
    await not_applicable(h, lead, filed, "stop_response", "Not needed")
    at = T0 + timedelta(days=2)
    await tick(h, clock, at)
    third = step_reminders(h, filed.card)[-1]
    body = str(third.blocks)
    assert f"{title(h, 'care')}（<@{rotations['counseling'].on_duty(at)}>）" in body
    assert title(h, "stop_response") not in body


async def test_a_done_button_left_on_a_principle_changes_nothing(h: Harness) -> None:
    """Checklists posted under the old policy had a Done button on the principle."""
    filed = await file_case(h)
    r = h.cast.responder
    seen = len(h.sim.ephemerals(r))
    await press(h, r, Action.STEP_DONE, filed, on_checklist=True, step="privacy_no_retaliation")
    assert await refusal(h, r, seen) == t("ja", "checklist.principle")
    assert "step_done" not in await events_of(h, filed.id)
