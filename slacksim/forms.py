"""The report form's `view.state.values`, as Slack would send them when an employee fills it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

V = "value"


def _text(value: str | None) -> dict[str, Any]:
    return {V: {"type": "plain_text_input", "value": value}}


def _select(value: str | None) -> dict[str, Any]:
    opt = {"value": value, "text": {"type": "plain_text", "text": value}} if value else None
    return {V: {"type": "static_select", "selected_option": opt}}


def report_values(
    *,
    occurred_at: datetime | None,
    contact: str | None,
    categories: list[str],
    danger: str | None,
    narrative: str,
    demand: str = "",
    customer: dict[str, str] | None = None,
    links: str = "",
    files: list[dict[str, str]] | None = None,
    show_name: bool = False,
    counseling_ok: bool = False,
) -> dict[str, Any]:
    customer = customer or {}
    consent = [c for c, on in (("show_name", show_name), ("counseling_ok", counseling_ok)) if on]
    values: dict[str, Any] = {
        "occurred_at": {
            V: {
                "type": "datetimepicker",
                "selected_date_time": int(occurred_at.timestamp()) if occurred_at else None,
            }
        },
        "contact_channel": _select(contact),
        "categories": {
            V: {
                "type": "multi_static_select",
                "selected_options": [
                    {"value": c, "text": {"type": "plain_text", "text": c}} for c in categories
                ],
            }
        },
        "danger": {
            V: {"type": "radio_buttons", "selected_option": {"value": danger} if danger else None}
        },
        "narrative": _text(narrative or None),
        "demand": _text(demand or None),
        "evidence_links": _text(links or None),
        "evidence_files": {V: {"type": "file_input", "files": files or []}},
        "consent": {V: {"type": "checkboxes", "selected_options": [{"value": c} for c in consent]}},
    }
    for kind in ("account", "order", "phone", "email", "handle"):
        values[f"customer_{kind}"] = _text(customer.get(kind) or None)
    return values
