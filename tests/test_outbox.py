"""The outbox's ordering rules, on a real SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlite_utils

from db import outbox

NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


def test_employee_is_not_held_back_by_a_stuck_card(fresh_db: sqlite_utils.Database) -> None:
    db = fresh_db  # sealed: DM channel IDs are sealed when recorded
    db.execute("PRAGMA foreign_keys=OFF")  # outbox rows only; no case needed here
    card = outbox.enqueue(db, 1, "card", NOW)
    thread = outbox.enqueue(db, 1, "thread", NOW)
    confirmation = outbox.enqueue(db, 1, "confirmation", NOW)
    message = outbox.enqueue(db, 1, "employee_message:9", NOW)
    note = outbox.enqueue(db, 1, "employee_message_note:9", NOW)
    # The responders channel is rate-limited: the card waits a minute.
    outbox.retry_later(db, card, NOW + timedelta(minutes=1), "ratelimited")
    assert [d.id for d in outbox.due(db, NOW)] == [confirmation]
    outbox.done(db, confirmation, "D1", "1.1", NOW)
    assert [d.id for d in outbox.due(db, NOW)] == [message]
    # Later the card goes; the thread reply and the note follow it in order.
    outbox.done(db, card, "C1", "2.2", NOW)
    assert [d.id for d in outbox.due(db, NOW)] == [thread, message]
    outbox.done(db, thread, "C1", "2.3", NOW)
    assert note in [d.id for d in outbox.due(db, NOW)]


def test_uncertainty_survives_a_crash_and_clears_on_a_definite_failure(
    fresh_db: sqlite_utils.Database,
) -> None:
    db = fresh_db
    db.execute("PRAGMA foreign_keys=OFF")

    def attempt(d: int, at: datetime = NOW) -> tuple[int, bool]:
        a = outbox.begin_attempt(db, d, at)
        return a.number, a.was_uncertain

    d = outbox.enqueue(db, 1, "card", NOW)
    assert attempt(d) == (1, False)
    # The process died mid-call: the next attempt must look before posting, from the
    # first attempt on (a later attempt does not move the window).
    later = NOW + timedelta(hours=3)
    assert attempt(d, later) == (2, True)
    assert outbox.begin_attempt(db, d, later).first_at == NOW
    # Slack answered 429: certainty stays what it was (uncertain).
    outbox.not_posted(db, d, True)
    assert attempt(d)[1] is True
    e = outbox.enqueue(db, 2, "card", NOW)
    _, was = attempt(e)
    outbox.not_posted(db, e, was)  # a refusal (429, channel_not_found): not posted
    assert attempt(e) == (2, False)
