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


@migrations()
def m010_case_handling(db: sqlite_utils.Database) -> None:
    # Who leads the case now (one at a time). The reminders read cases.lead,
    # cases.acknowledged_at, cases.status and case_steps: keep these names.
    db.table("cases").add_column("lead", str)
    db.table("cases").add_column("acknowledged_by", str)
    db.table("cases").add_column("closed_by", str)
    db.table("cases").add_column("closing_summary", str)  # sealed

    # A row means the policy step is done; undo deletes it (the timeline keeps history).
    db.table("case_steps").create(
        {"case_id": int, "step_id": str, "done_at": str, "done_by": str, "note": str},
        pk=("case_id", "step_id"),
        foreign_keys=[("case_id", "cases", "id")],
        not_null={"done_at", "done_by"},
    )

    # Every version of the assessment is kept; the highest version is the current one.
    db.table("assessments").create(
        {
            "case_id": int,
            "version": int,
            "demand_valid": str,
            "means_appropriate": str,
            "conclusion": str,
            "mhlw_types": str,  # JSON list of policy mhlw type ids
            "reason": str,  # sealed
            "by": str,
            "at": str,
            "view_id": str,  # the submitted modal: a retried submission is not a new version
        },
        pk=("case_id", "version"),
        foreign_keys=[("case_id", "cases", "id")],
    )
    db.table("assessments").create_index(["view_id"], unique=True)

    # Measures taken against the customer. Severe ones count only once a second
    # responder has confirmed them (confirmed_at set; needs_confirmation = 1).
    db.table("measures").create(
        {
            "id": int,
            "case_id": int,
            "kind": str,
            "detail": str,  # sealed: police report number, lawyer kind, free text
            "needs_confirmation": int,
            "recorded_by": str,
            "recorded_at": str,
            "confirmed_by": str,
            "confirmed_at": str,
            "view_id": str,
        },
        pk="id",
        foreign_keys=[("case_id", "cases", "id")],
    )
    db.table("measures").create_index(["case_id"])
    db.table("measures").create_index(["view_id"], unique=True)

    # Slack retries event deliveries (x-slack-retry-num); Bolt does not deduplicate.
    db.table("events_seen").create({"event_id": str, "at": str}, pk="event_id")

    # Modals whose submission changed state once (message to the employee, close):
    # a retried or double submission of the same view must not act twice.
    db.table("views_done").create({"view_id": str, "at": str}, pk="view_id")


@migrations()
def m020_reminders(db: sqlite_utils.Database) -> None:
    # One row per reminder that will (or did) fire. `key` names it stably
    # ("ack:7:2", "step:7:assess:1", "digest:2026-11-28"): scheduling twice is a no-op,
    # and firing stamps fired_at inside a transaction, so nothing fires twice.
    db.table("reminders").create(
        {
            "id": int,
            "key": str,
            "case_id": int,  # NULL for the daily digest
            "kind": str,  # "ack" | "step" | "welfare" | "digest" | "shift"
            "chain": str,  # step id, rotation name, or ""
            "attempt": int,
            "due_at": str,
            "fired_at": str,
            "outcome": str,  # "sent" | "skipped" | "failed"
            "snoozed_until": str,
            "snoozed_by": str,
            "failures": int,
            "created_at": str,
            "channel": str,  # where the reminder was posted (for updating it in place)
            "ts": str,
        },
        pk="id",
        not_null={"key", "kind", "due_at"},
        defaults={"attempt": 1, "failures": 0},
    )
    db.table("reminders").create_index(["key"], unique=True)
    db.table("reminders").create_index(["case_id", "kind", "chain"])
    # Only pending rows are indexed by due time: the loop's query costs O(due), however
    # many reminders already fired.
    db.execute("CREATE INDEX reminders_pending_due ON reminders(due_at) WHERE fired_at IS NULL")
    # The loop looks for recently closed cases that lack a welfare check-in.
    db.table("cases").create_index(["closed_at"], if_not_exists=True)

    # HR's overrides of the rotation schedule; the latest active one wins.
    db.table("overrides").create(
        {
            "id": int,
            "rotation": str,
            "member": str,
            "starts_at": str,
            "ends_at": str,
            "set_by": str,
            "set_at": str,
        },
        pk="id",
        not_null={"rotation", "member", "starts_at", "ends_at", "set_by", "set_at"},
    )
    db.table("overrides").create_index(["rotation", "ends_at"])

    # Who the loop last saw on duty per rotation, so a shift change is noticed once,
    # also across restarts.
    db.table("duty_seen").create({"rotation": str, "member": str, "since": str}, pk="rotation")

    # Answers to a welfare check-in: each answer counts once per check-in.
    db.table("welfare_answers").create(
        {"reminder_id": int, "answer": str, "at": str},
        pk=("reminder_id", "answer"),
    )


