"""A Slack message reported from its "Report as harassment" shortcut. Pure.

The shortcut's `message_action` payload carries the message itself, so nothing needs
reading from Slack (the bot is often not in the channel: a Slack Connect channel with a
customer, a DM). Its link is built from the channel and ts in Slack's documented format:
`https://<ws>.slack.com/archives/<CHANNEL>/p<TS>` (a reply adds `?thread_ts=…&cid=…`).
Such a link names the conversation and the message, never the person who reported it
(unlike a file permalink, which names its uploader: bot/domain/evidence.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

MAX_TEXT = 40_000  # Slack's own limit for a message's text
_TS = re.compile(r"^\d{1,12}\.\d{1,6}$")
_ID = re.compile(r"^[A-Z0-9]{2,}$")
CONTACT_CHANNEL = "chat"  # the policy's contact channel for a message in Slack


@dataclass(frozen=True)
class ReportedMessage:
    channel: str
    ts: str
    thread_ts: str | None
    text: str
    # From another organisation (a Slack Connect customer): shown as "the customer".
    sender_external: bool

    @property
    def at(self) -> datetime:
        return datetime.fromtimestamp(float(self.ts), UTC)

    def permalink(self, workspace_url: str) -> str:
        link = f"{workspace_url.rstrip('/')}/archives/{self.channel}/p{self.ts.replace('.', '')}"
        if self.thread_ts and self.thread_ts != self.ts:
            link += f"?thread_ts={self.thread_ts}&cid={self.channel}"
        return link


@dataclass(frozen=True)
class Kept:
    """A reported message as stored with its case, as responders may read it."""

    text: str
    permalink: str
    at: datetime
    sender_external: bool


def _str(x: Any) -> str:
    return x if isinstance(x, str) else ""


def from_payload(body: dict[str, Any]) -> ReportedMessage | None:
    """The message of a `message_action` payload, or None if it is not one Slack sends."""
    message, channel, team = body.get("message"), body.get("channel"), body.get("team")
    if not (isinstance(message, dict) and isinstance(channel, dict)):
        return None
    ts, cid = _str(message.get("ts") or body.get("message_ts")), _str(channel.get("id"))
    if not (_TS.match(ts) and _ID.match(cid)):
        return None
    thread_ts = _str(message.get("thread_ts"))
    ours = _str(team.get("id")) if isinstance(team, dict) else ""
    # A Slack Connect message names its sender's workspace: user_team (or team on
    # older payloads). Another workspace than the one the shortcut ran in is another
    # organisation as far as the employee is concerned.
    theirs = _str(message.get("user_team")) or _str(message.get("team"))
    return ReportedMessage(
        channel=cid,
        ts=ts,
        thread_ts=thread_ts if _TS.match(thread_ts) else None,
        text=_str(message.get("text"))[:MAX_TEXT],
        sender_external=bool(theirs and ours and theirs != ours),
    )
