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


# Slack's docs: after these, "some aspect of the operation may have succeeded".
MAYBE_DONE = frozenset({"internal_error", "fatal_error"})


def may_have_happened(e: SlackApiError) -> bool:
    """Slack answered, but the call may have taken effect anyway (5xx, internal_error,
    fatal_error): like a timeout, the result is unknown, not "not done"."""
    return e.response.status_code >= 500 or error_name(e) in MAYBE_DONE