@migrations()
def m040_trust(db: sqlite_utils.Database) -> None:
    # cases.reporter_id is sealed when the reporter asked for confidentiality; this
    # keyed hash (db.cases.reporter_ref) finds a person's own reports without it.
    db.table("cases").add_column("reporter_ref", str)
    db.table("cases").create_index(["reporter_ref"])
    # Legal hold: while set, the retention purge leaves the case alone.
    db.table("legal_holds").create(
        {"case_id": int, "reason": str, "set_by": str, "set_at": str},  # reason sealed
        pk="case_id",
        foreign_keys=[("case_id", "cases", "id")],
    )
    # Evidence of deletion: what was purged, when, under which retention rule.
    db.table("deletions").create(
        {"id": int, "case_id": int, "case_no": str, "what": str, "rule": str, "at": str},
        pk="id",
    )
    db.table("deletions").create_index(["case_id"])


@migrations()
def m030_hr(db: sqlite_utils.Database) -> None:
    # Every look HR takes at case data: who, when, what, and why (purpose is sealed).
    db.table("audit").create(
        {
            "id": int,
            "at": str,
            "actor": str,
            "action": str,  # "summary" | "show" | "customer" | "export" | "audit"
            "case_id": int,  # for "show"; NULL otherwise
            "target": str,  # case number or period; never a customer identifier
            "purpose": str,  # sealed
            "detail": str,  # JSON: rows exported, with_text, ...
        },
        pk="id",
        not_null={"at", "actor", "action"},
    )
    db.table("audit").create_index(["at"])
    # Seconds from report to acknowledgement / close. VIRTUAL columns cost nothing to
    # store; indexed, their values are kept in the index, so HR's summary reads them
    # instead of parsing two timestamps per case (the dominant cost at a million cases).
    for name, column in (("ack_secs", "acknowledged_at"), ("close_secs", "closed_at")):
        db.execute(
            f"ALTER TABLE cases ADD COLUMN {name} REAL GENERATED ALWAYS AS "
            f"(ROUND((julianday({column}) - julianday(reported_at)) * 86400.0, 3)) VIRTUAL"
        )
    # The summary's counts: ordered by the grouped columns, so GROUP BY needs no sort;
    # covering, so the table pages (sealed narratives) are never read.
    db.table("cases").create_index(
        ["status", "severity", "contact_channel", "categories", "reported_at",
         "counseling_ok", "ack_secs", "closed_at"],
        index_name="idx_cases_hr_scan",
    )  # fmt: skip
    # Percentiles walk these in order of the duration (no sort), filtering the period.
    db.table("cases").create_index(["ack_secs", "reported_at"], index_name="idx_cases_ack")
    db.table("cases").create_index(["close_secs", "reported_at"], index_name="idx_cases_close")
    # Repeat customers: a long period is grouped by hash in index order (no sort); a
    # short one is found by time and sorted. Both covering.
    db.table("case_customers").create_index(
        ["hash", "reported_at", "case_id"], index_name="idx_case_customers_hr"
    )
    db.table("case_customers").create_index(
        ["reported_at", "hash", "case_id"], index_name="idx_case_customers_period"
    )
    db.table("timeline").create_index(["event", "case_id"], index_name="idx_timeline_event")


@migrations()
def m050_outbox_uncertain(db: sqlite_utils.Database) -> None:
    # 1 while Slack may have a delivery's message although we have no answer (a call
    # in flight when the process died, or one that timed out): only then does a retry
    # look for an earlier copy before posting. A 429 or a 5xx means "not posted".
    db.table("outbox").add_column("uncertain", int, not_null_default=0)


@migrations()
def m060_timeline_view_id(db: sqlite_utils.Database) -> None:
    # The modal a timeline entry came from (Add information): a second submission of
    # the same view (a double click, a Slack retry) finds the first and adds nothing.
    db.table("timeline").add_column("view_id", str)
    db.execute(
        "CREATE UNIQUE INDEX idx_timeline_view_id ON timeline(view_id) WHERE view_id IS NOT NULL"
    )


