"""A responder may choose to be named when the employee hears back (issue 11):
`/ch-oncall sign on|off`. By default nobody is named."""

from __future__ import annotations

import pytest

from bot.demo.harness import Harness
from bot.i18n import t
from bot.views.ids import Action
from slacksim.render import render_message
from tests.case_kit import file_case, press, updated
from tests.test_oncall import oncall


def told_since(h: Harness, user: str, since: int) -> list[str]:
    return [render_message(m, h.cast.names()) for m in h.sim.dms(user)[since:]]


@pytest.mark.parametrize("lang", ["ja", "en"])
async def test_a_responder_who_signs_is_named_to_the_employee(h: Harness, lang: str) -> None:
    user = h.cast.employee if lang == "ja" else h.cast.employee_en
    answer = await oncall(h, h.cast.responder, "sign on")
    assert answer.text == t("ja", "signing.set_on")  # Tanaka reads Japanese
    assert (await oncall(h, h.cast.responder, "sign")).text == t("ja", "signing.now_on")
    filed = await file_case(h, user)
    since = len(h.sim.dms(user))
    before = filed.card.update_count
    await press(h, h.cast.responder, Action.ACK, filed)
    await updated(h, filed.card, before)
    await h.sim.wait_for(lambda s: len(s.dms(user)) > since)
    told = told_since(h, user, since)
    assert len(told) == 1
    name = h.cast.names()[h.cast.responder]
    assert name in told[0]
    expected = t(lang, "signing.ack_notice", case_no=filed.case_no, user=f"@{name}")
    assert expected.replace("*", "") in told[0].replace("*", "")


async def test_signing_off_again_and_others_stay_unnamed(h: Harness) -> None:
    await oncall(h, h.cast.responder, "sign on")
    answer = await oncall(h, h.cast.responder, "sign off")
    assert answer.text == t("ja", "signing.set_off")
    filed = await file_case(h, h.cast.employee_en)
    since = len(h.sim.dms(h.cast.employee_en))
    before = filed.card.update_count
    await press(h, h.cast.responder, Action.ACK, filed)
    await updated(h, filed.card, before)
    await h.sim.wait_for(lambda s: len(s.dms(h.cast.employee_en)) > since)
    told = told_since(h, h.cast.employee_en, since)
    assert told and h.cast.names()[h.cast.responder] not in told[0]
    assert t("en", "urgent.heard.ack_notice", case_no=filed.case_no).replace("*", "") \
        in told[0].replace("*", "")  # fmt: skip


async def test_only_responders_may_sign_and_nonsense_gets_the_usage(h: Harness) -> None:
    assert (await oncall(h, h.cast.outsider, "sign on")).text == t(
        "en", "signing.responders_only"
    )
    assert (await oncall(h, h.cast.responder, "sign maybe")).text == t("ja", "signing.usage")
    assert (await oncall(h, h.cast.responder, "sign")).text == t("ja", "signing.now_off")


async def test_the_lead_who_signs_is_named_in_the_lead_notice(h: Harness) -> None:
    await oncall(h, h.cast.responder2, "sign on")
    filed = await file_case(h, h.cast.employee_en)
    since = len(h.sim.dms(h.cast.employee_en))
    before = filed.card.update_count
    await press(h, h.cast.responder2, Action.TAKE_LEAD, filed)
    await updated(h, filed.card, before)
    await h.sim.wait_for(lambda s: len(s.dms(h.cast.employee_en)) > since)
    told = told_since(h, h.cast.employee_en, since)
    name = h.cast.names()[h.cast.responder2]
    expected = t("en", "signing.lead_notice", case_no=filed.case_no, user=f"@{name}")
    assert [m for m in told if expected.replace("*", "") in m.replace("*", "")]
