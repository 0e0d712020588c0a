"""Cases: filing one atomically, and reading them back."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlite_utils

from bot.domain.case import Case, EarlierCase
from bot.domain.case_ids import format_case_no
from bot.domain.report import Report
from bot.domain.stats import CaseRef
from bot.domain.stored import OutboxKind, outbox_key
from bot.domain.urgent import Where
from db import customer_ids, evidence_copies, outbox, reported_messages, summons, timeline
from db.rows import case_from_row, immediate, insert, iso
from db.sealed import seal

# What a new case must get to Slack, in order: the thread reply needs the card's ts.
NEW_CASE_DELIVERIES = (OutboxKind.CARD, OutboxKind.THREAD, OutboxKind.CONFIRMATION)


@dataclass(frozen=True)
class NewCase:
    report: Report
    reporter_id: str
    reporter_lang: str
    view_id: str | None
    reported_at: datetime
    year: int  # in the company's time zone
    policy_version: str
    customer_hashes: dict[str, str]  # kind -> keyed hash
    legal_on_duty: str
    counseling_on_duty: str
    repeat_window: timedelta
    # reporter_ref(settings.hash_key, reporter_id): finds "my reports" without the ID.
    reporter_ref: str | None = None
    # (token, link) of the message reported through its shortcut (issue 13)
    message: tuple[str, str] | None = None
    # Filed in one tap (issue 11): where the employee is; who is asked to go to them.
    where: Where | None = None
    summoned: tuple[str, ...] = ()
    # The workspace's host: its file links are Slack files, kept as sealed copies.
    workspace_host: str = ""


def reporter_ref(hash_key: bytes, user_id: str) -> str:
    """Keyed hash of a reporter's Slack ID (cases.reporter_ref), for "my reports" lookups:
    the ID itself is sealed for confidential reports, and a plain hash of a Slack ID
    could be reversed by hashing every member of the workspace."""
    return hmac.new(hash_key, b"reporter:" + user_id.encode(), hashlib.sha256).hexdigest()


def stored_reporter(db: sqlite_utils.Database, user_id: str, show_name: bool) -> str:
    """A reporter who asked for confidentiality is sealed like the narrative."""
    return user_id if show_name else seal(db, "cases.reporter_id", user_id) or ""


def earlier_count(
    db: sqlite_utils.Database, customer_hashes: dict[str, str], at: datetime, window: timedelta
) -> int:
    """How many cases named any of these customers within `window` before `at`."""
    hashes = sorted(set(customer_hashes.values()))
    if not hashes:
        return 0
    marks = ",".join("?" * len(hashes))
    return int(
        db.execute(
            f"SELECT COUNT(DISTINCT case_id) FROM case_customers "
            f"WHERE hash IN ({marks}) AND reported_at >= ?",
            [*hashes, iso(at - window)],
        ).fetchone()[0]
    )


def file_case(
    db: sqlite_utils.Database,
    new: NewCase,
    severity_for: Callable[[int], str],
    schedule: Callable[[sqlite_utils.Database, Case], None] | None = None,
) -> tuple[Case, bool]:
    """Store the case, its customers, timeline entry and pending deliveries in one
    transaction. Returns (case, created); a second submission of the same modal
    (Slack retry, double click) returns the first case with created=False.
    BEGIN IMMEDIATE: it reads, then writes, and must wait out another process's lock."""
    with immediate(db):
        if new.view_id:
            existing = db.execute(
                "SELECT id FROM cases WHERE view_id = ?", [new.view_id]
            ).fetchone()
            if existing:
                return get_case(db, existing[0]), False
        earlier = earlier_count(db, new.customer_hashes, new.reported_at, new.repeat_window)
        seq = db.execute(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM cases WHERE year = ?", [new.year]
        ).fetchone()[0]
        r = new.report
        links = list(r.evidence_links)
        if new.message is not None:
            # The reported message comes first; Slack's own link if it gave one.
            links.insert(0, reported_messages.link_of(db, new.message[0]) or new.message[1])
        behalf = r.behalf
        case_id = insert(
            db,
            "cases",
            {
                "case_no": format_case_no(new.year, seq),
                "year": new.year,
                "seq": seq,
                "view_id": new.view_id,
                "reporter_id": stored_reporter(db, new.reporter_id, r.show_name),
                "reporter_ref": new.reporter_ref,
                "reporter_lang": new.reporter_lang,
                "show_name": int(r.show_name),
                "counseling_ok": int(r.counseling_ok),
                "occurred_at": iso(r.occurred_at),
                "reported_at": iso(new.reported_at),
                "contact_channel": r.contact_channel,
                "categories": json.dumps(list(r.categories)),
                "severity": severity_for(earlier),
                "danger": r.danger,
                # Sensitive free text is sealed (db/sealed.py): a copied file reveals none.
                "demand": seal(db, "cases.demand", r.demand),
                "narrative": seal(db, "cases.narrative", r.narrative),
                "evidence_links": seal(db, "cases.evidence_links", json.dumps(links)),
                "evidence_files": seal(
                    db, "cases.evidence_files", json.dumps(list(r.evidence_files))
                ),
                # As typed, sealed, for acting on the customer (issue 12; the hashes below
                # find repeats).
                "customer_ids": customer_ids.sealed(db, r.identifiers),
                "status": "new",
                "policy_version": new.policy_version,
                "legal_on_duty": new.legal_on_duty,
                "counseling_on_duty": new.counseling_on_duty,
                "repeat_count": earlier,
                # Filed for someone else: the person is sealed like a confidential reporter.
                "on_behalf": int(behalf is not None),
                "affected_name": seal(db, "cases.affected_name", behalf.name) if behalf else None,
                "affected_site": seal(db, "cases.affected_site", behalf.site) if behalf else None,
                "affected_user": seal(db, "cases.affected_user", behalf.user_id)
                if behalf and behalf.user_id
                else None,
                "affected_agreed": int(behalf.agreed) if behalf else None,
                **_where_columns(db, new),
            },
        )
        if new.message is not None:
            reported_messages.claim(db, new.message[0], case_id)
        db.table("case_customers").insert_all(
            {"case_id": case_id, "kind": kind, "hash": h, "reported_at": iso(new.reported_at)}
            for kind, h in new.customer_hashes.items()
        )
        timeline.add(
            db,
            case_id,
            new.reported_at,
            # The timeline's actor is plain text: a confidential reporter is not named there.
            new.reporter_id if r.show_name else "reporter",
            "reported",
            severity=severity_for(earlier),
            policy_version=new.policy_version,
        )
        for kind in NEW_CASE_DELIVERIES:
            outbox.enqueue(db, case_id, outbox_key(kind), new.reported_at)
        # Each person asked to go to her hears it privately too (issue 11; db/summons.py).
        summons.queue(db, case_id, new.summoned, new.reported_at)
        # Each file is kept sealed, in case the employee deletes her upload (issue 12).
        evidence_copies.queue(
            db, case_id, [*r.evidence_files, *links], new.reported_at, new.workspace_host
        )
        if behalf and behalf.user_id and behalf.user_id != new.reporter_id:
            # The colleague filed for is on Slack: told privately, exactly once, like
            # the confirmation (bot/flows/delivery/render.py renders it).
            outbox.enqueue(db, case_id, outbox_key(OutboxKind.BEHALF_NOTICE), new.reported_at)
        case = get_case(db, case_id)
        if schedule is not None:  # reminders and escalation (db/reminders.py CasePlan)
            schedule(db, case)
        return case, True


