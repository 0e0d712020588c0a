"""A case happening now is closed: the call for someone to go to her is over for good.

Called inside the close's transaction (db/handling.py). The call does not come back
if the case is reopened (the views key "over" on Case.call_over, a 'closed' entry in
the timeline): what follows a reopening is the team's handling, not a summons. So
the summons stops widening, and the place she typed (needed only by whoever went to
her) is erased, with a `deletions` row as evidence like any retention rule. A legal
hold keeps it (it is not shown anyway once the call is over).
"""

from __future__ import annotations

from datetime import datetime

import sqlite_utils

from bot.domain.stored import ReminderKind
from db.rows import CALL_OVER_RULE, iso


def end_call(db: sqlite_utils.Database, case_id: int, at: datetime) -> None:
    db.execute(
        "UPDATE reminders SET fired_at = ?, outcome = 'skipped'"
        " WHERE case_id = ? AND kind = ? AND fired_at IS NULL",
        [iso(at), case_id, ReminderKind.SUMMON.value],
    )
    held = db.execute("SELECT 1 FROM legal_holds WHERE case_id = ?", [case_id]).fetchone()
    row = db.execute("SELECT case_no, place FROM cases WHERE id = ?", [case_id]).fetchone()
    if held or row is None or row[1] is None:
        return
    db.execute("UPDATE cases SET place = NULL WHERE id = ?", [case_id])
    what = "cases.place"
    db.table("deletions").insert(
        {"case_id": case_id, "case_no": row[0], "what": what, "rule": CALL_OVER_RULE, "at": iso(at)}
    )
