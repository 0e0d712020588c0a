"""Issue 13, item 2: a report filed on behalf of a colleague, end to end.

A supervisor files for someone who is not on Slack (their name and site sealed, shown
under the rule for a named reporter), HR's statistics tell the two kinds of report
apart, and a colleague who is on Slack is told privately and can take over.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from bot.demo.harness import Harness
from bot.i18n import t
from bot.views.ids import Action
from slacksim.forms import report_values
from slacksim.model import Message
from slacksim.render import render_message, render_view
from tests.case_kit import Filed, file_case, press_and_open, text
from tests.hr_common import ask
from tests.test_hr_export import _export as export

NAME = "Kimura Yoko"
SITE = "Warehouse 3, night shift"


def behalf_values(
    name: str = "", site: str = "", user: str | None = None, agreed: str | None = None
) -> dict[str, Any]:
    return {
        "behalf_name": text(name) if name else {"value": {"type": "plain_text_input"}},
        "behalf_site": text(site) if site else {"value": {"type": "plain_text_input"}},
        "behalf_user": {"value": {"type": "users_select", "selected_user": user}},
        "behalf_agreed": {"value": {"type": "radio_buttons",
                                    "selected_option": {"value": agreed} if agreed else None}},
    }  # fmt: skip


async def file_for(h: Harness, filer: str, **behalf: Any) -> Any:
    form = await h.open_form(filer)
    values = report_values(
        occurred_at=h.bot.ctx.clock.now(), contact="in_person", categories=["verbal_abuse"],
        danger="over", narrative="A customer shouted at her at the counter.",
    )  # fmt: skip
    values.update(behalf_values(**behalf))
    return await h.slack.submit_view(filer, form, values)


async def test_a_report_for_a_colleague_without_slack_is_sealed_and_counted(h: Harness) -> None:
    filer = h.cast.employee
    await file_case(h, filer)  # one of her own first
    reply = await file_for(h, filer, name=NAME, site=SITE, agreed="yes")
    assert reply.json()["response_action"] == "update", reply
    await h.settle()
    raw = await h.bot.ctx.store.run(
        lambda db: json.dumps(db.execute("SELECT * FROM cases WHERE on_behalf = 1").fetchall())
    )
    assert raw != "[]" and NAME not in raw and "Warehouse" not in raw  # sealed at rest
    # Responders: the site, but not the name (the report does not name people).
    card: Message = h.sim.messages("C0RESPOND1")[-1]
    filed = Filed(2, "CH-2026-0002", card, card)
    details = await press_and_open(h, h.cast.responder, Action.VIEW_DETAILS, filed)
    shown = render_view(details, h.cast.names())
    assert NAME not in shown and SITE in shown
    assert t("ja", "behalf.details_hidden") in shown and t("ja", "behalf.card_agreed") in shown
    # HR: one reported by the employee, one on her colleague's behalf.
    answer = "\n".join(await ask(h, h.cast.hr, "summary 30d"))
    assert t("en", "behalf.hr_by_filed_by") in answer  # HR Yamada reads English
    assert f"{t('en', 'behalf.hr_self')}: *1*" in answer
    assert f"{t('en', 'behalf.hr_on_behalf')}: *1*" in answer
    # HR's export tells them apart too, and does not say who it was filed for.
    month = h.bot.ctx.clock.now().astimezone(h.bot.ctx.config.timezone).strftime("%Y-%m")
    _, rows = await export(h, f"export {month}")
    column = t("en", "hr.export.col.on_behalf")
    assert [(r["Case number"], r[column]) for r in rows] == [
        ("CH-2026-0001", "No"), ("CH-2026-0002", "Yes")]  # fmt: skip
    assert all(NAME not in v and "Warehouse" not in v for r in rows for v in r.values())


async def test_a_named_report_shows_the_colleague_who_agreed(h: Harness) -> None:
    await file_for(h, h.cast.employee, name=NAME, site=SITE, agreed="yes")
    await h.settle()
    rows = await h.bot.ctx.store.run(lambda db: db.execute("SELECT id FROM cases").fetchall())
    assert len(rows) == 1
    # show_name is the form's consent box: not ticked here, so still hidden; tick it:
    form = await h.open_form(h.cast.employee_en)
    values = report_values(occurred_at=h.bot.ctx.clock.now(), contact="phone",
                           categories=["verbal_abuse"], danger="over", narrative="x",
                           show_name=True)  # fmt: skip
    values.update(behalf_values(name=NAME, site=SITE, agreed="yes"))
    await h.slack.submit_view(h.cast.employee_en, form, values)
    await h.settle()
    card = h.sim.messages("C0RESPOND1")[-1]
    details = await press_and_open(
        h, h.cast.responder, Action.VIEW_DETAILS, Filed(2, "CH-2026-0002", card, card)
    )
    assert NAME in render_view(details, h.cast.names())


async def test_the_form_says_what_is_missing_about_the_colleague(h: Harness) -> None:
    reply = await file_for(h, h.cast.employee, agreed="yes")
    assert set(reply.json()["errors"]) == {"behalf_name"}
    assert reply.json()["errors"]["behalf_name"] == t("ja", "behalf.error_who")
    reply = await file_for(h, h.cast.employee, name=NAME)
    assert set(reply.json()["errors"]) == {"behalf_agreed"}


async def test_a_colleague_on_slack_is_told_and_can_take_over(h: Harness) -> None:
    filer, colleague = h.cast.employee, h.cast.employee_en
    reply = await file_for(h, filer, user=colleague, site=SITE, agreed="yes")
    assert reply.json()["response_action"] == "update"
    await h.settle()
    await h.sim.wait_for(lambda s: s.dms(colleague))
    told = h.sim.dms(colleague)[0]
    shown = render_message(told, {})
    assert "CH-2026-0001" in shown and "take over" in shown.lower()
    assert filer not in json.dumps(told.blocks) + (told.text or "")  # the filer is not named
    # Someone else cannot take it over; answers to this button come in the DM.
    before = len(h.sim.dms(h.cast.outsider))
    await h.slack.click(h.cast.outsider, Action.TAKE_OVER, '{"case": "CH-2026-0001"}',
                        channel=f"D{h.cast.outsider}", message_ts=told.ts)  # fmt: skip
    assert t("en", "behalf.not_yours") in await next_dm(h, h.cast.outsider, before)
    # The colleague takes over: the team's messages now reach them, not the filer.
    before, filer_before = len(h.sim.dms(colleague)), len(h.sim.dms(filer))
    await h.slack.click(colleague, Action.TAKE_OVER, '{"case": "CH-2026-0001"}',
                        channel=told.channel, message_ts=told.ts)  # fmt: skip
    assert "You are now the contact for case *CH-2026-0001*" in await next_dm(h, colleague, before)
    told_filer = await next_dm(h, filer, filer_before)
    assert "CH-2026-0001" in told_filer and f"@{colleague}" in told_filer
    card = h.sim.messages("C0RESPOND1")[-1]
    filed = Filed(1, "CH-2026-0001", card, card)
    view = await press_and_open(h, h.cast.responder, Action.MESSAGE_EMPLOYEE, filed)
    before, filer_before = len(h.sim.dms(colleague)), len(h.sim.dms(filer))
    await h.slack.submit_view(h.cast.responder, view, {"text": text("Are you safe now?")})
    await h.settle()
    assert "Are you safe now?" in await next_dm(h, colleague, before)
    assert len(h.sim.dms(filer)) == filer_before
    events = await h.bot.ctx.store.run(lambda db: [r[0] for r in db.execute(
        "SELECT event FROM timeline ORDER BY id")])  # fmt: skip
    assert "conversation_taken_over" in events
    # Pressing again: already theirs.
    before = len(h.sim.dms(colleague))
    await h.slack.click(colleague, Action.TAKE_OVER, '{"case": "CH-2026-0001"}',
                        channel=told.channel, message_ts=told.ts)  # fmt: skip
    assert "already the contact" in await next_dm(h, colleague, before)


async def next_dm(h: Harness, user: str, before: int) -> str:
    await h.sim.wait_for(lambda s: len(s.dms(user)) > before)
    return render_message(h.sim.dms(user)[before], {})


async def test_a_colleague_is_told_once_even_when_slack_fails_at_first(h: Harness) -> None:
    # Slack answers 5xx to every post for a while, longer than any retry inside one call,
    # then does the work but answers as failed: the notice is a delivery like the card
    # and the confirmation, retried until Slack answers, and never doubled.
    filer, colleague = h.cast.employee, h.cast.employee_en
    h.sim.fail("chat.postMessage", 503, times=1000)
    reply = await file_for(h, filer, user=colleague, site=SITE, agreed="yes")
    assert reply.json()["response_action"] == "update"
    await h.sim.wait_for(lambda s: len(s.calls_to("chat.postMessage")) >= 12)
    await asyncio.sleep(1)
    h.sim.clear_faults()
    h.sim.fail_after("chat.postMessage", 500, times=4)
    h.bot.ctx.kick_deliveries()
    await h.settle(20)
    told = [m for m in h.sim.dms(colleague) if "CH-2026-0001" in render_message(m, {})]
    assert len(told) == 1
    assert "take over" in render_message(told[0], {}).lower()
