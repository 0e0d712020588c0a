"""Naming a Slack Web API failure for logs and decisions.

A 5xx from Slack's edge or a proxy carries a plain-text or HTML body, not JSON, so
`e.response.get("error")` would itself raise. Everything that reads the error goes
through here.
"""

from __future__ import annotations

from slack_sdk.errors import SlackApiError


def error_name(e: SlackApiError) -> str:
    data = e.response.data
    error = data.get("error") if isinstance(data, dict) else None
    return str(error or f"http_{e.response.status_code}")
