"""Issue 12 §1: the customer's identifiers, kept sealed beside their keyed hashes, shown
to responders (View details, the measure modal) and HR, named by kind on a measure
against the customer, and purged under the identity retention rule. All through the
real endpoint; what is asserted is what Slack (the simulator) shows."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from bot.clock import FixedClock
from bot.demo.harness import RESPONDERS, Harness
from bot.flows.retention import purge_due
from bot.i18n import t
from bot.views.ids import Action
from db.cases import find_case_no
from db.rows import iso
from slacksim.forms import report_values
from slacksim.render import render_message, render_view
from tests.case_kit import Filed, choice, choices, file_case, press, press_and_open, updated
from tests.test_hr_record import open_record
from tests.test_on_behalf import behalf_values
from tests.test_security_data import production_logging  # noqa: F401 (a fixture)
from tests.test_shortcuts import CUSTOMER, CUSTOMER_TEAM, seed_shared_channel, shortcut_on
from tests.urgent_kit import tap

ACCOUNT = "acme<b>&co"  # user text: shown escaped, never as markup
ORDER = "A-10023"
PHONE = "090-1234-5678"
IDS = {"account": ACCOUNT, "order": ORDER, "phone": PHONE}
SHOWN_ACCOUNT = "acme&lt;b&gt;&amp;co"


def sections(view: dict[str, Any]) -> str:
    return "\n".join(
        b["text"]["text"] for b in view["blocks"] if b["type"] == "section" and "text" in b
    )


async def details(h: Harness, user: str, filed: Filed) -> str:
    return sections(await press_and_open(h, user, Action.VIEW_DETAILS, filed))


async def events(h: Harness, case_id: int) -> list[tuple[str, str]]:
    rows = await h.bot.ctx.store.run(
        lambda db: list(db.table("timeline").rows_where("case_id = ?", [case_id]))
    )
    return [(r["actor"], r["event"]) for r in rows]


async def test_identifiers_typed_in_the_form_are_in_details_and_hr_view_escaped(
    h: Harness,
) -> None:
    filed = await file_case(h, h.cast.employee_en, customer=IDS)
    shown = await details(h, h.cast.responder2, filed)  # reads English
    assert f"*{t('en', 'customer_ids.title')}*" in shown
    assert f"Account ID: {SHOWN_ACCOUNT}" in shown
    assert f"Order number: {ORDER}" in shown and f"Phone number: {PHONE}" in shown
    assert "<b>" not in shown and ACCOUNT not in shown
    assert (h.cast.responder2, "details_viewed") in await events(h, filed.id)
    # Japanese labels for a Japanese reader, the same values.
    ja = await details(h, h.cast.responder, filed)
    assert f"*{t('ja', 'customer_ids.title')}*" in ja and f"注文番号：{ORDER}" in ja
    # HR's case view (purpose first, audited) shows them too, escaped.
    record = await open_record(h, filed.case_no)
    hr = sections(record)
    assert f"Account ID: {SHOWN_ACCOUNT}" in hr and f"Phone number: {PHONE}" in hr
    assert "<b>" not in hr
    # Not on the card or the checklist in the shared channel.
    for msg in (filed.card, filed.checklist):
        said = json.dumps(msg.blocks) + str(msg.text)
        assert ORDER not in said and PHONE not in said and "acme" not in said


async def test_a_case_without_identifiers_says_none_were_given(h: Harness) -> None:
    filed = await file_case(h, h.cast.employee_en)
    shown = await details(h, h.cast.responder2, filed)
    assert f"*{t('en', 'customer_ids.title')}*\n{t('en', 'customer_ids.none')}" in shown


async def test_the_hashes_still_find_a_repeat_customer(h: Harness) -> None:
    await file_case(h, h.cast.employee_en, customer={"phone": PHONE})
    # The same number typed another way by another employee.
    second = await file_case(h, h.cast.employee, customer={"phone": "+81 90 1234 5678"})
    card = render_message(second.card, h.cast.names())
    assert "このお客様についての報告は、180日間で2件目です" in card  # the card's repeat line
    case = await h.bot.ctx.store.run(find_case_no, second.case_no)
    assert case is not None and case.repeat_count == 1
    # Each case shows the number as its own employee typed it.
    assert "Phone number: +81 90 1234 5678" in await details(h, h.cast.responder2, second)


async def test_nothing_of_the_identifiers_is_logged(
    h: Harness, production_logging: pytest.LogCaptureFixture  # noqa: F811
) -> None:
    filed = await file_case(h, h.cast.employee_en, customer=IDS)
    await details(h, h.cast.responder, filed)
    await press_and_open(h, h.cast.responder, Action.MEASURE, filed)
    await open_record(h, filed.case_no)
    logged = "\n".join(r.getMessage() for r in production_logging.records)
    assert "case filed" in logged and "details viewed" in logged  # the capture works
    for secret in (ACCOUNT, ORDER, PHONE, "1234", "acme"):
        assert secret not in logged, f"{secret!r} in the logs"


async def test_the_measure_modal_shows_them_and_the_card_names_only_their_kinds(
    h: Harness,
) -> None:
    r1, r2 = h.cast.responder2, h.cast.responder  # reading English, Japanese
    filed = await file_case(h, h.cast.employee_en, customer=IDS)
    modal = await press_and_open(h, r1, Action.MEASURE, filed)
    shown = render_view(modal, h.cast.names())
    assert SHOWN_ACCOUNT in sections(modal) and ORDER in shown and PHONE in shown
    boxes = next(b for b in modal["blocks"] if b.get("block_id") == "applies_to")
    assert [o["value"] for o in boxes["element"]["initial_options"]] == [
        "account", "order", "phone"
    ]  # fmt: skip
    assert t("en", "customer_ids.measure_label") in shown
    # Showing the identifiers is recorded like View details.
    assert (r1, "customer_ids_viewed") in await events(h, filed.id)

    # A forged choice of something the case does not hold is refused on the form.
    forged = {"kind": choice("stopped_service"),
              "applies_to": choices(["email"], "checkboxes")}  # fmt: skip
    reply = await h.slack.submit_view(r1, modal, forged)
    assert reply.json()["errors"] == {"applies_to": t("en", "customer_ids.applies_unknown")}

    before = filed.card.update_count
    values = {"kind": choice("stopped_service"),
              "applies_to": choices(["account", "order"], "checkboxes")}  # fmt: skip
    reply = await h.slack.submit_view(r1, modal, values)
    assert reply.status == 200 and not reply.body, reply
    await updated(h, filed.card, before)
    # The card (in the company's language, Japanese) says what the second responder
    # confirms, by kind only: the values stay in View details.
    card = render_message(filed.card, h.cast.names())
    ja_line = "対象：お客様のアカウントIDと注文番号（内容は「詳細を見る」で確認できます）"
    assert ja_line in card
    assert ORDER not in card and PHONE not in card and "acme" not in card
    line = t("en", "customer_ids.applies_to", kinds="Account ID and Order number")
    timeline = sections(await press_and_open(h, r1, Action.TIMELINE, filed))
    assert line in timeline and ORDER not in timeline
    assert ja_line in sections(await press_and_open(h, r2, Action.TIMELINE, filed))
    # HR's record of the measure says the same.
    hr = render_view(await open_record(h, filed.case_no), h.cast.names())
    assert line in hr


async def test_a_measure_not_on_the_customer_names_no_identifiers(h: Harness) -> None:
    r1 = h.cast.responder2
    filed = await file_case(h, h.cast.employee_en, customer=IDS)
    modal = await press_and_open(h, r1, Action.MEASURE, filed)
    values = {"kind": choice("warned"), "applies_to": choices(["account"], "checkboxes")}
    before = filed.card.update_count
    assert (await h.slack.submit_view(r1, modal, values)).status == 200
    await updated(h, filed.card, before)
    timeline = sections(await press_and_open(h, r1, Action.TIMELINE, filed))
    assert "Applies to" not in timeline


async def test_without_identifiers_the_measure_modal_says_where_to_note_the_account(
    h: Harness,
) -> None:
    filed = await file_case(h, h.cast.employee_en)
    modal = await press_and_open(h, h.cast.responder2, Action.MEASURE, filed)
    assert t("en", "customer_ids.measure_none") in render_view(modal, h.cast.names())
    assert not [b for b in modal["blocks"] if b.get("block_id") == "applies_to"]
    assert (h.cast.responder2, "customer_ids_viewed") not in await events(h, filed.id)


def close(db: Any, case_no: str, at: str) -> None:
    db.execute("UPDATE cases SET status = 'closed', closed_at = ? WHERE case_no = ?", [at, case_no])


async def hold(h: Harness, text_: str) -> None:
    before = len(h.sim.responses)
    assert (await h.slash("/ch-hold", h.cast.hr, text_)).status == 200
    await h.sim.wait_for(lambda s: len(s.responses) > before)


async def test_the_identity_purge_removes_them_and_the_details_say_so(
    h: Harness, clock: FixedClock
) -> None:
    purged = await file_case(h, h.cast.employee_en, customer=IDS)
    held = await file_case(h, h.cast.employee_en, customer={"order": "B-777"})
    store = h.bot.ctx.store
    for filed in (purged, held):
        await store.run(close, filed.case_no, iso(clock.now()))
    await hold(h, f"set {held.case_no} lawsuit pending")
    clock.advance(timedelta(days=1096))
    assert await purge_due(h.bot.ctx) == 3  # narrative, evidence, identity of the first

    shown = await details(h, h.cast.responder2, purged)
    assert f"*{t('en', 'customer_ids.title')}*\n{t('en', 'customer_ids.purged')}" in shown
    assert "acme" not in shown and ORDER not in shown and PHONE not in shown
    hr = sections(await open_record(h, purged.case_no))
    assert t("en", "customer_ids.purged") in hr and ORDER not in hr
    ja = await details(h, h.cast.responder, purged)
    assert "保存期間の規定により削除しました。" in ja

    def stored(db: Any) -> Any:
        row = db.execute("SELECT customer_ids FROM cases WHERE id = ?", [purged.id]).fetchone()
        hashes = db.execute(
            "SELECT COUNT(*) FROM case_customers WHERE case_id = ?", [purged.id]
        ).fetchone()[0]
        what = {r["what"] for r in db.table("deletions").rows_where("case_id = ?", [purged.id])}
        return row[0], hashes, what

    value, hashes, what = await store.run(stored)
    assert value == "(deleted)" and hashes == 0  # the values and the keyed hashes, per the rule
    assert {"cases.customer_ids", "case_customers"} <= what
    # The hashes are gone with them: the same phone is no longer a repeat.
    again = await file_case(h, h.cast.employee, customer={"phone": PHONE})
    case = await store.run(find_case_no, again.case_no)
    assert case is not None and case.repeat_count == 0
    # The held case keeps them whatever its age.
    assert "Order number: B-777" in await details(h, h.cast.responder2, held)


async def test_the_privacy_notes_say_what_is_kept(h: Harness) -> None:
    for user, lang in ((h.cast.employee, "ja"), (h.cast.employee_en, "en")):
        form = render_view(await h.open_form(user), {})
        assert t(lang, "form.customer_hint") in form
        home_reply = await h.slack.event({"type": "app_home_opened", "user": user,
                                          "tab": "home", "channel": h.sim.dm_channel(user)})
        assert home_reply.status == 200
        await h.sim.wait_for(lambda s, u=user: u in s.home_views)
        home = render_view(h.sim.home_views[user], {})
        assert t(lang, "home.privacy") in home
    ja_form, ja_home = t("ja", "form.customer_hint"), t("ja", "home.privacy")
    assert "暗号化して保存し、対応チームと人事だけが見られます" in ja_form
    assert "ハッシュ" not in ja_form + ja_home and "暗号化" in ja_home
    en_form = t("en", "form.customer_hint")
    assert "stored encrypted" in en_form and "only the response team and HR" in en_form
    assert "hash" not in en_form + t("en", "home.privacy")


async def test_identifiers_given_when_completing_a_one_tap_case_are_kept(
    h: Harness,
) -> None:
    user = h.cast.employee_en
    _, safety = await tap(h, user, channel="phone", site=None)
    await h.settle()
    form = await h.press_in_view(user, safety, Action.COMPLETE_REPORT)
    values = report_values(occurred_at=h.bot.ctx.clock.now(), contact="phone",
                           categories=["threat"], danger="over", narrative="He said he'd wait.",
                           customer={"order": ORDER})  # fmt: skip
    assert (await h.slack.submit_view(user, form, values)).json()["response_action"] == "update"
    await h.settle()
    card = h.sim.messages(RESPONDERS)[-1]
    filed = Filed(0, "CH-2026-0001", card, h.sim.replies(RESPONDERS, card.ts)[0])
    assert f"Order number: {ORDER}" in await details(h, h.cast.responder2, filed)


async def test_identifiers_of_a_report_from_the_message_shortcut_are_kept(h: Harness) -> None:
    ts = seed_shared_channel(h)
    view = await shortcut_on(h, h.cast.employee_en, ts, CUSTOMER_TEAM, CUSTOMER)
    values = report_values(occurred_at=h.bot.ctx.clock.now(), contact="chat",
                           categories=["verbal_abuse"], danger="over", narrative="x",
                           customer={"account": "acme-buyer"})  # fmt: skip
    assert (await h.slack.submit_view(h.cast.employee_en, view, values)).status == 200
    await h.settle()
    card = h.sim.messages(RESPONDERS)[-1]
    filed = Filed(0, "CH-2026-0001", card, h.sim.replies(RESPONDERS, card.ts)[0])
    assert "Account ID: acme-buyer" in await details(h, h.cast.responder2, filed)


async def test_the_ack_button_still_works_after_a_customer_measure(h: Harness) -> None:
    # The measure's kinds ride in its sealed detail: the card still renders and acts.
    filed = await file_case(h, h.cast.employee_en, customer=IDS)
    modal = await press_and_open(h, h.cast.responder, Action.MEASURE, filed)
    before = filed.card.update_count
    values = {"kind": choice("ceased_negotiations"),
              "applies_to": choices(["phone"], "checkboxes")}  # fmt: skip
    await h.slack.submit_view(h.cast.responder, modal, values)
    await updated(h, filed.card, before)
    before = filed.card.update_count
    await press(h, h.cast.responder2, Action.ACK, filed)
    await updated(h, filed.card, before)
    card = render_message(filed.card, h.cast.names())
    assert t("ja", "customer_ids.applies_to", kinds="電話番号") in card


async def test_identifiers_of_a_report_filed_on_behalf_are_kept(h: Harness) -> None:
    form = await h.open_form(h.cast.employee_en)
    values = report_values(occurred_at=h.bot.ctx.clock.now(), contact="in_person",
                           categories=["verbal_abuse"], danger="over", narrative="x",
                           customer={"email": "buyer@example.com"})  # fmt: skip
    values.update(behalf_values(name="Mori", site="Warehouse 3", agreed="yes"))
    reply = await h.slack.submit_view(h.cast.employee_en, form, values)
    assert reply.json()["response_action"] == "update"
    await h.settle()
    card = h.sim.messages(RESPONDERS)[-1]
    filed = Filed(0, "CH-2026-0001", card, h.sim.replies(RESPONDERS, card.ts)[0])
    assert "Email address: buyer@example.com" in await details(h, h.cast.responder2, filed)


async def test_a_case_filed_before_values_were_kept_says_only_a_hash_is_there(
    h: Harness,
) -> None:
    filed = await file_case(h, h.cast.employee_en, customer={"phone": PHONE})
    # As a case filed before m182 is stored: the keyed hash, no sealed values.
    await h.bot.ctx.store.run(
        lambda db: db.execute("UPDATE cases SET customer_ids = NULL WHERE id = ?", [filed.id])
    )
    shown = await details(h, h.cast.responder2, filed)
    assert t("en", "customer_ids.hash_only") in shown and PHONE not in shown
