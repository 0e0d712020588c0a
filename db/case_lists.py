"""Short lists of cases for the App Home: a reporter's own, and a responder's open,
led and overdue cases. Plain reads; nothing sealed is opened."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import sqlite_utils

from bot.domain.stats import CaseRef
from db.rows import iso

OPEN = "status != 'closed'"


def own_cases(
    db: sqlite_utils.Database, ref: str, limit: int
) -> list[tuple[str, str, datetime]]:
    """(case no, status, reported at) of the cases filed by reporter_ref `ref`, newest first."""
    rows = db.execute(
        "SELECT case_no, status, reported_at FROM cases WHERE reporter_ref = ? "
        "ORDER BY reported_at DESC LIMIT ?",
        [ref, limit],
    ).fetchall()
    return [(no, st, datetime.fromisoformat(at)) for no, st, at in rows]


def count_open(db: sqlite_utils.Database) -> int:
    return int(db.execute(f"SELECT COUNT(*) FROM cases WHERE {OPEN}").fetchone()[0])


def _refs(rows: list[tuple[str, str | None, str | None]]) -> list[CaseRef]:
    return [CaseRef(no, ch, ts) for no, ch, ts in rows]


def newest_open(db: sqlite_utils.Database, limit: int) -> list[CaseRef]:
    return _refs(
        db.execute(
            f"SELECT case_no, card_channel, card_ts FROM cases WHERE {OPEN} "
            "ORDER BY reported_at DESC LIMIT ?",
            [limit],
        ).fetchall()
    )


def led_by(db: sqlite_utils.Database, user_id: str, limit: int) -> list[CaseRef]:
    return _refs(
        db.execute(
            f"SELECT case_no, card_channel, card_ts FROM cases WHERE {OPEN} AND lead = ? "
            "ORDER BY reported_at DESC LIMIT ?",
            [user_id, limit],
        ).fetchall()
    )


def overdue_steps(
    db: sqlite_utils.Database,
    steps: Sequence[tuple[str, str, timedelta]],
    now: datetime,
    limit: int,
    current: str = "",
) -> list[tuple[CaseRef, str]]:
    """Open cases past a step's interval with that step not done, oldest first.

    `steps` are (policy version, step id, interval): each case is held to the steps of
    its own version; a case whose version is not among them, to `current`'s."""
    if not steps:
        return []
    # Policy steps are data (Python), cases are rows: the steps go in as a VALUES
    # table so SQLite finds the open cases past each step's interval in one query.
    values = ",".join("(?, ?, ?)" for _ in steps)
    params: list[object] = []
    for version, step_id, after in steps:
        params += [version, step_id, iso(now - after)]
    rows = db.execute(
        f"""
        WITH steps(version, step_id, due_before) AS (VALUES {values})
        SELECT c.case_no, c.card_channel, c.card_ts, s.step_id
        FROM cases c JOIN steps s ON c.reported_at < s.due_before
          AND (s.version = c.policy_version OR (s.version = ?
               AND c.policy_version NOT IN (SELECT version FROM steps)))
        WHERE c.{OPEN} AND NOT EXISTS (
          SELECT 1 FROM case_steps d WHERE d.case_id = c.id AND d.step_id = s.step_id)
        ORDER BY c.reported_at LIMIT ?
        """,
        [*params, current, limit],
    ).fetchall()
    return [(CaseRef(no, ch, ts), step) for no, ch, ts, step in rows]
