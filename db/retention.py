"""Retention: purging what is due after a case closes, legal holds, and the deletion record.

Each rule empties a set of columns of one case (the case row, its number, dates,
categories and the bare timeline stay: HR's statistics and the proof that the case was
handled outlive the sensitive content). A `deletions` row records what went, when and
under which rule; a rule already applied since the case last closed is not applied
again (a purged case that is reopened and closed again is purged again: what was added
meanwhile is due like anything else).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlite_utils

from db import customer_ids, reminders, shared_copies, timeline
from db.rows import immediate, iso, open_reporter
from db.sealed import PREFIX, seal, unseal

# rule -> (table, column, value after purge, key column naming the case). Tables from
# other features are purged when they exist, so a rule covers what they store too.
TARGETS: dict[str, tuple[tuple[str, str, str | None, str], ...]] = {
    "narrative": (
        ("cases", "narrative", None, "id"),
        ("cases", "demand", None, "id"),
        ("cases", "closing_summary", None, "id"),
        ("assessments", "reason", None, "case_id"),
        ("measures", "detail", None, "case_id"),
        ("measures", "ended_reason", None, "case_id"),  # why withdrawn or rejected
        ("case_steps", "note", None, "case_id"),
    ),
    "evidence": (
        ("cases", "evidence_links", None, "id"),
        ("cases", "evidence_files", None, "id"),
        # A message reported from its shortcut (issue 13): its text and its link.
        ("reported_messages", "text", None, "case_id"),
        ("reported_messages", "permalink", None, "case_id"),
        # The sealed copies of evidence files (issue 12): the bytes and which file.
        ("evidence_copies", "content", None, "case_id"),
        ("evidence_copies", "file_id", None, "case_id"),
    ),
    "identity": (
        ("cases", "reporter_id", "(deleted)", "id"),
        ("cases", "reporter_ref", None, "id"),
        ("outbox", "channel", None, "case_id"),
        # The person a report was filed for (issue 13): as identifying as the reporter.
        ("cases", "affected_name", None, "id"),
        ("cases", "affected_site", None, "id"),
        ("cases", "affected_user", None, "id"),
        # Where she was when she asked for help now (issue 11): it leads to her.
        ("cases", "place", None, "id"),
    ),
    "timeline": (("timeline", "detail", "{}", "case_id"),),
}


@dataclass(frozen=True)
class Hold:
    case_id: int
    reason: str
    set_by: str
    set_at: str


# A timeline entry keeps, sealed in its detail, copies of the narrative's kind of text:
# messages to and from the employee, what she added, notes, reasons, the closing
# summary. They go under the narrative rule, not years later with the timeline's own
# rule; the entry itself (who, what, when) stays. A legal hold's reason stays with the
# hold it explains (legal_holds.reason is kept too).
_KEEPS_TEXT = frozenset({"legal_hold_set"})


def _purge_timeline_texts(db: sqlite_utils.Database, case_id: int) -> bool:
    """Drop every sealed string from the case's timeline details; True if any went."""
    rows = db.execute(
        "SELECT id, event, detail FROM timeline WHERE case_id = ? AND detail LIKE ?",
        [case_id, f'%"{PREFIX}:%'],
    ).fetchall()
    purged = False
    for entry_id, event, detail in rows:
        data = json.loads(detail or "{}")
        if event in _KEEPS_TEXT or not isinstance(data, dict):
            continue
        kept = {
            k: v for k, v in data.items() if not (isinstance(v, str) and v.startswith(PREFIX + ":"))
        }
        if kept != data:
            db.execute(
                "UPDATE timeline SET detail = ? WHERE id = ?",
                [json.dumps(kept, ensure_ascii=False), entry_id],
            )
            purged = True
    return purged


def _columns(db: sqlite_utils.Database, table: str) -> set[str]:
    return {c.name for c in db.table(table).columns} if db.table(table).exists() else set()


def due(
    db: sqlite_utils.Database, rule: str, period: timedelta, now: datetime
) -> list[tuple[int, str]]:
    """(case id, case no) closed before now - period, not held, rule not applied since
    the case last closed."""
    rows = db.execute(
        """
        SELECT c.id, c.case_no FROM cases c
        WHERE c.closed_at IS NOT NULL AND c.closed_at <= ?
          AND NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.case_id = c.id)
          AND NOT EXISTS (SELECT 1 FROM deletions d
                          WHERE d.case_id = c.id AND d.rule = ? AND d.at >= c.closed_at)
        ORDER BY c.closed_at LIMIT 100
        """,
        [iso(now - period), rule],
    ).fetchall()
    return [(int(i), str(n)) for i, n in rows]


