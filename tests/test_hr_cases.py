"""HR opening a case (purpose first), finding a customer's cases, and the access log."""

from __future__ import annotations

import sqlite_utils

from bot.clock import FixedClock
from bot.demo.harness import Harness
from slacksim.render import render_view
from tests.hr_common import PHONE, ask, ephemeral_texts, seed_known_cases


async def _audit(h: Harness) -> list[tuple[str, str, str, str | None]]:
    def rows(db: sqlite_utils.Database) -> list[tuple[str, str, str, str | None]]:
        return [
            tuple(r)
            for r in db.execute(  # type: ignore[misc]
                "SELECT actor, action, target, purpose FROM audit ORDER BY id"
            ).fetchall()
        ]

    return await h.bot.ctx.store.run(rows)


async def _show(h: Harness, case_no: str, purpose: str) -> tuple[dict[str, object], str]:
    before = len(h.sim.views_opened)
    reply = await h.slash("/ch-cases", h.cast.hr, f"show {case_no.lower()}")
    assert reply.status == 200
    await h.sim.wait_for(lambda s: len(s.views_opened) > before)
    modal = h.sim.views_opened[-1].view
    values = {"purpose": {"value": {"type": "plain_text_input", "value": purpose}}}
    answer = await h.slack.submit_view(h.cast.hr, modal, values)
    return answer.json(), render_view(modal, {})


async def test_show_asks_purpose_then_shows_details_and_timeline(
    h: Harness, clock: FixedClock
) -> None:
    ids = await seed_known_cases(h, clock)
    answer, asked = await _show(h, ids["A"], "Quarterly review of response times")
    assert "Purpose of this access" in asked
    assert answer["response_action"] == "update"
    shown = render_view(answer["view"], {})
    assert ids["A"] in shown and "The customer shouted." in shown
    assert "Timeline" in shown and "reported" in shown and "opened the case for HR" in shown
    assert "Confidential" in shown  # the reporter did not agree to be named
    assert h.cast.employee not in shown
    rows = await _audit(h)
    assert [(a, act, tgt) for a, act, tgt, _ in rows] == [(h.cast.hr, "show", ids["A"])]
    assert rows[0][3] and "Quarterly" not in rows[0][3]  # the purpose is sealed at rest


async def test_show_rejects_a_short_purpose_and_unknown_case(h: Harness, clock: FixedClock) -> None:
    ids = await seed_known_cases(h, clock)
    answer, _ = await _show(h, ids["A"], "x")
    assert answer == {"response_action": "errors",
                      "errors": {"purpose":
                                 "Please state the purpose in 5 to 300 characters."}}  # fmt: skip
    answer, _ = await _show(h, "CH-2026-0999", "Checking a number someone gave me")
    assert answer["errors"] == {"purpose": "That case could not be found."}
    assert await _audit(h) == []


async def test_show_usage(h: Harness) -> None:
    await ask(h, h.cast.hr, "show something", wait_dm=False)
    await h.sim.wait_for(lambda s: ephemeral_texts(h, h.cast.hr))
    assert ephemeral_texts(h, h.cast.hr) == ["Usage: `/ch-cases show CH-2026-0042`."]
    assert h.sim.views_opened == []


async def test_customer_matches_any_spelling_without_storing_it(
    h: Harness, clock: FixedClock
) -> None:
    ids = await seed_known_cases(h, clock)
    [text] = await ask(h, h.cast.hr, "customer ０９０ー１２３４ー５６７８")  # full-width digits
    assert "Cases naming this customer: 3" in text
    assert [ids[k] in text for k in "ABCD"] == [True, True, True, False]
    assert text.index(ids["C"]) < text.index(ids["A"]) < text.index(ids["B"])  # newest first
    assert "5678" not in text
    rows = await _audit(h)
    assert rows == [(h.cast.hr, "customer", "3", None)]

    def stored(db: sqlite_utils.Database) -> str:
        return "\n".join(str(r) for t in db.table_names() for r in db.table(t).rows)

    dump = await h.bot.ctx.store.run(stored)
    assert PHONE not in dump and "12345678" not in dump
    [text] = await ask(h, h.cast.hr, "customer nobody@example.com")
    assert "No case names this customer." in text


async def test_audit_lists_views_and_exports_with_purposes(h: Harness, clock: FixedClock) -> None:
    ids = await seed_known_cases(h, clock)
    await _show(h, ids["C"], "Follow-up <!channel> on police report")
    await ask(h, h.cast.hr, "export 2026-11 with-text lawyer asked for the words", wait_dm=False)
    await h.sim.wait_for(lambda s: s.files)
    await ask(h, h.cast.hr_group_member, "summary 2026-11")
    [text] = await ask(h, h.cast.hr, "audit 2026-11")
    assert "Access log, 2026-11: 3 entries" in text
    assert f"opened {ids['C']}" in text and "Follow-up <!channel> on police report" in text
    assert "exported 2026-11 (with the employees' own words)" in text
    assert "lawyer asked for the words" in text
    assert "summary of 2026-11" in text
    # The raw `<!channel>` never reaches Slack: it is escaped in mrkdwn.
    posted = [c.args for c in h.sim.calls if c.method == "chat.postMessage"][-1]
    assert "<!channel>" not in str(posted["blocks"])
    actions = [r[1] for r in await _audit(h)]
    assert actions == ["show", "export", "summary", "audit"]
