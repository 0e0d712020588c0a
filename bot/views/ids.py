"""Every action, callback and block ID the bot emits.

These strings live on in messages already posted to Slack, so renaming one
breaks the buttons of every old case card: change them only with a migration.
tests/test_ids.py checks that every ID emitted here reaches a listener.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Callback(StrEnum):
    REPORT_FORM = "report.submit"
    CASE_DETAILS = "case.details"
    REPORT_RECORDED = "report.recorded"
    ADD_INFO = "report.add_info"
    # Handling a case (issue 3, actions in the thread)
    HAND_LEAD = "case.lead.hand"
    STEP_NOTE = "step.done.note"
    ASSESSMENT = "case.assessment"
    MEASURE = "case.measure"
    MESSAGE_EMPLOYEE = "case.message_employee"
    CLOSE = "case.close"
    TIMELINE = "case.timeline"
    # A checklist that fits (issue 12): not applicable with a reason; ending a measure
    STEP_NOT_APPLICABLE = "step.not_applicable"
    MEASURE_END = "case.measure.end"
    CASE_SAVING = "case.saving"  # shown when a responder's modal outlasts the ack budget
    # HR (issue 4): the purpose asked before a case is shown, and the case itself
    HR_PURPOSE = "hr.purpose"
    HR_CASE = "hr.case"
    # Happening now (issue 11): the first small modal, and a responder's severity change
    REPORT_START = "report.start"
    SEVERITY = "case.severity"
    # Moving an open case to the current policy version, with a reason (issue 12 §4)
    MOVE_POLICY = "case.policy.move"
    # The conversation with the employee, read in a modal, not in the thread (issue 12)
    CONVERSATION = "case.conversation"
    # Consent that can change (issue 11 §3)
    CONSENT = "report.consent"
    # After the tap: the safety screen's "tell the helper where you are" (issue 11)
    URGENT_WHERE = "report.urgent.where"


class Action(StrEnum):
    VIEW_DETAILS = "case.view_details"
    ADD_INFO = "report.add_info"
    # Handling a case (issue 3, actions in the thread)
    ACK = "case.ack"
    TAKE_LEAD = "case.lead.take"
    HAND_LEAD = "case.lead.hand"
    STEP_DONE = "step.done"
    STEP_UNDO = "step.undo"
    ASSESSMENT = "case.assessment"
    MEASURE = "case.measure"
    CONFIRM_MEASURE = "case.measure.confirm"
    # Issue 12: a conditional step that does not apply; a pending measure withdrawn/rejected
    STEP_NOT_APPLICABLE = "step.not_applicable"
    WITHDRAW_MEASURE = "case.measure.withdraw"
    REJECT_MEASURE = "case.measure.reject"
    MESSAGE_EMPLOYEE = "case.message_employee"
    CLOSE = "case.close"
    REOPEN = "case.reopen"
    TIMELINE = "case.timeline"
    # An evidence file in View details: the bot shares a copy (issue 9, item 7)
    OPEN_EVIDENCE = "case.evidence.open"
    # A private channel for a severe case (issue 13)
    OPEN_ROOM = "case.room.open"
    # The person a report was filed for takes over the conversation (issue 13)
    TAKE_OVER = "report.behalf.take_over"
    # Reminders and welfare check-ins (issue 3, reminders)
    SNOOZE_1H = "reminder.snooze.1h"
    SNOOZE_4H = "reminder.snooze.4h"
    SNOOZE_1D = "reminder.snooze.1d"
    WELFARE_OK = "welfare.ok"
    WELFARE_COUNSELING = "welfare.counseling"
    WELFARE_WORSE = "welfare.worse"
    # App Home and HR (issue 4)
    HOME_REPORT = "home.report"
    HR_SUMMARY = "hr.summary"
    HR_EXPORT = "hr.export"
    HR_AUDIT = "hr.audit"
    # Happening now (issue 11)
    URGENT = "report.urgent"  # "It is happening now / I need help now": one tap
    REPORT_FULL = "report.full"  # "Report something that happened": the full form
    COMPLETE_REPORT = "report.complete"  # after the tap, when safe: the form, prefilled
    HELPER_GOING = "case.helper.going"  # "I'm going" under a summons
    CHANGE_SEVERITY = "case.severity"
    MOVE_POLICY = "case.policy.move"  # to the current policy version (issue 12 §4)
    # The conversation with the employee: a notice in the thread opens it (issue 12)
    OPEN_CONVERSATION = "case.conversation.open"
    # Her own case (issue 11 §3/§4): change consent (DM, App Home); from "My reports":
    # reopen a closed case, complete a one-tap case's report
    CONSENT = "report.consent"
    MY_REOPEN = "report.mine.reopen"
    MY_COMPLETE = "report.mine.complete"


class Shortcut(StrEnum):
    """Shortcuts declared in manifest.json (issue 13): callback IDs Slack sends back."""

    REPORT_MESSAGE = "report.from_message"  # on a message: the message is the evidence
    REPORT = "report.shortcut"  # from the shortcut menu: the same form as /report-ch


class Command(StrEnum):
    REPORT = "/report-ch"
    ONCALL = "/ch-oncall"
    CASES = "/ch-cases"


def evidence_action(n: int) -> str:
    """The Open button of evidence item n in View details. Several share an actions
    block, where Slack wants each action_id unique: "case.evidence.open.3"."""
    return f"{Action.OPEN_EVIDENCE}.{n}"


# What the Open listener matches: the numbered buttons, and the plain ID of older modals.
OPEN_EVIDENCE_IDS = re.compile(r"^case\.evidence\.open(?:\.\d{1,4})?$")


# Inputs of the report form: block_id == the field name used in validation errors.
FORM_FIELDS = (
    "occurred_at",
    "contact_channel",
    "categories",
    "danger",
    "narrative",
    "demand",
    "customer_account",
    "customer_order",
    "customer_phone",
    "customer_email",
    "customer_handle",
    "evidence_files",
    "evidence_links",
    "consent",
    "behalf_name",
    "behalf_site",
    "behalf_user",
    "behalf_agreed",
)
