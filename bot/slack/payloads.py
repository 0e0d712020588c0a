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
    action_id: str = ""
    message_ts: str | None = None  # the message the button is on (to update it in place)

    def in_channel(self) -> Press:
        """Answers to this press go to the channel, not into a thread."""
        return Press(self.user_id, self.channel)

    def in_dm(self) -> Press:
        """Answers to this press go to the person's DM."""
        return Press(self.user_id)


def press_of(body: dict[str, Any], action: dict[str, Any] | None = None) -> Press:
    channel = body.get("channel") or {}
    message = body.get("message") or {}
    container = body.get("container") or {}
    return Press(
        user_id=body["user"]["id"],
        channel=channel.get("id") if isinstance(channel, dict) else None,
        # A button in the checklist reply answers in that thread, one on the card too.
        thread_ts=message.get("thread_ts") or message.get("ts"),
        trigger_id=str(body.get("trigger_id") or ""),
        action_id=str((action or {}).get("action_id") or ""),
        message_ts=container.get("message_ts") or message.get("ts"),
    )


def view_id_of(view: dict[str, Any]) -> str | None:
    """The submitted modal's id: a second submission of the same modal has the same."""
    value = view.get("id")
    return value if isinstance(value, str) else None
