"""A report filed on someone's behalf (m160_on_behalf): the person affected, sealed,
and their taking over the conversation from the colleague who filed it."""

from __future__ import annotations

from datetime import datetime

import sqlite_utils

from bot.domain.report import Behalf
from db import timeline
from db.cases import stored_reporter
from db.rows import immediate, open_reporter
from db.sealed import unseal


def behalf_of(db: sqlite_utils.Database, case_id: int) -> Behalf | None:
    row = db.execute(
        "SELECT on_behalf, affected_name, affected_site, affected_user, affected_agreed"
        " FROM cases WHERE id = ?",
        [case_id],
    ).fetchone()
    if row is None or not row[0]:
        return None
    return Behalf(
        unseal(db, "cases.affected_name", row[1]) or "",
        unseal(db, "cases.affected_site", row[2]) or "",
        unseal(db, "cases.affected_user", row[3]),
        bool(row[4]),
    )


def take_over(
    db: sqlite_utils.Database,
    case_id: int,
    user_id: str,
    lang: str,
    ref: str,
    at: datetime,
) -> str | None:
    """`user_id`, the person the report was filed for, becomes the case's contact: the
    team's messages go to them from now on. Returns the filer's ID (to tell them), or
    None if `user_id` is not the person affected (or already the contact)."""
    with immediate(db):
        found = behalf_of(db, case_id)
        if found is None or found.user_id != user_id:
            return None
        row = db.execute(
            "SELECT reporter_id, reporter_ref, show_name FROM cases WHERE id = ?", [case_id]
        ).fetchone()
        if row[1] == ref:
            return None
        filer = open_reporter(db, row[0])
        db.execute(
            "UPDATE cases SET reporter_id = ?, reporter_ref = ?, reporter_lang = ? WHERE id = ?",
            [stored_reporter(db, user_id, bool(row[2])), ref, lang, case_id],
        )
        # "reporter": like a confidential reporter, the timeline does not name them.
        timeline.add(db, case_id, at, "reporter", "conversation_taken_over")
        return filer
