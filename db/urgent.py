"""A case happening now: completing the one-tap case, and who goes to help.

The tap files a case at once (db.cases.file_case, quick=1). The full report, sent
later from the same modal (the same view id), completes that case here: one case,
updated, never a second. Completing twice (a Slack retry, the journal after a crash)
changes it once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

import sqlite_utils

from bot.domain.case import Case
from bot.domain.severity import rank
from bot.domain.stored import CaseStatus, OutboxKind, outbox_key
from db import consent, customer_ids, evidence_copies, handling, outbox, summons, timeline
from db.cases import NewCase, earlier_count, get_case
from db.rows import call_state, immediate, iso
from db.sealed import seal


class ClosedMeanwhile(Exception):
    """The case this form completes was closed by the team since it was opened: the
    report is refused, nothing changes (she may reopen it, or write to the app)."""

    def __init__(self, case_no: str) -> None:
        super().__init__(case_no)
        self.case_no = case_no


def complete_case(
    db: sqlite_utils.Database,
    new: NewCase,
    severity_for: Callable[[int], str],
    case_no: str | None = None,
    shown: consent.Choice | None = None,
) -> Case | None:
    """Complete the quick case filed from the modal `new.view_id` by this reporter, or
    her case `case_no` (the form opened from "My reports", another modal: issue 11 §4).
    `shown`: the consent the form was prefilled with (what she left alone is not a change).
    None: there is none (the tap's case is still in the journal: file it as new).
    Raises ClosedMeanwhile if the case is closed and not yet completed."""
    with immediate(db):
        row = db.execute(
            "SELECT id, quick, severity, show_name, status, case_no FROM cases"
            " WHERE view_id = ? AND reporter_ref IS ?",
            [new.view_id, new.reporter_ref],
        ).fetchone()
        if row is None and case_no and new.reporter_ref:
            row = db.execute(
                "SELECT id, quick, severity, show_name, status, case_no FROM cases"
                " WHERE case_no = ? AND reporter_ref = ?",
                [case_no, new.reporter_ref],
            ).fetchone()
        if row is None:
            return None
        case_id, quick, severity, _shown_name, status, number = row
        if not quick:
            return get_case(db, case_id)  # completed already: the same submission again
        if status == CaseStatus.CLOSED:  # as "My reports" refuses it (bot/flows/report/mine.py)
            raise ClosedMeanwhile(number)
        r = new.report
        earlier = earlier_count(db, new.customer_hashes, new.reported_at, new.repeat_window)
        derived = severity_for(earlier)
        # A tap said "I need help now": completing never lowers that on its own (a
        # responder may, with a reason: db/severity.py).
        new_severity = min(severity, derived, key=rank)
        later = evidence_copies.added_later(db, case_id)
        db.table("cases").update(
            case_id,
            {
                "quick": 0,
                "occurred_at": iso(r.occurred_at),
                "contact_channel": r.contact_channel,
                "categories": json.dumps(list(r.categories)),
                "severity": new_severity,
                "danger": r.danger,
                "demand": seal(db, "cases.demand", r.demand),
                "narrative": seal(db, "cases.narrative", r.narrative),
                "evidence_links": seal(  # files she sent meanwhile stay (issue 11 §4)
                    db, "cases.evidence_links", json.dumps([*r.evidence_links, *later])
                ),
                "evidence_files": seal(
                    db, "cases.evidence_files", json.dumps(list(r.evidence_files))
                ),
                "repeat_count": earlier,
                "customer_ids": customer_ids.merged(db, case_id, r.identifiers),
            },
        )
        db.table("case_customers").insert_all(
            {"case_id": case_id, "kind": kind, "hash": h, "reported_at": iso(new.reported_at)}
            for kind, h in new.customer_hashes.items()
        )
        # Her consent may have changed since the tap (in her DM, in My reports): only what
        # she changed on this form changes it, as any consent change does (db/consent.py).
        current = consent.current(db, case_id)
        choice = consent.Choice(
            r.counseling_ok if shown is None or r.counseling_ok != shown.counseling
            else current.counseling,
            r.show_name if shown is None or r.show_name != shown.named else current.named,
        )  # fmt: skip
        consent.change_consent(db, case_id, new.reported_at, new.reporter_id, choice,
                               consent.FROM_FORM, new.counseling_on_duty)  # fmt: skip
        actor = new.reporter_id if consent.current(db, case_id).named else "reporter"
        timeline.add(db, case_id, new.reported_at, actor, "report_completed",
                     severity=new_severity)  # fmt: skip
        evidence_copies.queue(
            db, case_id, [*r.evidence_files, *r.evidence_links], new.reported_at,
            new.workspace_host,
        )  # kept sealed (issue 12)
        # The thread hears that the full report has arrived (View details shows it).
        outbox.enqueue(db, case_id, outbox_key(OutboxKind.REPORT_COMPLETED), new.reported_at)
        return get_case(db, case_id)


def helper_going(
    db: sqlite_utils.Database, case_id: int, at: datetime, actor: str, responder: bool
) -> bool:
    """The first person to say "I'm going" is recorded; the employee is told someone is
    on the way. A `responder` (of the team) has also seen the case: it is acknowledged.
    A person summoned from outside the team (a store supervisor) has not: the team must
    still pick it up (the acknowledgement escalation goes on). False: someone already
    said so, or the case is closed."""
    with immediate(db):
        cur = db.execute(
            "UPDATE cases SET helper = ? WHERE id = ? AND helper IS NULL AND status != 'closed'",
            [actor, case_id],
        )
        if not cur.rowcount:
            return False
        timeline.add(db, case_id, at, actor, "helper_going")
        if responder:
            handling.working(db, case_id, at, actor, "helper")
        outbox.enqueue(db, case_id, outbox_key(OutboxKind.HELPER_NOTICE), at)
        return True


def helper_of(db: sqlite_utils.Database, case_id: int) -> str | None:
    row = db.execute("SELECT helper FROM cases WHERE id = ?", [case_id]).fetchone()
    return row[0] if row else None


def add_where(
    db: sqlite_utils.Database, view_id: str, ref: str | None, at: datetime,
    site: str | None, place: str,
) -> Case | None:  # fmt: skip
    """She says where she is after the tap (from the safety screen): the case filed from
    the modal `view_id` by her (`ref`, her keyed reporter_ref) takes the new location; the
    thread is told (without the place: the summons shows it, and is redrawn without it
    at close) and each person asked to go gets a fresh DM. None: no such case open."""
    with immediate(db):
        row = db.execute(
            "SELECT id, status FROM cases WHERE view_id = ? AND reporter_ref IS ?",
            [view_id, ref],
        ).fetchone()
        if row is None or ref is None:
            return None
        case_id = int(row[0])
        if row[1] == CaseStatus.CLOSED or call_state(db, case_id)["call_over"]:
            return None  # the call is over (tapped_case tells her)
        changes: dict[str, object] = {}
        if site:
            changes["site"] = site
        if place:
            changes["place"] = seal(db, "cases.place", place)
        if not changes:
            return get_case(db, case_id)
        db.table("cases").update(case_id, changes)
        tid = timeline.add(db, case_id, at, "reporter", "where_added")
        outbox.enqueue(db, case_id, outbox_key(OutboxKind.WHERE_ADDED, tid), at)
        case = get_case(db, case_id)
        if case.helper is None:  # nobody going yet: everyone asked hears the place
            summons.queue(db, case_id, summons.summoned(db, case_id), at, again=True)
        else:  # the one on the way
            summons.queue(db, case_id, [case.helper], at, again=True)
        return case


def tapped_case(db: sqlite_utils.Database, view_id: str, ref: str | None) -> Case | None:
    """The case she filed from the modal `view_id` (`ref`: her keyed reporter_ref), as
    it is now; None while the tap is still being recorded (the journal)."""
    row = db.execute(
        "SELECT id FROM cases WHERE view_id = ? AND reporter_ref IS ?", [view_id, ref]
    ).fetchone()
    return get_case(db, int(row[0])) if row is not None and ref is not None else None
