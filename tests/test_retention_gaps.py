"""Retention keeps its promise after a reopen, leaves no named reporter behind in the
timeline, and a purged reporter cannot be messaged."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import sqlite_utils

from bot.clock import FixedClock
from bot.demo.harness import Harness
from bot.flows.retention import purge_due
from bot.i18n import t
from bot.views.case_card import action_value
from bot.views.ids import Action, Callback
from db.rows import iso
from db.sealed import seal, unseal
from tests.case_kit import events_of, file_case, press, refusal, text
from tests.test_case_actions_messages import employee_writes

PAST_ALL_RULES = timedelta(days=1900)


def close(db: sqlite_utils.Database, case_id: int, at: str, summary: str) -> None:
    db.execute(
        "UPDATE cases SET status = 'closed', closed_at = ?, closing_summary = ? WHERE id = ?",
        [at, seal(db, "cases.closing_summary", summary), case_id],
    )


def column(db: sqlite_utils.Database, case_id: int, name: str) -> object:
    return db.execute(f"SELECT [{name}] FROM cases WHERE id = ?", [case_id]).fetchone()[0]


async def test_a_purged_case_reopened_and_closed_again_is_purged_again(
    h: Harness, clock: FixedClock
) -> None:
    store = h.bot.ctx.store
    filed = await file_case(h)
    await store.run(close, filed.id, iso(clock.now()), "first summary")
    clock.advance(PAST_ALL_RULES)
    assert await purge_due(h.bot.ctx) == 4
    assert await store.run(column, filed.id, "closing_summary") is None
    # Reopened from the card later, then closed again with a new summary.
    clock.advance(timedelta(days=30))
    await press(h, h.cast.responder, Action.REOPEN, filed)
    await h.sim.wait_for(lambda _: filed.card.update_count > 0)
    assert "reopened" in await events_of(h, filed.id)
    await store.run(close, filed.id, iso(clock.now()), "second summary")
    assert await purge_due(h.bot.ctx) == 0  # not due yet: it has just closed
    clock.advance(PAST_ALL_RULES)
    assert await purge_due(h.bot.ctx) == 4
    assert await store.run(column, filed.id, "closing_summary") is None
    assert (await events_of(h, filed.id)).count("purged") == 8


async def test_identity_purge_removes_a_named_reporter_from_every_timeline_entry(
    h: Harness, clock: FixedClock
) -> None:
    store = h.bot.ctx.store
    filed = await file_case(h, show_name=True)
    await employee_writes(h, "One more thing he said")  # relayed with her name as actor
    actors = await store.run(lambda db: [r[0] for r in db.execute(
        "SELECT actor FROM timeline WHERE case_id = ?", [filed.id])])
    assert h.cast.employee in actors
    await store.run(close, filed.id, iso(clock.now()), "summary")
    clock.advance(PAST_ALL_RULES)
    assert await purge_due(h.bot.ctx) > 0
    raw = await store.run(lambda db: str(db.execute(
        "SELECT group_concat(actor || ' ' || detail) FROM timeline").fetchone()[0]))
    assert h.cast.employee not in raw


async def test_message_the_employee_on_a_purged_case_is_refused_and_nothing_is_sent(
    h: Harness, clock: FixedClock
) -> None:
    store = h.bot.ctx.store
    filed = await file_case(h)
    await store.run(close, filed.id, iso(clock.now()), "summary")
    clock.advance(PAST_ALL_RULES)
    await purge_due(h.bot.ctx)
    await press(h, h.cast.responder, Action.REOPEN, filed)
    await h.sim.wait_for(lambda _: filed.card.update_count > 0)
    expected = t("ja", "act.refuse.identity_purged", case_no=filed.case_no)
    opened = len(h.sim.views_opened)
    seen = len(h.sim.ephemerals(h.cast.responder))
    await press(h, h.cast.responder, Action.MESSAGE_EMPLOYEE, filed)
    assert await refusal(h, h.cast.responder, seen) == expected
    assert len(h.sim.views_opened) == opened
    # A modal opened earlier (or forged) is refused on submission too.
    view = {"id": "V0PURGED01", "type": "modal", "callback_id": Callback.MESSAGE_EMPLOYEE,
            "private_metadata": action_value(filed.case_no), "blocks": []}
    reply = await h.slack.submit_view(h.cast.responder, view, {"text": text("Hello?")})
    assert reply.json() == {"response_action": "errors", "errors": {"text": expected}}
    await h.settle()
    assert "employee_messaged" not in await events_of(h, filed.id)
    assert not [c for c in h.sim.calls_to("chat.postMessage") if c.args["channel"] == "(deleted)"]


async def test_the_place_she_typed_when_she_asked_for_help_is_purged_with_her_identity(
    tmp_path: Path, clock: FixedClock
) -> None:
    from bot.demo.harness import running_bot
    from tests.urgent_kit import case_row, tap, urgent_config

    place = "Back office behind till 2"
    async with running_bot(tmp_path / "ch.db", clock=clock, config=urgent_config()) as h:
        await tap(h, h.cast.employee, place=place, may_know="yes")
        await h.settle()
        row = await case_row(h)
        store = h.bot.ctx.store
        assert await store.run(lambda db: unseal(db, "cases.place", row["place"])) == place
        await store.run(close, row["id"], iso(clock.now()), "done")
        clock.advance(PAST_ALL_RULES)
        assert await purge_due(h.bot.ctx) > 0
        assert (await case_row(h))["place"] is None
        everything = await store.run(lambda db: "".join(db.iterdump()))
        assert place not in everything