@migrations()
def m070_outbox_posts(db: sqlite_utils.Database) -> None:
    # When a delivery was first tried: a copy Slack may have posted cannot be older, so
    # the look-up for it searches from there (however many messages came since).
    db.table("outbox").add_column("first_attempt_at", str)
    db.execute("UPDATE outbox SET first_attempt_at = created_at WHERE attempts > 0")
    # Reminders are posted through the outbox; their row carries the message (sealed).
    db.table("outbox").add_column("payload", str)
    # A welfare check-in's DM channel leads to a confidential reporter. Migrations run
    # without the data key, so existing plain values are cleared rather than sealed:
    # nothing reads them, and new ones are stored sealed (db.reminders.set_message).
    db.execute(
        "UPDATE reminders SET channel = NULL WHERE channel IS NOT NULL"
        " AND substr(channel, 1, 1) NOT IN ('C', 'G') AND channel NOT LIKE 'v1:%'"
    )


@migrations()
def m110_hr_totals(db: sqlite_utils.Database) -> None:
    # HR's summary from maintained totals (per UTC day, per identifier), kept exact by
    # triggers in the transaction of every write; backfilled here from the base tables.
    from db import totals

    totals.install(db)


@migrations()
def m130_announcements(db: sqlite_utils.Database) -> None:
    # When and where the policy was made known from the bot (issue 14, part 5): the
    # evidence a labour inspector asks for, listed in the review report.
    db.table("announcements").create(
        {
            "id": int,
            "at": str,
            "channel": str,  # a public or private channel, never a DM
            "channel_name": str,
            "posted_by": str,
            "ts": str,
            "policy_version": str,
        },
        pk="id",
        not_null={"at", "channel", "posted_by"},
    )
    db.table("announcements").create_index(["at"])


@migrations()
def m150_step_outcomes(db: sqlite_utils.Database) -> None:
    # A case_steps row is a handled step. not_applicable = 1: a conditional step marked
    # "does not apply" (its reason sealed in note); measure_id: the measure whose
    # confirmation completed it.
    db.table("case_steps").add_column("not_applicable", int, not_null_default=0)
    db.table("case_steps").add_column("measure_id", int)


@migrations()
def m150_measure_endings(db: sqlite_utils.Database) -> None:
    # A pending severe measure withdrawn by its recorder or rejected by a second
    # responder: it never counts. The reason is sealed; the timeline keeps the history.
    db.table("measures").add_column("ended", str)  # "withdrawn" | "rejected"
    db.table("measures").add_column("ended_by", str)
    db.table("measures").add_column("ended_at", str)
    db.table("measures").add_column("ended_reason", str)  # sealed


@migrations()
def m150_override_cancel(db: sqlite_utils.Database) -> None:
    # HR cancels an override: the row stays as the record; who is on duty ignores it.
    db.table("overrides").add_column("cancelled_at", str)
    db.table("overrides").add_column("cancelled_by", str)


@migrations()
def m160_reported_messages(db: sqlite_utils.Database) -> None:
    # A message reported through its shortcut (issue 13): kept sealed under a random
    # token while the form is open, then attached to the case (db/reported_messages.py).
    db.table("reported_messages").create(
        {
            "token": str,
            "case_id": int,
            "at": str,
            "sender_external": int,
            "text": str,
            "permalink": str,
            "kept_at": str,
        },
        pk="token",
    )
    db.table("reported_messages").create_index(["case_id"])


@migrations()
def m160_on_behalf(db: sqlite_utils.Database) -> None:
    # A report filed for someone else (issue 13): who is affected (sealed), whether
    # they agreed. Existing cases were all filed by the employee themselves (0).
    cases = db.table("cases")
    cases.add_column("on_behalf", int, not_null_default=0)
    cases.add_column("affected_name", str)
    cases.add_column("affected_site", str)
    cases.add_column("affected_user", str)
    cases.add_column("affected_agreed", int)
    # HR's statistics tell "reported by the employee" from "on behalf" (db/totals.py):
    # the triggers again with that dimension, backfilled; the edges of a period count
    # it from this index (db/recount.py).
    from db import totals

    db.table("cases").create_index(["reported_at", "on_behalf"], index_name="idx_cases_behalf")
    totals.add_filed_by(db)


