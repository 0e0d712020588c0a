"""Measures and the two-person rule (issue 12, part 3), through the real endpoint: a
pending severe measure withdrawn by its recorder or rejected by a second responder,
with a reason, in the timeline; no close while one waits; no Confirm on a closed card."""

from __future__ import annotations

from bot.demo.harness import Harness
from bot.i18n import t
from bot.views.ids import Action
from tests.case_kit import (
    Filed,
    card_text,
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
from tests.test_checklist_fit import measure_ids, record_measure

KIND_JA = "サービスの提供を停止した（アカウント停止・受注拒否）"


async def end(h: Harness, user: str, action: Action, filed: Filed, measure: int, why: str) -> None:
    view = await press_and_open(h, user, action, filed, measure=measure)
    reply = await h.slack.submit_view(user, view, {"reason": text("")})
    assert reply.json()["response_action"] == "errors", reply  # a reason is required
    before = filed.card.update_count
    reply = await h.slack.submit_view(user, view, {"reason": text(why)})
    assert reply.status == 200 and not reply.body, reply
    await updated(h, filed.card, before)


async def test_only_the_recorder_withdraws_and_only_someone_else_rejects(h: Harness) -> None:
    filed = await file_case(h)
    r1, r2 = h.cast.responder, h.cast.responder2
    await record_measure(h, r1, filed, "stopped_service")
    await record_measure(h, r1, filed, "ceased_negotiations")
    first, second = await measure_ids(h)
    assert card_text(h, filed).count("[取り下げ]") == 2

    seen = len(h.sim.ephemerals(r2))
    await press(h, r2, Action.WITHDRAW_MEASURE, filed, measure=first)
    assert await refusal(h, r2, seen) == t("en", "measure_end.not_recorder", user=f"<@{r1}>")
    seen = len(h.sim.ephemerals(r1))
    await press(h, r1, Action.REJECT_MEASURE, filed, measure=first)
    assert await refusal(h, r1, seen) == t("ja", "measure_end.own_measure")

    await end(h, r1, Action.WITHDRAW_MEASURE, filed, first, "Wrong case, sorry")
    await end(h, r2, Action.REJECT_MEASURE, filed, second, "Not agreed with the supervisor")
    card = card_text(h, filed)
    assert "確認待ち" not in card and "[確認する]" not in card
    assert "実施した措置" not in card  # neither counts
    assert "0/10 対応済み" in card  # and neither completed the stop-the-response step
    events = await events_of(h, filed.id)
    assert events.count("measure_withdrawn") == 1 and events.count("measure_rejected") == 1
    timeline = await press_and_open(h, r2, Action.TIMELINE, filed)
    body = str(timeline["blocks"])
    assert t("en", "event.measure_withdrawn") in body and "Wrong case, sorry" in body
    assert t("en", "event.measure_rejected") in body and "Not agreed" in body
    stored = await h.bot.ctx.store.run(
        lambda db: db.execute("SELECT ended_reason FROM measures ORDER BY id").fetchall()
    )
    assert all("Wrong" not in r[0] and "Not agreed" not in r[0] for r in stored)  # sealed

    # Neither can be confirmed now, and an old button says why (and who), never that
    # it is already confirmed.
    seen = len(h.sim.ephemerals(r2))
    await press(h, r2, Action.CONFIRM_MEASURE, filed, measure=first)
    said = await refusal(h, r2, seen)
    assert said == t("en", "measure_confirm.withdrawn", user=f"<@{r1}>")
    assert "withdrew" in said and "confirmed." not in said
    seen = len(h.sim.ephemerals(r1))
    await press(h, r1, Action.CONFIRM_MEASURE, filed, measure=second)
    assert await refusal(h, r1, seen) == t("ja", "measure_confirm.rejected", user=f"<@{r2}>")
    seen = len(h.sim.ephemerals(r2))
    await press(h, r2, Action.REJECT_MEASURE, filed, measure=first)
    assert await refusal(h, r2, seen) == t("en", "measure_end.not_pending")
    assert (await events_of(h, filed.id)).count("measure_confirmed") == 0


async def test_a_case_cannot_close_while_a_severe_measure_awaits_confirmation(
    h: Harness,
) -> None:
    filed = await file_case(h)
    r1, r2 = h.cast.responder, h.cast.responder2
    await complete_step(h, r1, filed, "care")
    await record_assessment(h, r1, filed)
    # The close modal is open when the measure is recorded: its submission is refused.
    view = await press_and_open(h, r1, Action.CLOSE, filed)
    await record_measure(h, r1, filed, "stopped_service")
    reply = await h.slack.submit_view(r1, view, {"summary": text("Done")})
    error = reply.json()["errors"]["summary"]
    assert KIND_JA in error and "<@U0RESPOND1>" in error
    # Pressing Close again says which measure waits.
    seen = len(h.sim.ephemerals(r2))
    await press(h, r2, Action.CLOSE, filed)
    said = await refusal(h, r2, seen)
    assert t("en", "act.measure.stopped_service") in said and "recorded by" in said
    assert "closed" not in await events_of(h, filed.id)

    [measure] = await measure_ids(h)
    await end(h, r2, Action.REJECT_MEASURE, filed, measure, "Too early")
    view = await press_and_open(h, r1, Action.CLOSE, filed)
    before = filed.card.update_count
    reply = await h.slack.submit_view(r1, view, {"summary": text("Done")})
    assert not reply.body, reply
    await updated(h, filed.card, before)
    assert "closed" in await events_of(h, filed.id)


async def test_a_closed_card_shows_no_live_confirm_button(h: Harness) -> None:
    """A case closed with a measure still pending (closed before this rule existed):
    its card keeps the line but offers no button, and an old button changes nothing."""
    filed = await file_case(h)
    r1, r2 = h.cast.responder, h.cast.responder2
    await record_measure(h, r1, filed, "police_report", police_no="R-1")
    [measure] = await measure_ids(h)
    await h.bot.ctx.store.run(
        lambda db: db.execute("UPDATE cases SET status = 'closed' WHERE id = ?", [filed.id])
    )
    seen = len(h.sim.ephemerals(r2))
    before = filed.card.update_count
    await press(h, r2, Action.CONFIRM_MEASURE, filed, measure=measure)
    assert await refusal(h, r2, seen) == t("en", "act.refuse.closed", case_no=filed.case_no)
    await updated(h, filed.card, before)
    card = card_text(h, filed)
    assert "[確認する]" not in card and "[却下]" not in card and "[取り下げ]" not in card
    assert t("ja", "measure_end.closed_unconfirmed") in card
    assert (await events_of(h, filed.id)).count("measure_confirmed") == 0


async def test_confirming_a_measure_that_is_not_the_cases_is_refused_as_unknown(
    h: Harness,
) -> None:
    filed = await file_case(h)
    other = await file_case(h)
    r1, r2 = h.cast.responder, h.cast.responder2
    await record_measure(h, r1, other, "stopped_service")
    [foreign] = await measure_ids(h)
    # Another case's pending measure, and an id nobody recorded, pressed on this card.
    for forged in (foreign, foreign + 100):
        seen = len(h.sim.ephemerals(r2))
        await press(h, r2, Action.CONFIRM_MEASURE, filed, measure=forged)
        assert await refusal(h, r2, seen) == t("en", "act.refuse.unknown_measure")
    assert "measure_confirmed" not in await events_of(h, other.id)
    # A measure that needs no second person says so.
    await record_measure(h, r1, filed, "warned")
    warned = (await measure_ids(h))[-1]
    seen = len(h.sim.ephemerals(r2))
    await press(h, r2, Action.CONFIRM_MEASURE, filed, measure=warned)
    assert await refusal(h, r2, seen) == t("en", "measure_confirm.not_needed")
