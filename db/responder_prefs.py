"""A responder's own choices: whether the employee is told their name (issue 11)."""

from __future__ import annotations

from datetime import datetime

import sqlite_utils

from bot.domain.stored import OutboxKind
from db.rows import immediate, iso


def set_signing(db: sqlite_utils.Database, user_id: str, sign: bool, at: datetime) -> None:
    with immediate(db):
        db.execute(
            "INSERT INTO responder_prefs (user_id, sign_notices, set_at) VALUES (?, ?, ?)"
            " ON CONFLICT(user_id) DO UPDATE SET sign_notices = excluded.sign_notices,"
            " set_at = excluded.set_at",
            [user_id, int(sign), iso(at)],
        )


def signs_notices(db: sqlite_utils.Database, user_id: str | None) -> bool:
    """Off unless they chose it: by default the employee hears "someone from the team"."""
    if not user_id:
        return False
    row = db.execute(
        "SELECT sign_notices FROM responder_prefs WHERE user_id = ?", [user_id]
    ).fetchone()
    return bool(row and row[0])


# Who caused each "heard back" notice: the column of cases that names them.
_CAUSE = {
    OutboxKind.ACK_NOTICE: "acknowledged_by",
    OutboxKind.LEAD_NOTICE: "lead",
    OutboxKind.HELPER_NOTICE: "helper",
}


def notice_signer(db: sqlite_utils.Database, case_id: int, kind: OutboxKind) -> str | None:
    """The responder to name in this notice to the employee, if they chose to be named."""
    column = _CAUSE.get(kind)
    if column is None:
        return None
    row = db.execute(f"SELECT {column} FROM cases WHERE id = ?", [case_id]).fetchone()
    who = row[0] if row else None
    return who if signs_notices(db, who) else None