def _where_columns(db: sqlite_utils.Database, new: NewCase) -> dict[str, object]:
    w = new.where
    columns: dict[str, object] = {"summoned": json.dumps(list(new.summoned))}
    if w is not None:
        columns.update(
            quick=1,
            site=w.site,
            place=seal(db, "cases.place", w.place) if w.place else None,
            helper_may_know=int(w.helper_may_know),
        )
    return columns


def get_case(db: sqlite_utils.Database, case_id: int) -> Case:
    return case_from_row(db, db.table("cases").get(case_id))


def find_case(db: sqlite_utils.Database, case_id: int | None) -> Case | None:
    """The case, or None if there is none (a reminder may outlive its case's purge)."""
    if case_id is None:
        return None
    rows = list(db.table("cases").rows_where("id = ?", [case_id]))
    return case_from_row(db, rows[0]) if rows else None


def awaiting_ack(db: sqlite_utils.Database) -> list[int]:
    """Cases whose card is in Slack and that nobody has acknowledged yet."""
    rows = db.execute(
        "SELECT id FROM cases WHERE status = 'new' AND acknowledged_at IS NULL"
        " AND card_ts IS NOT NULL"
    ).fetchall()
    return [r[0] for r in rows]


@dataclass(frozen=True)
class OpenCase:
    """The few columns the daily digest shows of an open case (nothing sealed)."""

    id: int
    case_no: str
    severity: str
    status: str
    reported_at: datetime
    lead: str | None
    policy_version: str = ""  # its overdue steps are counted from its own version


