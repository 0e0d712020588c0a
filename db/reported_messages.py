"""A message reported through its shortcut: kept sealed from the moment the form
opens, attached to the case when the form is submitted.

The form opens first (Slack's trigger lasts 3 s), then the message is kept here under
a random token that only the form's private_metadata carries; the text never travels
back through Slack. A token that no submission claims (the form was cancelled) is
deleted by `forget_unclaimed` after a day.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlite_utils

from bot.domain.reported_message import Kept, ReportedMessage
from db.rows import iso, parse_time
from db.sealed import seal, unseal

TABLE = "reported_messages"
UNCLAIMED_FOR = timedelta(days=1)


def keep(
    db: sqlite_utils.Database, token: str, msg: ReportedMessage, permalink: str, now: datetime
) -> None:
    db.table(TABLE).insert(
        {
            "token": token,
            "case_id": None,
            "at": iso(msg.at),
            "sender_external": int(msg.sender_external),
            # Both sealed: the text is evidence, and the link names the conversation
            # (a DM's channel is the employee's own conversation with the customer).
            "text": seal(db, f"{TABLE}.text", msg.text),
            "permalink": seal(db, f"{TABLE}.permalink", permalink),
            "kept_at": iso(now),
        },
        replace=True,
    )


def set_permalink(db: sqlite_utils.Database, token: str, permalink: str) -> None:
    """Slack's own link (chat.getPermalink), when the bot could ask for it."""
    db.execute(
        f"UPDATE {TABLE} SET permalink = ? WHERE token = ? AND case_id IS NULL",
        [seal(db, f"{TABLE}.permalink", permalink), token],
    )


def link_of(db: sqlite_utils.Database, token: str) -> str | None:
    """The link of the message kept under the token and not yet claimed, if any."""
    row = db.execute(
        f"SELECT permalink FROM {TABLE} WHERE token = ? AND case_id IS NULL", [token]
    ).fetchone()
    return unseal(db, f"{TABLE}.permalink", row[0]) if row else None


def claim(db: sqlite_utils.Database, token: str, case_id: int) -> None:
    """Attach the kept message to the case (in the case's transaction)."""
    db.execute(
        f"UPDATE {TABLE} SET case_id = ? WHERE token = ? AND case_id IS NULL", [case_id, token]
    )


def of_case(db: sqlite_utils.Database, case_id: int) -> list[Kept]:
    if not db.table(TABLE).exists():
        return []
    rows = db.execute(
        f"SELECT text, permalink, at, sender_external FROM {TABLE} WHERE case_id = ?"
        " ORDER BY rowid",
        [case_id],
    ).fetchall()
    return [
        Kept(
            unseal(db, f"{TABLE}.text", text) or "",
            unseal(db, f"{TABLE}.permalink", link) or "",
            parse_time(at) or datetime.min,
            bool(external),
        )
        for text, link, at, external in rows
    ]


def forget_unclaimed(db: sqlite_utils.Database, now: datetime) -> int:
    """Messages whose form was never submitted: gone after a day."""
    return db.execute(
        f"DELETE FROM {TABLE} WHERE case_id IS NULL AND kept_at < ?",
        [iso(now - UNCLAIMED_FOR)],
    ).rowcount
