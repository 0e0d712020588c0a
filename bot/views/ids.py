"""Every action, callback and block ID the bot emits.

These strings live on in messages already posted to Slack, so renaming one
breaks the buttons of every old case card: change them only with a migration.
tests/test_ids.py checks that every ID emitted here reaches a listener.
"""

from __future__ import annotations

from enum import StrEnum


class Callback(StrEnum):
    REPORT_FORM = "report.submit"
    CASE_DETAILS = "case.details"
    REPORT_RECORDED = "report.recorded"
    ADD_INFO = "report.add_info"


class Action(StrEnum):
    VIEW_DETAILS = "case.view_details"
    ADD_INFO = "report.add_info"


class Command(StrEnum):
    REPORT = "/report-ch"


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
)
