"""The employee hears back (issue 11): privately, in her language, when someone has
her case, when a lead is assigned, and (as before, once) when it is closed; never with
a responder's name."""

from __future__ import annotations

import pytest

from bot.demo.harness import Harness
from bot.i18n import t
from bot.views.ids import Action
from slacksim.render import render_message
from tests.case_kit import file_case, picked_user, press, press_and_open, updated


def notices(h: Harness, user: str, since: int) -> list[str]:
    return [render_message(m, h.cast.names()) for m in h.sim.dms(user)[since:]]


@pytest.mark.parametrize("lang", ["ja", "en"])
async def test_acknowledging_tells_her_someone_has_her_case(h: Harness, lang: str) -> None:
    user = h.cast.employee if lang == "ja" else h.cast.employee_en
    filed = await file_case(h, user)
    since = len(h.sim.dms(user))
    before = filed.card.update_count
    await press(h, h.cast.responder, Action.ACK, filed)
    await updated(h, filed.card, before)  # the flow runs after the ack
    await press(h, h.cast.responder2, Action.ACK, filed)  # already acknowledged: nothing more
    await h.sim.wait_for(lambda s: s.ephemerals(h.cast.responder2))
    await h.settle()
    told = notices(h, user, since)
    assert len(told) == 1
    assert t(lang, "urgent.heard.ack_notice", case_no=filed.case_no).replace("*", "") \
        in told[0].replace("*", "")  # fmt: skip
    assert "Tanaka" not in told[0] and "Lee" not in told[0]


@pytest.mark.parametrize("lang", ["ja", "en"])
async def test_a_lead_assigned_is_told_once(h: Harness, lang: str) -> None:
    user = h.cast.employee if lang == "ja" else h.cast.employee_en
    filed = await file_case(h, user)
    before = filed.card.update_count
    await press(h, h.cast.responder, Action.ACK, filed)
    await updated(h, filed.card, before)
    await h.settle()
    since = len(h.sim.dms(user))
    view = await press_and_open(h, h.cast.responder, Action.HAND_LEAD, filed)
    to_lee = {"lead": picked_user(h.cast.responder2)}
    reply = await h.slack.submit_view(h.cast.responder, view, to_lee)
    assert reply.status == 200
    await h.settle()
    view = await press_and_open(h, h.cast.responder, Action.HAND_LEAD, filed)
    await h.slack.submit_view(h.cast.responder, view, {"lead": picked_user(h.cast.responder)})
    await h.settle()  # a handover: she already knows someone is in charge
    told = notices(h, user, since)
    assert len(told) == 1
    assert t(lang, "urgent.heard.lead_notice", case_no=filed.case_no).replace("*", "") \
        in told[0].replace("*", "")  # fmt: skip
    assert "Lee Mei" not in told[0] and "Tanaka" not in told[0]
