"""Conversions between SQLite rows and domain objects."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from bot.domain.case import Case
from db.sealed import PREFIX, unseal


def iso(when: datetime) -> str:
    """Store every time as UTC ISO-8601 so text order is time order."""
    return when.astimezone(UTC).isoformat(timespec="microseconds")


def parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@contextmanager
def immediate(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """A write transaction that takes the write lock up front (BEGIN IMMEDIATE).

    A plain BEGIN that reads and then writes fails at once with "database is locked"
    when another process holds the lock: SQLite cannot wait for an upgrade without
    risking a deadlock. Taking the lock first makes busy_timeout apply instead."""
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.rollback()
        raise
    db.execute("COMMIT")


def open_reporter(db: sqlite_utils.Database, stored: str) -> str:
    """cases.reporter_id is sealed when the reporter asked for confidentiality (m040)."""
    if stored.startswith(PREFIX + ":"):
        return unseal(db, "cases.reporter_id", stored) or ""
    return stored


def case_from_row(db: sqlite_utils.Database, row: dict[str, Any]) -> Case:
    return Case(
        id=row["id"],
        case_no=row["case_no"],
        reporter_id=open_reporter(db, row["reporter_id"]),
        reporter_ref=row.get("reporter_ref"),
        reporter_lang=row["reporter_lang"] or "en",
        show_name=bool(row["show_name"]),
        counseling_ok=bool(row["counseling_ok"]),
        occurred_at=datetime.fromisoformat(row["occurred_at"]),
        reported_at=datetime.fromisoformat(row["reported_at"]),
        contact_channel=row["contact_channel"],
        categories=tuple(json.loads(row["categories"] or "[]")),
        severity=row["severity"],
        danger=row["danger"],
        demand=unseal(db, "cases.demand", row["demand"]) or "",
        narrative=unseal(db, "cases.narrative", row["narrative"]) or "",
        evidence_links=tuple(
            json.loads(unseal(db, "cases.evidence_links", row["evidence_links"]) or "[]")
        ),
        evidence_files=tuple(
            json.loads(unseal(db, "cases.evidence_files", row["evidence_files"]) or "[]")
        ),
        status=row["status"],
        policy_version=row["policy_version"],
        legal_on_duty=row["legal_on_duty"] or "",
        counseling_on_duty=row["counseling_on_duty"] or "",
        repeat_count=row["repeat_count"] or 0,
        card_channel=row["card_channel"],
        card_ts=row["card_ts"],
        thread_ts=row["thread_ts"],
        acknowledged_at=parse_time(row["acknowledged_at"]),
        closed_at=parse_time(row["closed_at"]),
        lead=row.get("lead"),
        room_channel=row.get("room_channel"),
        room_closed=bool(row.get("room_archived_at")),
        quick=bool(row.get("quick")),
        site=row.get("site"),
        place=unseal(db, "cases.place", row.get("place")) or "",
        helper_may_know=bool(row.get("helper_may_know")),
        summoned=tuple(json.loads(row.get("summoned") or "[]")),
        helper=row.get("helper"),
        on_behalf=bool(row.get("on_behalf")),
        **call_state(db, row["id"]),
    )


# The deletions rule under which the place she typed is erased at close (db/call_over.py).
CALL_OVER_RULE = "call_over"


def call_state(db: sqlite_utils.Database, case_id: int) -> dict[str, bool]:
    """Whether the case was ever closed, and its place erased then (db/call_over.py).
    The timeline keeps the 'closed' entry through reopening and every retention rule."""
    over, removed = db.execute(
        "SELECT EXISTS (SELECT 1 FROM timeline WHERE event = 'closed' AND case_id = ?),"
        " EXISTS (SELECT 1 FROM deletions WHERE case_id = ? AND what = 'cases.place'"
        " AND rule = ?)",
        [case_id, case_id, CALL_OVER_RULE],
    ).fetchone()
    return {"call_over": bool(over), "place_removed": bool(removed)}


def insert(db: sqlite_utils.Database, table: str, row: dict[str, Any]) -> int:
    """Insert a row and return its integer primary key."""
    pk = db.table(table).insert(row).last_pk
    assert isinstance(pk, int)
    return pk
