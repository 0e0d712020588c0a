"""The simulated workspace's state, its seeding and query helpers, and fault switches.

The Web API areas (``api_*`` modules) are mixins over :class:`SimState`; the server
(:mod:`slacksim.server`) combines them and routes HTTP requests to them.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from aiohttp import web

from slacksim.model import (
    BOT_USER_ID,
    TEAM_ID,
    TRIGGER_TTL_SECONDS,
    TS_EPOCH,
    USER_ID,
    WORKSPACE_URL,
    Body,
    Call,
    Ephemeral,
    HostedFile,
    Message,
    ResponsePost,
    SimChannel,
    SimFile,
    SimUser,
    SimView,
)
from slacksim.socket_mode import SocketModeSim
from slacksim.wire import Bucket, Fault, Trigger


class SimState:
    """Everything the simulated workspace knows, shared by the Web API areas."""

    def __init__(self, token: str) -> None:
        self.token = token
        # Set to simulate an Enterprise Grid organisation (auth.test and users.info say so).
        self.enterprise_id: str | None = None
        self.strict_triggers = True
        self.trigger_ttl = TRIGGER_TTL_SECONDS
        self.calls: list[Call] = []
        self.users: dict[str, SimUser] = {}
        self.channels: dict[str, SimChannel] = {}
        self.usergroups: dict[str, list[str]] = {}
        self.all_messages: list[Message] = []  # every message, chronological
        self.all_ephemerals: list[Ephemeral] = []
        self.views: dict[str, SimView] = {}  # current content by view id
        self.views_opened: list[SimView] = []
        self.views_pushed: list[SimView] = []
        self.home_views: dict[str, Body] = {}
        self.files: list[SimFile] = []  # completed uploads, in order
        self.uploads: dict[str, SimFile] = {}  # every file id handed out
        self.hosted: dict[str, HostedFile] = {}  # files people uploaded (add_file)
        self.downloads: list[tuple[str, bool]] = []  # (file id, authorised) per GET
        self.reactions: list[tuple[str, str, str]] = []  # (channel, ts, name)
        self.responses: list[ResponsePost] = []
        self._dm_by_user: dict[str, str] = {}
        self._triggers: dict[str, Trigger] = {}
        self._failures: list[Fault] = []
        self._after_failures: list[Fault] = []  # done, then answered as failed
        self._stalls: list[Fault] = []
        self._buckets: dict[str, Bucket] = {}
        self._rate: tuple[float, int] | None = None
        self._down = False
        self._seq = 0
        self._last_micros = TS_EPOCH * 1_000_000
        self._port: int | None = None
        self._runner: web.AppRunner | None = None
        self._stopping = asyncio.Event()
        self.socket = SocketModeSim()
        self.add_user(BOT_USER_ID, "ch-responder", real_name="CH Responder", is_bot=True)

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("call start() first")
        return self._port

    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def base_url(self) -> str:
        return f"{self.root_url}api/"
    # ------------------------------------------------------------ seeding state

    def add_user(
        self,
        user_id: str,
        name: str,
        real_name: str | None = None,
        locale: str = "en-US",
        is_bot: bool = False,
        *,
        team_id: str = "",
        enterprise_id: str | None = None,
        is_stranger: bool = False,
    ) -> SimUser:
        """A person; ``team_id`` defaults to the simulated workspace's (another one
        makes them an external, Slack Connect member)."""
        user = SimUser(
            user_id, name, real_name or name, locale, is_bot,
            team_id or TEAM_ID, enterprise_id or self.enterprise_id, is_stranger,
        )
        self.users[user_id] = user
        return user

    def add_channel(
        self,
        channel_id: str,
        name: str,
        members: list[str] | None = None,
        *,
        is_private: bool = False,
    ) -> SimChannel:
        channel = SimChannel(channel_id, name, list(members or []), is_private)
        self.channels[channel_id] = channel
        return channel

    def add_usergroup(self, group_id: str, users: list[str]) -> None:
        self.usergroups[group_id] = list(users)

    def add_message(
        self, channel: str, text: str, user: str, thread_ts: str | None = None, blocks: Any = None
    ) -> Message:
        """Seed a message as if a person had posted it (for history/replies reads)."""
        msg = Message(
            self.resolve_channel(channel), self._next_ts(), text, blocks, thread_ts, user=user
        )
        self.all_messages.append(msg)
        return msg

    def add_file(
        self, file_id: str, name: str, user: str, data: bytes, mimetype: str = "image/png"
    ) -> Body:
        """Host a file uploaded by `user`; returns Slack's file object for it, as a
        file_input sends it in a view submission (with the uploader in its permalink)."""
        hosted = HostedFile(file_id, name, user, data, mimetype)
        self.hosted[file_id] = hosted
        return self._file_object(hosted)

    def _file_object(self, f: HostedFile) -> Body:
        return {
            "id": f.id,
            "name": f.name,
            "title": f.name,
            "mimetype": f.mimetype,
            "filetype": f.filetype,
            "size": len(f.data),
            "user": f.user,
            "url_private": f"{self.root_url}files-pri/{TEAM_ID}-{f.id}/{f.name}",
            "url_private_download": f"{self.root_url}files-pri/{TEAM_ID}-{f.id}/{f.name}",
            "permalink": f"{WORKSPACE_URL}files/{f.user}/{f.id}/{f.name}",
        }

    def new_trigger(self, user_id: str, ttl: float | None = None) -> str:
        """A trigger_id usable once by views.open/push within ``ttl`` (default 3 s)."""
        self._seq += 1
        trigger_id = f"{self._seq}.{TS_EPOCH}.sim{self._seq:04d}"
        lifetime = self.trigger_ttl if ttl is None else ttl
        self._triggers[trigger_id] = Trigger(user_id, time.monotonic() + lifetime)
        return trigger_id

    def response_url(self, user_id: str, channel_id: str | None = None) -> str:
        """An absolute ``response_url`` for a command or action by ``user_id``."""
        query = f"?channel={channel_id}" if channel_id else ""
        return f"{self.base_url}response/{user_id}{query}"

    def dm_channel(self, user_id: str) -> str:
        """The app's DM channel id with ``user_id`` (stable: ``"D" + user_id``)."""
        return self._dm_by_user.setdefault(user_id, f"D{user_id}")

    def resolve_channel(self, channel: str) -> str:
        """Map a user id to its DM and ``#name``/``name`` to a registered channel id."""
        if USER_ID.match(channel):
            return self.dm_channel(channel)
        name = channel.removeprefix("#")
        for ch in self.channels.values():
            if ch.name == name and ch.id != channel:
                return ch.id
        return channel
    # ------------------------------------------------------------------ queries

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def messages(self, channel: str) -> list[Message]:
        """Top-level messages (including broadcast replies), oldest first."""
        cid = self.resolve_channel(channel)
        return [m for m in self.all_messages if m.channel == cid and m.is_top_level]

    def replies(self, channel: str, thread_ts: str) -> list[Message]:
        """Replies in a thread, oldest first, without the parent."""
        cid = self.resolve_channel(channel)
        return [
            m
            for m in self.all_messages
            if m.channel == cid and m.thread_ts == thread_ts and m.ts != thread_ts
        ]

    def dms(self, user_id: str) -> list[Message]:
        """Every message (threads included) in the app's DM with ``user_id``."""
        cid = self._dm_by_user.get(user_id)
        return [m for m in self.all_messages if m.channel == cid] if cid else []

    def ephemerals(self, user_id: str) -> list[Ephemeral]:
        return [e for e in self.all_ephemerals if e.user == user_id]

    def find_message(self, channel: str, ts: str) -> Message | None:
        cid = self.resolve_channel(channel)
        for msg in self.all_messages:
            if msg.channel == cid and msg.ts == ts:
                return msg
        return None

    # ----------------------------------------------------------- fault injection

    def fail(self, method: str, status: int = 500, times: int = 1, retry_after: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` ("*" = any) with HTTP ``status``.

        429 carries ``Retry-After`` and ``{"ok": false, "error": "ratelimited"}``; 5xx a
        plain-text body. The call has no side effect.
        """
        self._failures.append(Fault(method, times, status=status, retry_after=retry_after))

    def fail_after(
        self, method: str, status: int = 500, error: str | None = None, times: int = 1
    ) -> None:
        """Do the next ``times`` calls of ``method``, then answer them as failed.

        Slack's docs: after ``internal_error``, ``fatal_error`` or an HTTP 5xx "some
        aspect of the operation may have succeeded". ``error`` answers
        ``{"ok": false, "error": error}`` with ``status``; without it, a plain-text body.
        """
        self._after_failures.append(Fault(method, times, status=status, error=error))

    def stall(self, method: str, seconds: float, times: int = 1) -> None:
        """Delay the answer to the next ``times`` calls of ``method`` ("*" = any).

        The side effect IS applied, immediately on arrival; only the HTTP answer comes
        ``seconds`` late, like Slack having done the work but answering after the client
        gave up. A client that times out and retries therefore posts a duplicate.
        """
        self._stalls.append(Fault(method, times, seconds=seconds))

    def down(self) -> None:
        """Answer every request with 503 until :meth:`up` (the socket stays open)."""
        self._down = True

    def up(self) -> None:
        self._down = False

    def rate_limit_per_channel(self, per_second: float | None, burst: int = 3) -> None:
        """Answer chat.postMessage with 429 beyond ``per_second`` per channel (None = off)."""
        self._rate = None if per_second is None else (per_second, burst)
        self._buckets.clear()

    def clear_faults(self) -> None:
        """Drop pending failures and stalls, rate limits and the outage flag."""
        self._failures.clear()
        self._after_failures.clear()
        self._stalls.clear()
        self.rate_limit_per_channel(None)
        self._down = False

    def _next_ts(self) -> str:
        # Like Slack: a message's ts is the wall-clock time it was posted (so `oldest`
        # and `latest` mean what they mean in Slack), unique and increasing per call.
        self._seq += 1
        micros = max(int(time.time() * 1_000_000), self._last_micros + 100)
        self._last_micros = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"
