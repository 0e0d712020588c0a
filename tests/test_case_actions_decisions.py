"""Assessment versions, measures with the two-person rule, close and reopen, timeline."""

from __future__ import annotations

from bot.demo.harness import Harness
from bot.i18n import t
from bot.views.ids import Action
from slacksim.render import render_message
from tests.case_kit import (
    assessment_values,
    card_text,
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


async def test_assessment_versions_are_kept_and_the_card_shows_the_latest(h: Harness) -> None:
    filed = await file_case(h)
    r = h.cast.responder
    await record_assessment(h, r, filed, conclusion="gray", reason="Unclear <@U0OUTSID01>")
    gray = t("ja", "act.card.assessment", conclusion="グレー（判断が分かれる）", version=1)
    assert render_message(filed.card, {}).count("グレー") == 1 and "第1版" in card_text(h, filed)
    assert gray.replace(":scales: ", "").replace("*", "") in card_text(h, filed).replace("*", "")
    # The modal opens pre-filled with the current version; a change is a new version.
    view = await press_and_open(h, h.cast.responder2, Action.ASSESSMENT, filed)
    reason = next(b for b in view["blocks"] if b.get("block_id") == "reason")
    assert reason["element"]["initial_value"] == "Unclear <@U0OUTSID01>"
    before = filed.card.update_count
    values = assessment_values(conclusion="harassment", reason="Threatened twice")
    assert not (await h.slack.submit_view(h.cast.responder2, view, values)).body
    await updated(h, filed.card, before)
    assert "第2版" in card_text(h, filed) and "カスタマーハラスメントに該当する" in card_text(
        h, filed
    )
    # Submitting the same modal again (a retry) is not a third version.
    await h.slack.submit_view(h.cast.responder2, view, values)
    rows = await h.bot.ctx.store.run(
        lambda db: db.execute(
            "SELECT version, conclusion, by, reason FROM assessments ORDER BY version"
        ).fetchall()
    )
    assert [(v, c, b) for v, c, b, _ in rows] == [
        (1, "gray", r),
        (2, "harassment", h.cast.responder2),
    ]
    assert all("Threatened" not in reason and "Unclear" not in reason for *_, reason in rows)
    assert (await events_of(h, filed.id)).count("assessment_recorded") == 2


async def test_assessment_rejects_choices_not_in_the_policy(h: Harness) -> None:
    filed = await file_case(h)
    view = await press_and_open(h, h.cast.responder, Action.ASSESSMENT, filed)
    values = {**assessment_values(), "conclusion": choice("guilty"), "reason": text("")}
    reply = await h.slack.submit_view(h.cast.responder, view, values)
    assert reply.json()["response_action"] == "errors"
    assert set(reply.json()["errors"]) == {"conclusion", "reason"}
    assert "assessment_recorded" not in await events_of(h, filed.id)


async def test_police_report_counts_only_after_a_second_responder_confirms(h: Harness) -> None:
    filed = await file_case(h)
    r1, r2 = h.cast.responder, h.cast.responder2
    view = await press_and_open(h, r1, Action.MEASURE, filed)
    reply = await h.slack.submit_view(r1, view, {"kind": choice("police_report")})
    assert reply.json()["errors"] == {"police_no": t("ja", "act.measure.police_no_required")}
    before = filed.card.update_count
    reply = await h.slack.submit_view(
        r1, view, {"kind": choice("police_report"), "police_no": text("R-2026-1187")}
    )
    assert reply.status == 200 and not reply.body
    await updated(h, filed.card, before)
    card = card_text(h, filed)
    assert "確認待ち" in card and "[確認する]" in card  # awaiting confirmation, with a button
    assert "実施した措置" not in card  # it does not count yet
    measure_id = await h.bot.ctx.store.run(
        lambda db: db.execute("SELECT id FROM measures").fetchone()[0]
    )
    # The person who recorded it cannot be the second person.
    seen = len(h.sim.ephemerals(r1))
    await press(h, r1, Action.CONFIRM_MEASURE, filed, measure=measure_id)
    assert await refusal(h, r1, seen) == t("ja", "act.measure.same_person")
    before = filed.card.update_count
    await press(h, r2, Action.CONFIRM_MEASURE, filed, measure=measure_id)
    await updated(h, filed.card, before)
    card = card_text(h, filed)
    assert "実施した措置" in card and "警察に届け出た" in card and "確認待ち" not in card
    seen = len(h.sim.ephemerals(r2))
    await press(h, r2, Action.CONFIRM_MEASURE, filed, measure=measure_id)
    assert await refusal(h, r2, seen) == t("en", "act.measure.already_confirmed")
    timeline = await events_of(h, filed.id)
    assert timeline.count("measure_recorded") == 1 and timeline.count("measure_confirmed") == 1
    stored = await h.bot.ctx.store.run(
        lambda db: db.execute("SELECT detail FROM measures").fetchone()[0]
    )
    assert "R-2026" not in stored


async def test_a_warning_counts_at_once_and_a_lawyer_needs_its_kind(h: Harness) -> None:
    filed = await file_case(h)
    r = h.cast.responder
    view = await press_and_open(h, r, Action.MEASURE, filed)
    reply = await h.slack.submit_view(r, view, {"kind": choice("lawyer")})
    assert set(reply.json()["errors"]) == {"lawyer"}
    before = filed.card.update_count
    reply = await h.slack.submit_view(r, view, {"kind": choice("warned")})
    assert not reply.body
    await updated(h, filed.card, before)
    assert "顧客に警告した" in card_text(h, filed) and "確認待ち" not in card_text(h, filed)


async def test_close_needs_assessment_and_care_then_tells_the_employee(h: Harness) -> None:
    filed = await file_case(h)
    r = h.cast.responder
    seen = len(h.sim.ephemerals(r))
    await press(h, r, Action.CLOSE, filed)
    told = await refusal(h, r, seen)
    assert t("ja", "act.close.missing_assessment") in told
    assert t("ja", "act.close.missing_care") in told
    await record_assessment(h, r, filed)
    await complete_step(h, r, filed, "care")
    view = await press_and_open(h, r, Action.CLOSE, filed)
    reply = await h.slack.submit_view(r, view, {"summary": text("")})
    assert reply.json()["response_action"] == "errors"
    await h.settle()  # earlier notices (issue 11) are out first
    dms_before = len(h.sim.dms(h.cast.employee))
    before = filed.card.update_count
    reply = await h.slack.submit_view(r, view, {"summary": text("Warned; counseling offered")})
    assert not reply.body
    await updated(h, filed.card, before)
    await h.settle()
    card = card_text(h, filed)
    assert t("ja", "status.closed") in card
    assert "[再開]" in card and "[判断を記録]" not in card
    dms = h.sim.dms(h.cast.employee)[dms_before:]
    assert len(dms) == 1
    notice = render_message(dms[0], h.cast.names())
    assert filed.case_no in notice and "再開" in notice and "Warned" not in notice
    # A second submission of the same modal does nothing more.
    await h.slack.submit_view(r, view, {"summary": text("Warned; counseling offered")})
    await h.settle()
    assert len(h.sim.dms(h.cast.employee)) == dms_before + 1
    assert (await events_of(h, filed.id)).count("closed") == 1


async def test_actions_on_a_closed_case_change_nothing_until_it_is_reopened(h: Harness) -> None:
    filed = await file_case(h)
    r = h.cast.responder
    await record_assessment(h, r, filed)
    await complete_step(h, r, filed, "care")
    stale = await press_and_open(h, h.cast.responder2, Action.MEASURE, filed)
    view = await press_and_open(h, r, Action.CLOSE, filed)
    before = filed.card.update_count
    await h.slack.submit_view(r, view, {"summary": text("done")})
    await updated(h, filed.card, before)
    events = await events_of(h, filed.id)
    closed_text = t("ja", "act.refuse.closed", case_no=filed.case_no)
    for action, extra in [
        (Action.ACK, {}),
        (Action.TAKE_LEAD, {}),
        (Action.HAND_LEAD, {}),
        (Action.STEP_DONE, {"step": "safety"}),
        (Action.STEP_UNDO, {"step": "care"}),
        (Action.ASSESSMENT, {}),
        (Action.MEASURE, {}),
        (Action.MESSAGE_EMPLOYEE, {}),
        (Action.CLOSE, {}),
    ]:
        seen = len(h.sim.ephemerals(r))
        await press(h, r, action, filed, **extra)
        assert await refusal(h, r, seen) == closed_text, action
    assert await events_of(h, filed.id) == events
    # A modal opened before the close and submitted after it changes nothing either.
    reply = await h.slack.submit_view(h.cast.responder2, stale, {"kind": choice("warned")})
    assert reply.json()["errors"] == {"kind": t("en", "act.refuse.closed", case_no=filed.case_no)}
    assert await events_of(h, filed.id) == events
    before = filed.card.update_count
    await press(h, h.cast.responder2, Action.REOPEN, filed)
    await updated(h, filed.card, before)
    assert t("ja", "status.in_progress") in card_text(h, filed)
    assert (await events_of(h, filed.id))[-1] == "reopened"


async def test_the_timeline_shows_who_did_what_to_responders(h: Harness) -> None:
    filed = await file_case(h)
    await press(h, h.cast.responder, Action.ACK, filed)
    await record_assessment(h, h.cast.responder2, filed, reason="Said <!channel> & shouted")
    view = await press_and_open(h, h.cast.responder, Action.TIMELINE, filed)
    shown = "\n".join(b["text"]["text"] for b in view["blocks"] if b["type"] == "section")
    assert "<@U0RESPOND1> *受付確認*" in shown
    assert "<@U0RESPOND2> *判断を記録*" in shown
    assert "&lt;!channel&gt; &amp; shouted" in shown  # user text escaped, never a ping
    assert "<!channel>" not in shown
    assert (await events_of(h, filed.id))[-1] == "timeline_viewed"
