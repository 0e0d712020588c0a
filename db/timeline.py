"""The case timeline: who did what, when. Append-only."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlite_utils

from db.rows import iso

# The column name used as authenticated data for sealed strings inside `detail` JSON
# (reasons, notes, messages, added information): `seal(db, TEXT, value)`.
TEXT = "timeline.text"


@dataclass(frozen=True)
class Entry:
    at: datetime
    actor: str
    event: str
    detail: dict[str, Any]


def add(
    db: sqlite_utils.Database, case_id: int, at: datetime, actor: str, event: str, **detail: Any
) -> None:
    db.table("timeline").insert(
        {
            "case_id": case_id,
            "at": iso(at),
            "actor": actor,
            "event": event,
            "detail": json.dumps(detail, ensure_ascii=False),
        }
    )


def entries(db: sqlite_utils.Database, case_id: int) -> list[Entry]:
    rows = db.execute(
        "SELECT at, actor, event, detail FROM timeline WHERE case_id = ? ORDER BY id", [case_id]
    ).fetchall()
    return [
        Entry(datetime.fromisoformat(a), actor, ev, json.loads(d or "{}"))
        for a, actor, ev, d in rows
    ]
