"""Consent that can change (issue 11 §3), through the real endpoint: from her DM and
from the App Home she agrees or withdraws, to counseling and to being named; the
thread, the card, the details, the timeline, counseling's ping and HR's figures follow."""

from __future__ import annotations

import json
from typing import Any

from bot.clock import FixedClock
from bot.demo.harness import RESPONDERS, Harness
from bot.domain.periods import parse_period
from bot.i18n import t
from bot.views.ids import Action
from db import stats
from db.timeline import entries
from slacksim.render import render_message, render_view
from tests.case_kit import Filed, card_text, checklist_text, file_case, press_and_open
from tests.hr_common import jst
from tests.mine_kit import choose, confirmation, consent_from_dm, consent_from_home, home

NARRATIVE = "The customer said he knows where I live."


def thread(h: Harness, filed: Filed) -> list[str]:
    return [render_message(m, h.cast.names()) for m in h.sim.replies(RESPONDERS, filed.card.ts)]


def channel_everything(h: Harness) -> str:
    """Every message and reply in the responders channel, as raw JSON (IDs included)."""
    out = []
    for m in h.sim.messages(RESPONDERS):
        out += [json.dumps(m.blocks), m.text or ""]
        for r in h.sim.replies(RESPONDERS, m.ts):
            out += [json.dumps(r.blocks), r.text or ""]
    return "\n".join(out)


def _initial(modal: dict[str, Any], block_id: str) -> str:
    """What the modal's radio buttons start with: her current answer."""
    block = next(b for b in modal["blocks"] if b.get("block_id") == block_id)
    return str(block["element"]["initial_option"]["value"])


async def timeline_of(h: Harness, case_id: int) -> list[Any]:
    return await h.bot.ctx.store.run(entries, case_id)


async def test_agreeing_to_counseling_from_the_dm_pings_counseling_and_the_thread_shows_it(
    h: Harness,
) -> None:
    user = h.cast.employee  # reads Japanese; confidential, no counseling at first
    filed = await file_case(h, narrative=NARRATIVE)
    assert t("ja", "thread.counseling_consent_no") in checklist_text(h, filed)
    modal = await consent_from_dm(h, user)
    shown = render_view(modal, {})
    assert t("ja", "consent.named_now_hidden") in shown
    counselor = h.cast.counseling[0]
    pinged = len(h.sim.dms(counselor))
    before = filed.checklist.update_count
    done = await choose(h, user, modal, counseling=True, named=False)
    assert t("ja", "consent.counseling_told") in render_view(done, {})
    await h.sim.wait_for(lambda _: filed.checklist.update_count > before)
    # The thread: the checklist reply redrawn with her current answer, and a note.
    assert t("ja", "thread.counseling_consent_yes") in checklist_text(h, filed)
    note = t("ja", "consent.note_counseling_agreed", case_no=filed.case_no, user="@Counselor Abe")
    assert note in thread(h, filed)[-1]
    # Counseling on duty: pinged privately with the case number, never the narrative.
    [ping] = h.sim.dms(counselor)[pinged:]
    said = render_message(ping, {})
    assert filed.case_no in said and "live" not in said and "knows" not in said
    # The card still keeps her name to itself; the channel never names her.
    assert t("ja", "card.confidential") in card_text(h, filed)
    assert user not in channel_everything(h)
    # The timeline: the change, when, from where.
    [entry] = [e for e in await timeline_of(h, filed.id) if e.event == "counseling_agreed"]
    assert entry.actor == "reporter" and entry.detail["source"] == "dm"
    assert entry.at == h.bot.ctx.clock.now()
    # Her confirmation DM shows her choice as it is now.
    dm = confirmation(h, user)
    await h.sim.wait_for(lambda _: dm.update_count >= 1)
    assert t("ja", "confirm.counseling_yes") in render_message(dm, {})


async def test_the_same_submission_twice_changes_once(h: Harness) -> None:
    user = h.cast.employee_en
    filed = await file_case(h, user)
    modal = await consent_from_dm(h, user)
    for _ in range(2):  # a double click, a Slack retry: the same modal
        await choose(h, user, modal, counseling=True, named=False)
    events = [e.event for e in await timeline_of(h, filed.id)]
    assert events.count("counseling_agreed") == 1
    counselor_dms = sum(len(h.sim.dms(c)) for c in h.cast.counseling)
    assert counselor_dms == 1


