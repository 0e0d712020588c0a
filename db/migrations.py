"""Schema, as sqlite-utils migrations applied at start-up (never edit an applied one)."""

from __future__ import annotations

import sqlite_utils
from sqlite_utils import Migrations

migrations = Migrations("ch-responder")


@migrations()
def m001_cases(db: sqlite_utils.Database) -> None:
    db.table("cases").create(
        {
            "id": int,
            "case_no": str,  # "CH-2026-0042": something people can say aloud
            "year": int,
            "seq": int,
            "view_id": str,  # the submitted modal: a second submission of it is the same case
            "reporter_id": str,
            "reporter_lang": str,
            "show_name": int,  # the reporter agreed to be named to responders
            "counseling_ok": int,  # counseling may contact them
            "occurred_at": str,
            "reported_at": str,
            "contact_channel": str,
            "categories": str,  # JSON list of policy category ids
            "severity": str,
            "danger": str,  # "over" | "ongoing" | "danger"
            "demand": str,
            "narrative": str,
            "evidence_links": str,  # JSON list
            "evidence_files": str,  # JSON list of Slack file ids
            "status": str,
            "policy_version": str,
            "legal_on_duty": str,
            "counseling_on_duty": str,
            "repeat_count": int,  # earlier cases naming the same customer in the window
            "card_channel": str,
            "card_ts": str,
            "thread_ts": str,  # the checklist reply
            "acknowledged_at": str,
            "closed_at": str,
        },
        pk="id",
        not_null={"case_no", "reporter_id", "reported_at", "status", "severity"},
    )
    db.table("cases").create_index(["case_no"], unique=True)
    db.table("cases").create_index(["view_id"], unique=True)
    db.table("cases").create_index(["year", "seq"], unique=True)
    db.table("cases").create_index(["reported_at"])
    db.table("cases").create_index(["reporter_id"])
    db.table("cases").create_index(["status"])

    db.table("case_customers").create(
        {"case_id": int, "kind": str, "hash": str, "reported_at": str},
        foreign_keys=[("case_id", "cases", "id")],
    )
    db.table("case_customers").create_index(["hash", "reported_at"])
    db.table("case_customers").create_index(["case_id"])

    db.table("timeline").create(
        {"id": int, "case_id": int, "at": str, "actor": str, "event": str, "detail": str},
        pk="id",
        foreign_keys=[("case_id", "cases", "id")],
    )
    db.table("timeline").create_index(["case_id", "id"])

    # Pending deliveries to Slack. A row is an intent ("post the card of case 7");
    # the message is rendered from the case when it is delivered, so a late card
    # shows the case as it is then.
    db.table("outbox").create(
        {
            "id": int,
            "case_id": int,
            "kind": str,
            "status": str,  # "pending" | "done" | "dead"
            "attempts": int,
            "next_attempt_at": str,
            "last_error": str,
            "channel": str,
            "ts": str,
            "created_at": str,
            "done_at": str,
        },
        pk="id",
        defaults={"attempts": 0, "status": "pending"},
    )
    db.table("outbox").create_index(["status", "next_attempt_at"])
    db.table("outbox").create_index(["case_id", "kind"])
