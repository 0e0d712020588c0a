"""Where and when the policy announcement was posted (m130): what HR shows as "made known"."""

from __future__ import annotations

from datetime import datetime

import sqlite_utils

from bot.domain.review import Announcement
from db.recount import Range, where
from db.rows import iso


def record(
    db: sqlite_utils.Database,
    at: datetime,
    channel: str,
    channel_name: str,
    posted_by: str,
    ts: str,
    policy_version: str,
) -> None:
    db.table("announcements").insert(
        {"at": iso(at), "channel": channel, "channel_name": channel_name,
         "posted_by": posted_by, "ts": ts, "policy_version": policy_version}
    )  # fmt: skip


def listed(db: sqlite_utils.Database, period: Range, limit: int = 200) -> list[Announcement]:
    """The period's announcements, oldest first (a year has a handful, not thousands)."""
    cond, params = where("at", period)
    rows = db.execute(
        "SELECT at, channel, channel_name, posted_by, policy_version FROM announcements "
        f"WHERE {cond} ORDER BY at, id LIMIT ?",
        [*params, limit],
    ).fetchall()
    return [
        Announcement(datetime.fromisoformat(a), c, n or "", b, v or "") for a, c, n, b, v in rows
    ]
