"""The policy versions the bot has run with, and moving a case to another version.

A version's row is written the first time the bot starts with it and never changed:
the cases opened under it are drawn from it for as long as they exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import sqlite_utils

from bot.domain.policy_versions import StoredVersion
from bot.domain.stored import step_key
from db import reminders, timeline
from db.handling import Outcome, claim_view, is_closed, view_seen
from db.rows import immediate, iso
from db.sealed import seal


def record(
    db: sqlite_utils.Database, version: str, content_hash: str, source: bytes, at: datetime
) -> StoredVersion | None:
    """Keep this version if it is new; the earlier row if the version string is already
    stored with a different content (the caller refuses to start), else None.

    A version already stored is only read: a restart must not need the write lock,
    which another process (a backup, a stuck writer) may hold past the busy timeout."""
    found = [v for v in stored(db) if v.version == version]
    if found:
        return found[0] if found[0].content_hash != content_hash else None
    with immediate(db):
        db.execute(
            "INSERT OR IGNORE INTO policy_versions (version, content_hash, source, first_seen_at)"
            " VALUES (?, ?, ?, ?)",
            [version, content_hash, source, iso(at)],
        )
        found = [v for v in stored(db) if v.version == version]
    return found[0] if found and found[0].content_hash != content_hash else None


def adopt(db: sqlite_utils.Database, version: str, content_hash: str, source: bytes) -> bool:
    """Keep a packaged earlier version that cases were opened under before versions were
    stored; dated by the first of those cases. False: not stored (no case uses it, or
    the version is already kept)."""
    # Read first: a start with nothing to adopt must not need the write lock.
    first = db.execute(
        "SELECT MIN(reported_at) FROM cases WHERE policy_version = ?", [version]
    ).fetchone()[0]
    if first is None:
        return False
    with immediate(db):
        cur = db.execute(
            "INSERT OR IGNORE INTO policy_versions (version, content_hash, source, first_seen_at)"
            " VALUES (?, ?, ?, ?)",
            [version, content_hash, source, first],
        )
        return bool(cur.rowcount)


def stored(db: sqlite_utils.Database) -> list[StoredVersion]:
    rows = db.execute(
        "SELECT version, content_hash, source, first_seen_at FROM policy_versions"
        " ORDER BY first_seen_at, version"
    ).fetchall()
    return [StoredVersion(v, h, bytes(s), datetime.fromisoformat(at)) for v, h, s, at in rows]


def move_case(
    db: sqlite_utils.Database,
    case_id: int,
    at: datetime,
    actor: str,
    *,
    from_version: str,
    to_version: str,
    reason: str,
    added: Sequence[str],
    remind: Sequence[tuple[str, timedelta]],
    removed: Sequence[str],
    view_id: str | None,
) -> Outcome:
    """Move an open case from `from_version` to `to_version`, in one transaction.

    Steps already handled stay handled where the new version has the same step id (the
    case_steps rows are kept either way: a removed step's record stays in the history).
    The steps the case gains (`remind`: with their intervals) get their reminders,
    counted from the move; a removed step's pending reminders are skipped when they
    fall due (the case no longer has it).
    ALREADY: the same modal twice, or the case moved meanwhile."""
    with immediate(db):
        if view_seen(db, view_id):
            return Outcome.ALREADY
        if is_closed(db, case_id):
            return Outcome.CLOSED
        cur = db.execute(
            "UPDATE cases SET policy_version = ? WHERE id = ? AND policy_version = ?",
            [to_version, case_id, from_version],
        )
        if not cur.rowcount:
            return Outcome.ALREADY
        claim_view(db, view_id, at)
        for step_id, after in remind:
            reminders.schedule(
                db, step_key(case_id, step_id, 1), "step", at + after, at,
                case_id=case_id, chain=step_id,
            )  # fmt: skip
        timeline.add(
            db, case_id, at, actor, "policy_moved", view_id=view_id,
            policy_from=from_version, policy_to=to_version,
            steps_added=list(added), steps_removed=list(removed),
            reason=seal(db, timeline.TEXT, reason),
        )  # fmt: skip
        return Outcome.APPLIED
