"""What the simulated workspace holds: its IDs, and the records it keeps of calls,
messages, views, files, people and channels (plain dataclasses tests read directly)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

Args = dict[str, Any]
Body = dict[str, Any]

BOT_USER_ID = "U0BOT"
BOT_ID = "B0BOT"
TEAM_ID = "T0SIM"
WORKSPACE_URL = "https://sim.slack.test/"
UPLOAD_CALL = "upload"  # Call.method recorded for POSTs to an upload URL
RESPONSE_URL_CALL = "response_url"  # Call.method recorded for POSTs to a response_url
TRIGGER_TTL_SECONDS = 3.0
TS_EPOCH = 1_764_300_000
# Form fields the SDK JSON-encodes. Limited to these so a message `text` that happens to
# look like JSON ("[1]") stays text.
JSON_FIELDS = frozenset({"blocks", "attachments", "view", "metadata", "files", "outputs"})
NO_AUTH_METHODS = frozenset({"api.test", "oauth.access", "oauth.token", "oauth.v2.access"})
APP_TOKEN_METHODS = frozenset({"apps.connections.open"})  # app-level (xapp-) token only
USER_ID = re.compile(r"^[UW][A-Z0-9]+$")


@dataclass
class Call:
    """One request as the simulator saw it. ``at`` is ``time.monotonic()`` on arrival."""

    method: str
    args: Args
    at: float
    http_status: int
    response: Body


@dataclass
class Message:
    channel: str
    ts: str
    text: str | None = None
    blocks: Any = None  # stored as sent, even if malformed: validation happens elsewhere
    thread_ts: str | None = None
    metadata: Any = None
    user: str = BOT_USER_ID
    attachments: Any = None
    reply_broadcast: bool = False
    reactions: list[str] = field(default_factory=list)
    update_count: int = 0

    @property
    def is_reply(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts

    @property
    def is_top_level(self) -> bool:
        return not self.is_reply or self.reply_broadcast

    def to_api(self) -> Body:
        out: Body = {"type": "message", "ts": self.ts, "user": self.user, "text": self.text or ""}
        if self.user == BOT_USER_ID:
            out["bot_id"] = BOT_ID
        optional = {
            "blocks": self.blocks,
            "attachments": self.attachments,
            "thread_ts": self.thread_ts,
            "metadata": self.metadata,
        }
        out.update({k: v for k, v in optional.items() if v is not None})
        if self.reactions:
            out["reactions"] = [
                {"name": n, "users": [BOT_USER_ID], "count": 1} for n in self.reactions
            ]
        return out


@dataclass
class Ephemeral:
    channel: str
    user: str
    ts: str
    text: str | None = None
    blocks: Any = None
    thread_ts: str | None = None


@dataclass
class ResponsePost:
    """A POST to a ``response_url`` (``respond()`` in Bolt), as sent."""

    user_id: str
    channel: str | None
    body: Body


@dataclass
class SimView:
    id: str
    user_id: str | None
    view: Body  # as returned to the client: includes id and hash
    via: str  # "open", "push" or "publish"
    trigger_id: str | None = None


@dataclass
class SimFile:
    id: str
    filename: str
    length: int
    data: bytes | None = None
    title: str | None = None
    channel_id: str | None = None
    initial_comment: str | None = None
    thread_ts: str | None = None
    deleted: bool = False  # the bot deleted its upload (files.delete)


@dataclass
class HostedFile:
    """A file someone uploaded to Slack (e.g. through a form's file_input)."""

    id: str
    name: str
    user: str
    data: bytes
    mimetype: str
    deleted: bool = False  # its uploader deleted it (files.info: file_deleted)

    @property
    def filetype(self) -> str:
        return self.name.rsplit(".", 1)[-1].lower() if "." in self.name else "binary"


@dataclass
class SimUser:
    id: str
    name: str
    real_name: str
    locale: str
    is_bot: bool
    # Slack Connect: a person of another company has their own team (and org) IDs;
    # one the app cannot see through a shared channel is answered with is_stranger.
    team_id: str = ""
    enterprise_id: str | None = None
    is_stranger: bool = False


@dataclass
class SimChannel:
    id: str
    name: str
    members: list[str]
    is_private: bool = False
    is_archived: bool = False
    creator: str = ""
    created: int = 0

