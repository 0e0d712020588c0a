"""Stored keys are a format: rows written by one version are read by the next, so the
strings in bot/domain/stored.py never change, every key the bot builds parses back,
and nothing outside that module spells a key by hand."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlite_utils

from bot.domain import stored
from bot.domain.stored import (
    CaseStatus,
    OutboxKind,
    ReminderKind,
    ack_key,
    digest_key,
    outbox_key,
    parse_outbox_key,
    parse_reminder_key,
    shift_key,
    step_key,
    summon_key,
    welfare_key,
)
from db import outbox

ROOT = Path(__file__).resolve().parents[1]

# The strings as stored in databases in use. Adding is fine; changing one is a migration.
OUTBOX = {
    "CARD": "card",
    "THREAD": "thread",
    "CONFIRMATION": "confirmation",
    "INFO_ADDED": "info_added",
    "TO_EMPLOYEE": "employee_message",
    "SENT_NOTE": "employee_message_note",
    "RELAY": "relay",
    "CLOSED_NOTICE": "closed_notice",
    "REMINDER": "reminder",
    "DIGEST": "digest",
    "WELFARE": "welfare",
    "NOTICE": "notice",
    "ACK_NOTICE": "ack_notice",
    "LEAD_NOTICE": "lead_notice",
    "HELPER_NOTICE": "helper_notice",
    "BEHALF_NOTICE": "behalf_notice",
    "REPORTER_NOTE": "reporter_note",
    "COUNSELING_PING": "counseling_ping",
    "EVIDENCE_COPY": "evidence_copy",
    "EVIDENCE_ADDED": "evidence_added",
    "SHARED_COPY_DELETE": "shared_copy_delete",
    "HELPER_SUMMONS": "helper_summons",
    "WHERE_ADDED": "where_added",
    "REPORT_COMPLETED": "report_completed",
}
REMINDERS = {"ACK": "ack", "STEP": "step", "SHIFT": "shift", "WELFARE": "welfare",
             "DIGEST": "digest", "SUMMON": "summon"}  # fmt: skip
STATUSES = {"NEW": "new", "ACKNOWLEDGED": "acknowledged", "IN_PROGRESS": "in_progress",
            "CLOSED": "closed"}  # fmt: skip
AT = "2026-03-01T00:00:00.000000+00:00"  # a stored time holds colons itself


def test_stored_strings_never_change() -> None:
    assert {k.name: k.value for k in OutboxKind} == OUTBOX
    assert {k.name: k.value for k in ReminderKind} == REMINDERS
    assert {k.name: k.value for k in CaseStatus} == STATUSES


@pytest.mark.parametrize(
    ("built", "expected"),
    [
        (ack_key(7, 2), "ack:7:2"),
        (step_key(7, "care", 1), "step:7:care:1"),
        (shift_key(7, "legal", "U0LEGAL001", AT), f"shift:7:legal:U0LEGAL001:{AT}"),
        (welfare_key(7, AT), f"welfare:7:{AT}"),
        (digest_key("2026-03-01"), "digest:2026-03-01"),
        (summon_key(7, 2), "summon:7:2"),
    ],
)
def test_reminder_keys_build_and_parse_back(built: str, expected: str) -> None:
    assert built == expected
    assert str(parse_reminder_key(built)) == built


def test_a_shift_key_names_its_member_even_with_a_time_in_it() -> None:
    assert parse_reminder_key(shift_key(7, "legal", "U0LEGAL001", AT)).member == "U0LEGAL001"
    with pytest.raises(ValueError):
        parse_reminder_key(ack_key(7, 1)).member  # noqa: B018 (the property raises)


@pytest.mark.parametrize("bad", ["", "ack", "ack:7", "nudge:7:1", "step:7::1", "digest:"])
def test_a_key_the_bot_did_not_build_is_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_reminder_key(bad)


def test_outbox_keys_build_and_parse_back() -> None:
    assert outbox_key(OutboxKind.CARD) == "card"
    assert outbox_key(OutboxKind.RELAY, 42) == "relay:42"
    assert parse_outbox_key("relay:42").ref_id == 42
    assert parse_outbox_key("employee_message_note:3").kind is OutboxKind.SENT_NOTE
    with pytest.raises(ValueError):
        parse_outbox_key("carrier_pigeon:1")
    with pytest.raises(ValueError):
        parse_outbox_key("card").ref_id  # noqa: B018 (the property raises)


def _destination(kind: str) -> str:
    """Where db/outbox.py's SQL sends a delivery of this kind."""
    db = sqlite_utils.Database(memory=True)
    db.execute("CREATE TABLE o (kind TEXT)")
    db.execute("INSERT INTO o VALUES (?)", [kind])
    sql = outbox._DESTINATION.format(t="o")
    return str(db.execute(f"SELECT {sql} FROM o").fetchone()[0])


@pytest.mark.parametrize("kind", list(OutboxKind))
def test_the_outbox_sql_sends_each_kind_where_the_domain_says(kind: OutboxKind) -> None:
    expected = "employee" if kind in stored.EMPLOYEE_KINDS else "team"
    if kind in stored.EVIDENCE_KINDS:
        expected = "evidence"
    if kind in stored.SHARED_COPY_KINDS:
        expected = "shared_copy"
    assert _destination(outbox_key(kind, 5 if kind in stored.WITH_REF else None)) == expected


# A key spelled by hand: an f-string or literal starting with a stored prefix and a colon.
HAND_MADE = re.compile(
    r"""f?["'](?:ack|step|shift|welfare|digest|reminder|notice|relay|employee_message"""
    r"""(?:_note)?):[{"']"""
)


def _hand_made_keys(text: str) -> list[str]:
    return HAND_MADE.findall(text)


def test_the_hand_made_key_check_can_fail() -> None:
    assert _hand_made_keys('key = f"ack:{case.id}:{n}"')
    assert _hand_made_keys("kind LIKE 'welfare:%'") == []  # SQL patterns are not keys


def test_no_key_is_spelled_outside_the_stored_module() -> None:
    found = {
        str(path.relative_to(ROOT)): hits
        for folder in ("bot", "db", "handlers")
        for path in (ROOT / folder).rglob("*.py")
        if path.name != "stored.py" and (hits := _hand_made_keys(path.read_text("utf-8")))
    }
    assert found == {}
