"""The case timeline: who did what, when. Append-only."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlite_utils

from bot.domain.case_record import TimelineEntry
from db.rows import iso

# The column name used as authenticated data for sealed strings inside `detail` JSON
# (reasons, notes, messages, added information): `seal(db, TEXT, value)`.
TEXT = "timeline.text"




def add(
    db: sqlite_utils.Database,
    case_id: int,
    at: datetime,
    actor: str,
    event: str,
    *,
    view_id: str | None = None,
    **detail: Any,
) -> int:
    """Add an entry and return its id; `view_id` names the modal it came from (unique:
    m060)."""
    row = {
        "case_id": case_id,
        "at": iso(at),
        "actor": actor,
        "event": event,
        "detail": json.dumps(detail, ensure_ascii=False),
    }
    if view_id:
        row["view_id"] = view_id
    pk = db.table("timeline").insert(row).last_pk
    assert isinstance(pk, int)
    return pk


def has_view(db: sqlite_utils.Database, view_id: str) -> bool:
    """Whether an entry came from the modal `view_id` (a resubmission is the same)."""
    return bool(db.execute("SELECT 1 FROM timeline WHERE view_id = ?", [view_id]).fetchone())


def entries(db: sqlite_utils.Database, case_id: int) -> list[TimelineEntry]:
    rows = db.execute(
        "SELECT at, actor, event, detail FROM timeline WHERE case_id = ? ORDER BY id", [case_id]
    ).fetchall()
    return [
        TimelineEntry(datetime.fromisoformat(a), actor, ev, json.loads(d or "{}"))
        for a, actor, ev, d in rows
    ]


def revision(db: sqlite_utils.Database, case_id: int) -> int:
    """The newest timeline entry's id: every change to a case adds one, so a card drawn
    at revision N is current while this is still N."""
    row = db.execute("SELECT MAX(id) FROM timeline WHERE case_id = ?", [case_id]).fetchone()
    return int(row[0] or 0)
