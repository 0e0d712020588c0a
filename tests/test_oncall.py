"""`/ch-oncall`: who is on duty, who may ask, and HR's overrides beating the schedule."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import FixedClock
from bot.demo.harness import RESPONDERS, Harness
from bot.flows.oncall import parse_override
from bot.i18n import t
from bot.slack.privately import Refused
from slacksim import Ephemeral
from tests.conftest import T0
from tests.test_reminders import bot_replies, case_and_card, escalations, tick

TOKYO = ZoneInfo("Asia/Tokyo")
ROTATIONS: dict[str, object] = {"legal": object(), "counseling": object()}


async def oncall(h: Harness, user_id: str, text: str = "") -> Ephemeral:
    """Type the command; returns the private answer (sent through the response_url)."""
    before = len(h.sim.ephemerals(user_id))
    reply = await h.slash("/ch-oncall", user_id, text)
    assert reply.status == 200
    await h.sim.wait_for(lambda s: len(s.ephemerals(user_id)) > before)
    answer: Ephemeral = h.sim.ephemerals(user_id)[before]
    return answer


async def test_responders_see_who_is_on_duty_now_and_next(h: Harness) -> None:
    legal = h.bot.ctx.config.rotations["legal"]
    counseling = h.bot.ctx.config.rotations["counseling"]
    answer = await oncall(h, h.cast.responder)
    text = answer.text or ""
    assert f"<@{legal.on_duty(T0)}>" in text and f"<@{legal.next_shift(T0).member}>" in text
    assert f"<@{counseling.on_duty(T0)}>" in text
    assert f"<@{counseling.next_shift(T0).member}>" in text
    hr_answer = await oncall(h, h.cast.hr_group_member)  # HR through the user group
    assert f"<@{legal.on_duty(T0)}>" in (hr_answer.text or "")


async def test_others_get_a_polite_refusal(h: Harness) -> None:
    answer = await oncall(h, h.cast.outsider)
    assert answer.text == t("en", "oncall.refused")
    assert "U0LEGAL" not in str(answer.blocks) + (answer.text or "")


async def test_only_hr_may_override(h: Harness) -> None:
    text = f"override legal <@{h.cast.legal[2]}|legal.mori> until 12h"
    refused = await oncall(h, h.cast.responder, text)
    assert refused.text == t("ja", "oncall.hr_only")
    refused = await oncall(h, h.cast.outsider, text)
    assert refused.text == t("en", "oncall.refused")
    answer = await oncall(h, h.cast.responder)
    scheduled = h.bot.ctx.config.rotations["legal"].on_duty(T0)
    assert f"<@{scheduled}>" in (answer.text or "") and "臨時変更" not in (answer.text or "")


async def test_an_override_beats_the_schedule_everywhere(h: Harness, clock: FixedClock) -> None:
    mori = h.cast.legal[2]
    assert h.bot.ctx.config.rotations["legal"].on_duty(T0) != mori
    _, waiting = await case_and_card(h)  # filed before the override: still unacknowledged
    await tick(h, clock, T0)

    answer = await oncall(h, h.cast.hr, f"override legal <@{mori}|legal.mori> until 12h")
    assert f"<@{mori}>" in (answer.text or "") and "22:00" in (answer.text or "")
    notice = h.sim.messages(RESPONDERS)[-1]
    assert f"<@{mori}>" in (notice.text or "") and f"<@{h.cast.hr}>" in (notice.text or "")

    shown = await oncall(h, h.cast.responder)
    assert f"<@{mori}>" in (shown.text or "") and "臨時変更" in (shown.text or "")

    # The waiting case's thread hears about the new person at the next tick.
    await tick(h, clock, T0 + timedelta(minutes=1))
    pings = [m for m in bot_replies(h, waiting) if "当番交代" in (m.text or "")]
    assert len(pings) == 1 and f"<@{mori}>" in (pings[0].text or "")

    # A new case pings the override, and so does its escalation.
    _, card = await case_and_card(h, danger="ongoing")
    checklist = h.sim.replies(RESPONDERS, card.ts)[0]
    assert f"<@{mori}>" in (checklist.text or "")
    await tick(h, clock, T0 + timedelta(minutes=11))
    [escalation] = escalations(h, card)
    assert f"<@{mori}>" in (escalation.text or "")

    # When the override ends, the schedule is back.
    later = T0 + timedelta(hours=13)
    clock.set(later)
    shown = await oncall(h, h.cast.responder)
    assert f"<@{h.bot.ctx.config.rotations['legal'].on_duty(later)}>" in (shown.text or "")
    assert "臨時変更" not in (shown.text or "")


NOW = datetime(2026, 11, 27, 1, 0, tzinfo=ZoneInfo("UTC"))


@pytest.mark.parametrize(
    ("text", "member", "until"),
    [
        ("override legal <@U0LEGAL003> until 12h", "U0LEGAL003", NOW + timedelta(hours=12)),
        ("override legal <@U0LEGAL003|mori> until 2d", "U0LEGAL003", NOW + timedelta(days=2)),
        (
            "override counseling <@U0COUNS002|ono> until 2026-11-28 09:00",
            "U0COUNS002",
            datetime(2026, 11, 28, 9, 0, tzinfo=TOKYO),
        ),
        (
            "Override Legal <@U0LEGAL003> until 2026-11-28T09:00:00+00:00",
            "U0LEGAL003",
            datetime(2026, 11, 28, 9, 0, tzinfo=ZoneInfo("UTC")),
        ),
    ],
)
def test_override_forms_slack_may_send(text: str, member: str, until: datetime) -> None:
    req = parse_override(text, NOW, TOKYO, ROTATIONS)
    assert (req.member, req.until) == (member, until)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("override legal @mori until 12h", "oncall.usage"),  # not turned into a mention
        ("override payroll <@U0LEGAL003> until 12h", "oncall.unknown_rotation"),
        ("override legal <@U0LEGAL003> until next tuesday", "oncall.bad_time"),
        ("override legal <@U0LEGAL003> until 2026-11-27 09:00", "oncall.past"),
        ("override legal <@U0LEGAL003> until 120d", "oncall.too_far"),
    ],
)
def test_override_mistakes_are_named(text: str, key: str) -> None:
    with pytest.raises(Refused) as refused:
        parse_override(text, NOW, TOKYO, ROTATIONS)
    assert refused.value.key == key


async def test_hr_lists_and_cancels_overrides(h: Harness, clock: FixedClock) -> None:
    """Issue 12: overrides can be listed and cancelled, by HR only, and a cancelled one
    no longer decides who is on duty."""
    mori, ono = h.cast.legal[2], h.cast.counseling[1]
    legal = h.bot.ctx.config.rotations["legal"]
    empty = await oncall(h, h.cast.hr, "overrides")
    assert empty.text == t("en", "oncall_manage.none")
    await oncall(h, h.cast.hr, f"override legal <@{mori}|legal.mori> until 12h")
    await oncall(h, h.cast.hr, f"override counseling <@{ono}|ono> until 1d")
    listed = await oncall(h, h.cast.hr, "overrides")
    ids = await h.bot.ctx.store.run(
        lambda db: [r[0] for r in db.execute("SELECT id FROM overrides ORDER BY id")]
    )
    assert f"#{ids[0]}" in (listed.text or "") and f"<@{mori}>" in (listed.text or "")
    assert f"#{ids[1]}" in (listed.text or "") and f"<@{ono}>" in (listed.text or "")
    # Responders may see who is on duty but not manage overrides; others get nothing.
    refused = await oncall(h, h.cast.responder, "overrides")
    assert refused.text == t("ja", "oncall.hr_only")
    refused = await oncall(h, h.cast.responder, f"cancel {ids[0]}")
    assert refused.text == t("ja", "oncall.hr_only")
    refused = await oncall(h, h.cast.outsider, "cancel legal")
    assert refused.text == t("en", "oncall.refused")

    # Cancel by number: the schedule is back, the team is told.
    answer = await oncall(h, h.cast.hr, f"cancel {ids[0]}")
    assert f"<@{mori}>" in (answer.text or "") and f"#{ids[0]}" in (answer.text or "")
    notice = h.sim.messages(RESPONDERS)[-1]
    assert f"<@{h.cast.hr}>" in (notice.text or "") and f"<@{mori}>" in (notice.text or "")
    shown = await oncall(h, h.cast.responder)
    legal_line = next(x for x in (shown.text or "").splitlines() if "法務" in x)
    assert legal_line.startswith(f"*法務*: <@{legal.on_duty(T0)}>（")
    assert "臨時変更" not in legal_line
    again = await oncall(h, h.cast.hr, f"cancel {ids[0]}")
    assert again.text == t("en", "oncall_manage.cancel_none")
    # Cancel by rotation.
    await oncall(h, h.cast.hr, "cancel counseling")
    assert (await oncall(h, h.cast.hr, "overrides")).text == t("en", "oncall_manage.none")
    # The rows stay as the record of who changed the rotation.
    rows = await h.bot.ctx.store.run(
        lambda db: db.execute("SELECT cancelled_by FROM overrides ORDER BY id").fetchall()
    )
    assert [r[0] for r in rows] == [h.cast.hr, h.cast.hr]
    bad = await oncall(h, h.cast.hr, "cancel payroll")
    assert bad.text == t("en", "oncall.unknown_rotation", names="legal, counseling")


async def test_an_override_naming_someone_outside_the_responders_channel_is_refused(
    h: Harness,
) -> None:
    outsider = h.cast.outsider
    answer = await oncall(h, h.cast.hr, f"override legal <@{outsider}|someone> until 12h")
    assert answer.text == t("en", "oncall_manage.not_responder", member=f"<@{outsider}>")
    rows = await h.bot.ctx.store.run(
        lambda db: db.execute("SELECT COUNT(*) FROM overrides").fetchone()[0]
    )
    assert rows == 0
    shown = await oncall(h, h.cast.responder)
    assert f"<@{outsider}>" not in (shown.text or "")