async def test_withdrawing_counseling_from_home_and_hr_counts_now_and_ever(
    h: Harness, clock: FixedClock
) -> None:
    user = h.cast.employee_en  # reads English
    clock.set(jst(2026, 11, 10, 12, 0))
    a = await file_case(h, user, counseling_ok=True)
    b = await file_case(h, user)
    modal = await consent_from_home(h, user, a.case_no)
    assert _initial(modal, "counseling") == "yes" and _initial(modal, "named") == "no"
    before = a.checklist.update_count
    await choose(h, user, modal, counseling=False, named=False)
    await h.sim.wait_for(lambda _: a.checklist.update_count > before)
    assert t("ja", "thread.counseling_consent_no") in checklist_text(h, a)
    assert t("ja", "consent.note_counseling_withdrawn", case_no=a.case_no) in thread(h, a)[-1]
    [entry] = [e for e in await timeline_of(h, a.id) if e.event == "counseling_withdrawn"]
    assert entry.detail["source"] == "home"
    # Nobody is pinged for a withdrawal.
    assert sum(len(h.sim.dms(c)) for c in h.cast.counseling) == 0
    # b: agrees from the home tab, then withdraws again.
    for agree in (True, False):
        modal = await consent_from_home(h, user, b.case_no)
        await choose(h, user, modal, counseling=agree, named=False)
    # HR's figures: nobody agrees now; both agreed at some time.
    p = parse_period("2026-11", clock.now(), h.bot.ctx.config.timezone)
    counts = await h.bot.ctx.store.run(stats.counts, (p.start, p.end))
    assert (counts.counseling_ok, counts.counseling_ever) == (0, 2)
    # ... and HR reads them in the summary.
    before_dm = len(h.sim.dms(h.cast.hr))
    await h.slash("/ch-cases", h.cast.hr, "summary 2026-11")
    await h.sim.wait_for(lambda s: len(s.dms(h.cast.hr)) > before_dm, timeout=15)
    said = render_message(h.sim.dms(h.cast.hr)[-1], {})
    assert "Agreed to be contacted by counseling, now: *0*" in said
    assert "Agreed at some time (including those who withdrew): *2*" in said


async def test_being_named_and_withdrawing_it(h: Harness) -> None:
    user = h.cast.employee  # confidential at first
    filed = await file_case(h)
    responder = h.cast.responder
    modal = await consent_from_dm(h, user)
    before = filed.card.update_count
    await choose(h, user, modal, counseling=False, named=True)
    await h.sim.wait_for(lambda _: filed.card.update_count > before)
    assert "@Sato Hana" in card_text(h, filed)
    assert t("ja", "consent.note_name_agreed", case_no=filed.case_no) in thread(h, filed)[-1]
    details = await press_and_open(h, responder, Action.VIEW_DETAILS, filed)
    assert "Sato Hana" in render_view(details, h.cast.names())
    # Withdrawn: the modal says honestly what that can and cannot mean.
    modal = await consent_from_dm(h, user)
    assert t("ja", "consent.named_now_shown") in render_view(modal, {})
    before = filed.card.update_count
    await choose(h, user, modal, counseling=False, named=False)
    await h.sim.wait_for(lambda _: filed.card.update_count > before)
    assert "Sato Hana" not in card_text(h, filed)
    assert t("ja", "card.confidential") in card_text(h, filed)
    note = thread(h, filed)[-1]
    assert t("ja", "consent.note_name_withdrawn", case_no=filed.case_no) in note
    details = await press_and_open(h, responder, Action.VIEW_DETAILS, filed)
    assert "Sato Hana" not in render_view(details, h.cast.names())
    timeline = await press_and_open(h, responder, Action.TIMELINE, filed)
    assert "Sato Hana" not in render_view(timeline, h.cast.names())
    events = await timeline_of(h, filed.id)
    assert [e.event for e in events if e.event.startswith("name_")] == [
        "name_agreed",
        "name_withdrawn",
    ]
    assert all(e.actor != user for e in events)  # her ID left the timeline again
    # The notes in the thread never named her: only the card did, while she agreed.
    replies = "".join(json.dumps(r.blocks) for r in h.sim.replies(RESPONDERS, filed.card.ts))
    assert user not in replies


async def test_only_the_reporter_may_change_consent(h: Harness) -> None:
    filed = await file_case(h)
    dm = confirmation(h, h.cast.employee)
    value = next(
        e["value"]
        for b in dm.blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == Action.CONSENT
    )
    before = len(h.sim.dms(h.cast.responder))
    await h.slack.click(h.cast.responder, Action.CONSENT, value)
    await h.sim.wait_for(lambda s: len(s.dms(h.cast.responder)) > before)
    assert t("ja", "consent.not_yours") in (h.sim.dms(h.cast.responder)[-1].text or "")
    _, text = await home(h, h.cast.employee)
    assert filed.case_no in text
