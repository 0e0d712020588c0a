"""HR's case record (`/ch-cases show`): a readable account of a handled case, in HR's
language, people by name, a confidential reporter as "the employee"."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from bot.clock import FixedClock
from bot.demo.harness import Harness
from slacksim.render import render_view
from tests.blockkit import check_view
from tests.conftest import T0
from tests.record_kit import LESSONS, NOTE, POLICE_NO, SUMMARY, handled_case, jst

RAW_EVENTS = re.compile(
    r"\b(step_done|assessment_recorded|measure_recorded|measure_confirmed|"
    r"retaliation_reported|welfare_answered|welfare_checkin_sent|lead_taken|police_report|"
    r"record_verbatim|prevent_recurrence|not_harassment|verbal_abuse)\b"
)


async def open_record(h: Harness, case_no: str) -> dict[str, Any]:
    before = len(h.sim.views_opened)
    await h.slash("/ch-cases", h.cast.hr, f"show {case_no}")
    await h.sim.wait_for(lambda s: len(s.views_opened) > before)
    values = {"purpose": {"value": {"type": "plain_text_input", "value": "Labour bureau"}}}
    answer = await h.slack.submit_view(h.cast.hr, h.sim.views_opened[-1].view, values)
    body = answer.json()
    assert body["response_action"] == "update", body
    view: dict[str, Any] = body["view"]
    check_view(view)
    return view


async def test_the_record_shows_every_decision_with_who_and_when(
    h: Harness, clock: FixedClock
) -> None:
    filed = await handled_case(h, clock)
    view = await open_record(h, filed.case_no)
    shown = render_view(view, h.cast.names()).replace("*", "")  # without mrkdwn bold
    # Steps with who and when, and a step's note.
    assert f"Record verbatim · @Tanaka Ken · {jst(T0 + timedelta(hours=1))}" in shown
    assert f"Note: {NOTE}" in shown
    assert f"Care for the employee · @Lee Mei · {jst(T0 + timedelta(days=1))}" in shown
    assert "Limited first response · not done" in shown
    # Every assessment version with its reason; the current one first.
    v2 = shown.index("Version 2 (current) · @Lee Mei")
    v1 = shown.index("Version 1 · @Tanaka Ken")
    assert v2 < v1
    assert "Reason: Threats, repeated after warning" in shown and "Reason: Not sure yet" in shown
    assert "Conclusion: Customer harassment" in shown and "Conclusion: Gray (borderline)" in shown
    assert "MHLW behaviour types: Verbal abuse, Intimidation or threat" in shown
    # Measures with who recorded and who confirmed them.
    three = jst(T0 + timedelta(hours=3))
    assert f"Warned the customer · recorded by @Tanaka Ken, {three}" in shown
    assert (
        f"Reported to the police · recorded by @Tanaka Ken, {three} · "
        f"confirmed by @Lee Mei, {jst(T0 + timedelta(hours=5))}"
    ) in shown
    assert f"Police reference number: {POLICE_NO}" in shown
    # Acknowledgement and close, with how long they took.
    assert f"Acknowledged: {jst(T0 + timedelta(minutes=20))} · @Tanaka Ken (20 min after" in shown
    assert f"Closed: {jst(T0 + timedelta(days=2))} · @Tanaka Ken (2 d after the report)" in shown
    # Care offered and accepted, the welfare check-in and its answer.
    assert "the employee agreed that counseling may contact them" in shown
    assert f"Follow-up check-in: sent {jst(T0 + timedelta(days=16))}" in shown
    assert "asked for counseling" in shown
    # The close: summary and lessons (escaped user text reads as typed).
    assert f"Closing summary:\n{SUMMARY}" in shown
    assert f"Lessons (recurrence prevention):\n{LESSONS}" in shown
    # The timeline in words: the bot by name, a confidential reporter as the employee.
    assert "ch-responder (automatic) · sent the follow-up check-in" in shown
    assert "The employee · answered the follow-up check-in: asked for counseling" in shown
    assert "Tanaka Ken · completed a step: Record verbatim" in shown


async def test_the_record_names_nobody_it_must_not(h: Harness, clock: FixedClock) -> None:
    filed = await handled_case(h, clock)
    view = await open_record(h, filed.case_no)
    raw = str(view)
    shown = render_view(view, h.cast.names()).replace("*", "")  # without mrkdwn bold
    assert h.cast.employee not in raw and "Sato Hana" not in shown  # confidential reporter
    assert "<@reporter>" not in raw and "<@ch-responder>" not in raw
    assert RAW_EVENTS.findall(shown) == []
    assert "Confidential" in shown


async def test_a_named_reporter_and_japanese_hr(h: Harness, clock: FixedClock) -> None:
    h.sim.users[h.cast.hr].locale = "ja-JP"
    filed = await handled_case(h, clock, show_name=True)
    view = await open_record(h, filed.case_no)
    shown = render_view(view, h.cast.names()).replace("*", "")  # without mrkdwn bold
    assert f"報告日時： {jst(T0)} ・ @Sato Hana" in shown
    assert "第2版（現行） ・ @Lee Mei" in shown
    assert "理由：Threats, repeated after warning" in shown
    assert "警察に届出 ・ 記録：@Tanaka Ken" in shown and "確認：@Lee Mei" in shown
    assert "カウンセリングを希望" in shown and "報告から20分" in shown
    assert "ch-responder（自動） ・ その後の状況確認を送信" in shown
    assert RAW_EVENTS.findall(shown) == []
