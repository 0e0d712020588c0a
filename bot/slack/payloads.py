"""Reading the parts of a Slack payload every listener needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Press:
    """Who pressed a button, and where: private answers go to the same thread."""

    user_id: str
    channel: str | None = None
    thread_ts: str | None = None
    trigger_id: str = ""


def press_of(body: dict[str, Any]) -> Press:
    channel = body.get("channel") or {}
    message = body.get("message") or {}
    return Press(
        user_id=body["user"]["id"],
        channel=channel.get("id") if isinstance(channel, dict) else None,
        # A button in the checklist reply answers in that thread, one on the card too.
        thread_ts=message.get("thread_ts") or message.get("ts"),
        trigger_id=str(body.get("trigger_id") or ""),
    )


def view_id_of(view: dict[str, Any]) -> str | None:
    """The submitted modal's id: a second submission of the same modal has the same."""
    value = view.get("id")
    return value if isinstance(value, str) else None