def purge(db: sqlite_utils.Database, case_id: int, rule: str, now: datetime) -> bool:
    """Apply one rule to one case in one transaction; False if a hold came in between."""
    with immediate(db):
        if db.execute("SELECT 1 FROM legal_holds WHERE case_id = ?", [case_id]).fetchone():
            return False
        case_no, stored_reporter = db.execute(
            "SELECT case_no, reporter_id FROM cases WHERE id = ?", [case_id]
        ).fetchone()
        reporter = open_reporter(db, stored_reporter)  # before the rule overwrites it
        for table, column, value, key in TARGETS[rule]:
            if column not in _columns(db, table):
                continue
            db.execute(f"UPDATE [{table}] SET [{column}] = ? WHERE [{key}] = ?", [value, case_id])
            db.table("deletions").insert(
                {
                    "case_id": case_id,
                    "case_no": case_no,
                    "what": f"{table}.{column}",
                    "rule": rule,
                    "at": iso(now),
                }
            )
        if rule == "narrative" and _purge_timeline_texts(db, case_id):
            db.table("deletions").insert(
                {
                    "case_id": case_id,
                    "case_no": case_no,
                    "what": "timeline.text",
                    "rule": rule,
                    "at": iso(now),
                }
            )
        # The copies shared into viewers' DMs go from Slack too (the delivery loop
        # deletes them; their rows stay as the record of who was shown what, when).
        if rule == "evidence" and shared_copies.expire_case(db, case_id, now):
            db.table("deletions").insert({"case_id": case_id, "case_no": case_no,
                "what": shared_copies.IN_SLACK, "rule": rule, "at": iso(now)})  # fmt: skip
        if rule == "identity":
            reminders.forget_channels(db, case_id)  # a welfare check-in's DM channel
            db.execute("DELETE FROM case_customers WHERE case_id = ?", [case_id])
            if customer_ids.purge(db, case_id):  # the values as typed (issue 12)
                db.table("deletions").insert({"case_id": case_id, "case_no": case_no,
                    "what": customer_ids.COLUMN, "rule": rule, "at": iso(now)})  # fmt: skip
            # A reporter who agreed to be named is the actor of the "reported" entry,
            # and of what they added or replied: the timeline keeps "reporter" only.
            db.execute(
                "UPDATE timeline SET actor = 'reporter' WHERE case_id = ?"
                " AND (event = 'reported' OR actor = ?)",
                [case_id, reporter],
            )
            db.table("deletions").insert(
                {
                    "case_id": case_id,
                    "case_no": case_no,
                    "what": "case_customers",
                    "rule": rule,
                    "at": iso(now),
                }
            )
        timeline.add(db, case_id, now, "retention", "purged", rule=rule)
    return True


def identity_purged(db: sqlite_utils.Database, case_id: int) -> bool:
    """The reporter's ID is gone: nothing can be sent to them any more."""
    return bool(
        db.execute(
            "SELECT 1 FROM deletions WHERE case_id = ? AND rule = 'identity'", [case_id]
        ).fetchone()
    )


def set_hold(db: sqlite_utils.Database, case_id: int, by: str, reason: str, at: datetime) -> bool:
    """True if newly held; the reason is sealed (it may describe the litigation)."""
    with immediate(db):
        if db.execute("SELECT 1 FROM legal_holds WHERE case_id = ?", [case_id]).fetchone():
            return False
        db.table("legal_holds").insert(
            {
                "case_id": case_id,
                "reason": seal(db, "legal_holds.reason", reason),
                "set_by": by,
                "set_at": iso(at),
            }
        )
        timeline.add(db, case_id, at, by, "legal_hold_set", reason=seal(db, timeline.TEXT, reason))
    return True


def release_hold(db: sqlite_utils.Database, case_id: int, by: str, at: datetime) -> bool:
    with immediate(db):
        gone = db.execute("DELETE FROM legal_holds WHERE case_id = ?", [case_id]).rowcount
        if gone:
            timeline.add(db, case_id, at, by, "legal_hold_released")
    return bool(gone)


def get_hold(db: sqlite_utils.Database, case_id: int) -> Hold | None:
    row = db.execute(
        "SELECT reason, set_by, set_at FROM legal_holds WHERE case_id = ?", [case_id]
    ).fetchone()
    if row is None:
        return None
    return Hold(case_id, unseal(db, "legal_holds.reason", row[0]) or "", row[1], row[2])