@migrations()
def m160_case_rooms(db: sqlite_utils.Database) -> None:
    # The private channel opened for a severe case (bot/flows/case/room.py).
    cases = db.table("cases")
    cases.add_column("room_channel", str)
    cases.add_column("room_archived_at", str)


@migrations()
def m170_happening_now(db: sqlite_utils.Database) -> None:
    # Issue 11: a case filed in one tap ("happening now, I need help").
    cases = db.table("cases")
    cases.add_column("quick", int, not_null_default=0)  # 1 until the full report completes it
    cases.add_column("site", str)  # a configured site id (config `sites`)
    cases.add_column("place", str)  # the employee's free-text "where" (sealed)
    cases.add_column("helper_may_know", int, not_null_default=0)  # the helper may see who
    cases.add_column("summoned", str)  # JSON list of people asked to go, in order
    cases.add_column("helper", str)  # who said "I'm going"


@migrations()
def m180_evidence_copies(db: sqlite_utils.Database) -> None:
    # Issue 12 §5: a sealed copy of each evidence file, kept so that evidence survives
    # the employee deleting her upload (db/evidence_copies.py). One row per file of a
    # case; `status` says whether the copy is made, or why it cannot be.
    db.table("evidence_copies").create(
        {
            "id": int,
            "case_id": int,
            "file_id": str,  # sealed: the Slack file it is a copy of
            "status": str,  # pending | kept | deleted | too_large | refused
            "content": str,  # sealed bytes (db/sealed.py seal_bytes)
            "extension": str,  # ".png": the only part of the original name kept
            "mimetype": str,
            "size": int,
            "queued_at": str,
            "kept_at": str,
        },
        pk="id",
    )
    db.table("evidence_copies").create_index(["case_id"])


@migrations()
def m182_identifiers_sealed(db: sqlite_utils.Database) -> None:
    # Issue 12: the customer's identifiers as typed, sealed (db/customer_ids.py), beside
    # their keyed hashes in case_customers. Older cases keep only the hashes.
    db.table("cases").add_column("customer_ids", str)


@migrations()
def m183_policy_versions(db: sqlite_utils.Database) -> None:
    # Every policy file the bot has run with (issue 12 §4): a case keeps the steps and
    # texts of the version it was opened under (db/policy_versions.py). The file is kept
    # as it was; content_hash tells an edited file that kept its version string.
    db.table("policy_versions").create(
        {"version": str, "content_hash": str, "source": bytes, "first_seen_at": str},
        pk="version",
        not_null={"content_hash", "source", "first_seen_at"},
    )


@migrations()
def m184_consent_ever(db: sqlite_utils.Database) -> None:
    # Issue 11 §3: consent can change. counseling_ok is the current answer; this is 1
    # once the employee agreed at any time (HR counts both: db/totals.py).
    db.table("cases").add_column("counseling_ever", int, not_null_default=0)
    db.execute("UPDATE cases SET counseling_ever = 1 WHERE counseling_ok = 1")
    from db import totals

    totals.add_counseling_ever(db)


@migrations()
def m185_sign_notices(db: sqlite_utils.Database) -> None:
    # Issue 11: a responder may choose to be named when the employee hears back.
    db.table("responder_prefs").create(
        {"user_id": str, "sign_notices": int, "set_at": str}, pk="user_id"
    )


@migrations()
def m191_shared_copies(db: sqlite_utils.Database) -> None:
    # Issue 12 §5: each copy of an evidence file the bot shared into a viewer's DM
    # (db/shared_copies.py), so that it can be deleted from Slack after a while and
    # when the case's evidence is purged. The file ID is the bot's own upload: plain.
    db.table("shared_copies").create(
        {
            "id": int,
            "case_id": int,
            "item": int,  # which evidence item of the case ("Evidence n")
            "viewer": str,  # the responder or HR person it was shared with
            "slack_file_id": str,  # the bot's upload, never the employee's file
            "shared_at": str,
            "delete_after": str,
            "status": str,  # shared | deleting | deleted
            "deleted_at": str,
        },
        pk="id",
    )
    db.table("shared_copies").create_index(["status", "delete_after"])
    db.table("shared_copies").create_index(["case_id"])
