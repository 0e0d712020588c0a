"""A responder (or HR) who files a report is not a responder for it: they cannot open
its details, so the others never see them as its first viewer, nor HR's view of it."""

from __future__ import annotations

from bot.demo.harness import Harness
from bot.i18n import t
from bot.views.ids import Action
from tests.case_kit import events_of, file_case, press, refusal
from tests.test_details_access import viewers
from tests.test_hr_cases import _audit


async def test_a_responder_cannot_open_details_of_their_own_confidential_report(
    h: Harness,
) -> None:
    filed = await file_case(h, reporter=h.cast.responder2, narrative="my own words")
    opened = len(h.sim.views_opened)
    await press(h, h.cast.responder2, Action.VIEW_DETAILS, filed)
    assert await refusal(h, h.cast.responder2, 0) == t("en", "act.refuse.own_case")
    assert len(h.sim.views_opened) == opened
    assert await viewers(h) == []
    # Another responder opens it: they, not the reporter, are its first viewer.
    await press(h, h.cast.responder, Action.VIEW_DETAILS, filed)
    await h.sim.wait_for(lambda s: len(s.views_opened) > opened)
    assert await viewers(h) == [h.cast.responder]
    timeline_text = str(await events_of(h, filed.id))
    assert h.cast.responder2 not in timeline_text


async def test_a_responder_who_reported_cannot_be_handed_the_lead(h: Harness) -> None:
    from tests.case_kit import picked_user, press_and_open

    filed = await file_case(h, reporter=h.cast.responder2)
    view = await press_and_open(h, h.cast.responder, Action.HAND_LEAD, filed)
    reply = await h.slack.submit_view(
        h.cast.responder, view, {"lead": picked_user(h.cast.responder2)}
    )
    assert reply.json()["errors"] == {"lead": t("ja", "act.lead.not_responder")}


async def test_hr_cannot_open_hr_case_view_of_their_own_report(h: Harness) -> None:
    await file_case(h, reporter=h.cast.hr, narrative="HR was shouted at")
    before = len(h.sim.views_opened)
    assert (await h.slash("/ch-cases", h.cast.hr, "show ch-2026-0001")).status == 200
    await h.sim.wait_for(lambda s: len(s.views_opened) > before)
    modal = h.sim.views_opened[-1].view
    values = {"purpose": {"value": {"type": "plain_text_input", "value": "Quarterly review"}}}
    answer = (await h.slack.submit_view(h.cast.hr, modal, values)).json()
    assert answer == {"response_action": "errors",
                      "errors": {"purpose": t("en", "act.refuse.own_case")}}
    assert await _audit(h) == []  # nothing was opened, so nothing is in the access log
