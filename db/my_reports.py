"""The employee's own cases for "My reports" (issue 11 §4), found by her keyed ref.

A confidential reporter's ID is sealed in the case, so her cases are found through
cases.reporter_ref (db/cases.py reporter_ref), as a DM reply finds its case
(db/conversation.py). The lines are the sealed timeline texts she wrote or was sent:
what she added, the team's messages to her, her replies.
"""

from __future__ import annotations

import json

import sqlite_utils

from bot.domain.my_reports import ADDED, FROM_TEAM, TO_TEAM, Line, MyReport, MyReports
from db import timeline
from db.rows import parse_time
from db.sealed import unseal

_LINES = {"info_added": ADDED, "employee_messaged": FROM_TEAM, "employee_replied": TO_TEAM}


def my_reports(db: sqlite_utils.Database, ref: str, limit: int, lines: int) -> MyReports:
    """Her newest `limit` cases, newest first, each with its newest `lines` lines."""
    total = db.execute("SELECT COUNT(*) FROM cases WHERE reporter_ref = ?", [ref]).fetchone()[0]
    rows = db.execute(
        "SELECT id, case_no, status, reported_at, acknowledged_at, lead, quick, show_name,"
        " counseling_ok FROM cases WHERE reporter_ref = ? ORDER BY reported_at DESC, id DESC"
        " LIMIT ?",
        [ref, limit],
    ).fetchall()
    reports = []
    for cid, no, status, at, acked, lead, quick, named, ok in rows:
        shown, earlier = _lines(db, cid, lines)
        reported = parse_time(at)
        assert reported is not None
        flags = (bool(acked), bool(lead), bool(quick), bool(named), bool(ok))
        reports.append(MyReport(no, status, reported, *flags, shown, earlier))
    return MyReports(tuple(reports), int(total) - len(reports))


def _lines(db: sqlite_utils.Database, case_id: int, limit: int) -> tuple[tuple[Line, ...], int]:
    marks = ",".join("?" * len(_LINES))
    where = f"case_id = ? AND event IN ({marks})"
    n = db.execute(f"SELECT COUNT(*) FROM timeline WHERE {where}", [case_id, *_LINES]).fetchone()
    rows = db.execute(
        f"SELECT at, actor, event, detail FROM timeline WHERE {where} ORDER BY id DESC LIMIT ?",
        [case_id, *_LINES, limit],
    ).fetchall()
    out = []
    for at, actor, event, detail in reversed(rows):
        d = json.loads(detail or "{}")
        text = unseal(db, timeline.TEXT, d.get("text")) or ""
        when = parse_time(at)
        assert when is not None
        signer = actor if event == "employee_messaged" and d.get("signed") else None
        files = d.get("files")
        count = len(files) if isinstance(files, list) else 0
        # The retention rule empties the entry's detail (db/retention.py).
        out.append(Line(when, _LINES[event], text, signer, count, deleted=not d))
    return tuple(out), int(n[0]) - len(out)