def open_cases(db: sqlite_utils.Database, limit: int) -> tuple[list[OpenCase], int]:
    """The `limit` oldest cases not closed, oldest first, and how many are open in all."""
    total = db.execute("SELECT COUNT(*) FROM cases WHERE status != 'closed'").fetchone()[0]
    rows = db.execute(
        "SELECT id, case_no, severity, status, reported_at, lead, policy_version FROM cases"
        " WHERE status != 'closed' ORDER BY reported_at LIMIT ?",
        [limit],
    ).fetchall()
    heads = [
        OpenCase(cid, no, sev, status, datetime.fromisoformat(rep), lead, version)
        for cid, no, sev, status, rep, lead, version in rows
    ]
    return heads, int(total)


def reporter_cases(db: sqlite_utils.Database, ref: str) -> list[Case]:
    """Every case filed by the person whose reporter_ref is `ref`, newest first."""
    rows = db.execute(
        "SELECT id FROM cases WHERE reporter_ref = ? ORDER BY reported_at DESC", [ref]
    ).fetchall()
    return [get_case(db, r[0]) for r in rows]


def find_case_no(db: sqlite_utils.Database, case_no: str) -> Case | None:
    row = db.execute("SELECT id FROM cases WHERE case_no = ?", [case_no]).fetchone()
    return get_case(db, row[0]) if row else None


def earlier_cases(db: sqlite_utils.Database, case: Case, window: timedelta) -> list[EarlierCase]:
    """Earlier cases naming any of this case's customers within `window`, oldest first."""
    rows = db.execute(
        """
        SELECT DISTINCT c.case_no, c.card_channel, c.card_ts, c.reported_at
        FROM case_customers mine
        JOIN case_customers other ON other.hash = mine.hash AND other.case_id != mine.case_id
        JOIN cases c ON c.id = other.case_id
        WHERE mine.case_id = ? AND other.reported_at >= ? AND other.reported_at < ?
        ORDER BY c.reported_at
        """,
        [case.id, iso(case.reported_at - window), iso(case.reported_at)],
    ).fetchall()
    return [EarlierCase(no, ch, ts) for no, ch, ts, _ in rows]


def set_posted(db: sqlite_utils.Database, case_id: int, kind: str, channel: str, ts: str) -> None:
    if kind == "card":
        db.table("cases").update(case_id, {"card_channel": channel, "card_ts": ts})
    elif kind == "thread":
        db.table("cases").update(case_id, {"thread_ts": ts})


def customer_cases(
    db: sqlite_utils.Database, hashes: list[str], limit: int
) -> list[tuple[CaseRef, str, str, datetime]]:
    """(case, status, severity, reported at) of the newest cases naming a customer
    whose keyed hash is in `hashes`, newest first."""
    marks = ",".join("?" * len(hashes))
    rows = db.execute(
        f"""
        SELECT c.case_no, c.card_channel, c.card_ts, c.status, c.severity, c.reported_at
        FROM cases c WHERE c.id IN (
          SELECT case_id FROM case_customers WHERE hash IN ({marks}))
        ORDER BY c.reported_at DESC LIMIT ?
        """,
        [*hashes, limit],
    ).fetchall()
    return [
        (CaseRef(no, ch, ts), st, sev, datetime.fromisoformat(at))
        for no, ch, ts, st, sev, at in rows
    ]


def case_by_card(db: sqlite_utils.Database, channel: str, ts: str) -> int | None:
    """The case whose card is the message (channel, ts), if any."""
    row = db.execute(
        "SELECT id FROM cases WHERE card_channel = ? AND card_ts = ?", [channel, ts]
    ).fetchone()
    return int(row[0]) if row else None


def case_no_by_view(db: sqlite_utils.Database, view_id: str) -> str | None:
    """The number of the case filed from the modal `view_id`, if it is committed."""
    row = db.execute("SELECT case_no FROM cases WHERE view_id = ?", [view_id]).fetchone()
    return str(row[0]) if row else None
