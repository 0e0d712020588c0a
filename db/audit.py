"""HR's access log: who looked at or exported what, when, and why. Append-only.

Purposes are free text and may name people, so they are sealed like narratives.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlite_utils

from bot.domain.stats import Access
from db import timeline
from db.rows import immediate, insert, iso
from db.sealed import seal, unseal
from db.stats import Range, where


def record(
    db: sqlite_utils.Database,
    at: datetime,
    actor: str,
    action: str,
    target: str,
    purpose: str = "",
    case_id: int | None = None,
    **detail: Any,
) -> int:
    """Log one access; a case view also goes on the case's own timeline (without the
    purpose, which stays sealed here), so responders see that HR looked."""
    with immediate(db):
        audit_id = insert(
            db,
            "audit",
            {
                "at": iso(at),
                "actor": actor,
                "action": action,
                "case_id": case_id,
                "target": target,
                "purpose": seal(db, "audit.purpose", purpose) if purpose else None,
                "detail": json.dumps(detail, ensure_ascii=False),
            },
        )
        if case_id is not None:
            timeline.add(db, case_id, at, actor, "hr_viewed", audit_id=audit_id)
    return audit_id


def accesses(db: sqlite_utils.Database, period: Range, limit: int = 40) -> tuple[int, list[Access]]:
    """(how many in the period, the newest `limit` of them), via the audit(at) index."""
    cond, params = where("at", period)
    total = int(db.execute(f"SELECT COUNT(*) FROM audit WHERE {cond}", params).fetchone()[0])
    rows = db.execute(
        f"SELECT at, actor, action, target, purpose, detail FROM audit WHERE {cond} "
        f"ORDER BY at DESC, id DESC LIMIT ?",
        [*params, limit],
    ).fetchall()
    out = [
        Access(
            datetime.fromisoformat(at),
            actor,
            action,
            target or "",
            unseal(db, "audit.purpose", purpose) or "",
            json.loads(detail or "{}"),
        )
        for at, actor, action, target, purpose, detail in rows
    ]
    return total, out
