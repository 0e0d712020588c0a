"""A fake Slack Web API served over loopback, for tests and terminal demos.

Point ``AsyncWebClient(base_url=sim.base_url)`` at it. It keeps just enough state (users,
channels, messages, views, files) to answer the calls ch-responder makes, records every
call, and can inject the failures production will see: 5xx, 429, slow answers, outages
and refused connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import math
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import TracebackType
from typing import Any

from aiohttp import web

from bot.simulator.socket_mode import LINK_PATH, SocketModeSim
from bot.simulator.spec import SimulatorSpec

log = logging.getLogger(__name__)

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
_USER_ID = re.compile(r"^[UW][A-Z0-9]+$")


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


@dataclass
class HostedFile:
    """A file someone uploaded to Slack (e.g. through a form's file_input)."""

    id: str
    name: str
    user: str
    data: bytes
    mimetype: str

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


@dataclass
class _Trigger:
    user_id: str
    expires_at: float
    used: bool = False


@dataclass
class _Fault:
    method: str
    remaining: int
    status: int = 0
    retry_after: int = 1
    seconds: float = 0.0
    error: str | None = None

    def matches(self, method: str) -> bool:
        return self.remaining > 0 and self.method in ("*", method)


@dataclass
class _Answer:
    status: int
    body: Body | str
    headers: dict[str, str] = field(default_factory=dict)


class _SlackError(Exception):
    """Raised by handlers: the argument is Slack's error name, answered with HTTP 200."""


class _RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


class _Bucket:
    """Token bucket: Slack allows ~1 message/s per channel with short bursts."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self.tokens, self.last = float(burst), time.monotonic()

    def take(self) -> int:
        """Return 0 if allowed, else the whole seconds to wait (>= 1)."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0
        return max(1, math.ceil((1 - self.tokens) / self.rate))


def _error(error: str, **extra: Any) -> Body:
    return {"ok": False, "error": error, **extra}


def _invalid_arguments(*messages: str) -> Body:
    return _error("invalid_arguments", response_metadata={"messages": list(messages)})


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() in ("true", "1"))


def _ts_key(ts: Any) -> Decimal:
    try:
        return Decimal(str(ts))
    except InvalidOperation:
        return Decimal(0)


def _decode_json_fields(args: Args) -> None:
    for key in JSON_FIELDS & args.keys():
        value = args[key]
        if isinstance(value, str) and value.lstrip()[:1] in ("{", "["):
            # Keep unparsable values raw: the simulator records bad input, it does not judge.
            with contextlib.suppress(ValueError):
                args[key] = json.loads(value)


def _in_range(messages: list[Message], args: Args) -> list[Message]:
    """Messages between `oldest` and `latest` (exclusive unless `inclusive`), as Slack."""
    inclusive = _truthy(args.get("inclusive"))
    oldest, latest = args.get("oldest"), args.get("latest")
    return [
        m
        for m in messages
        if (oldest is None or _ts_key(m.ts) > _ts_key(oldest) or (inclusive and m.ts == oldest))
        and (latest is None or _ts_key(m.ts) < _ts_key(latest) or (inclusive and m.ts == latest))
    ]


def _paginate(items: list[Any], args: Args, default_limit: int = 100) -> tuple[list[Any], str]:
    """Offset cursor pagination; returns (page, next_cursor)."""
    try:
        limit = int(args.get("limit") or default_limit)
        start = int(str(args.get("cursor") or "offset:0").removeprefix("offset:"))
    except ValueError:
        raise _SlackError("invalid_cursor") from None
    limit = max(1, limit)
    end = start + limit
    return items[start:end], (f"offset:{end}" if end < len(items) else "")


class SlackSimulator:
    """Fake Slack Web API on ``127.0.0.1`` (a free port), with state, recording and faults."""

    def __init__(self, spec_path: Path | None = None, token: str = "xoxb-test") -> None:
        self.spec = SimulatorSpec.load(spec_path)
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
        self._triggers: dict[str, _Trigger] = {}
        self._failures: list[_Fault] = []
        self._after_failures: list[_Fault] = []  # done, then answered as failed
        self._stalls: list[_Fault] = []
        self._buckets: dict[str, _Bucket] = {}
        self._rate: tuple[float, int] | None = None
        self._down = False
        self._seq = 0
        self._last_micros = TS_EPOCH * 1_000_000
        self._port: int | None = None
        self._runner: web.AppRunner | None = None
        self._stopping = asyncio.Event()
        self.socket = SocketModeSim()
        self._handlers = self._build_handlers()
        self.add_user(BOT_USER_ID, "ch-responder", real_name="CH Responder", is_bot=True)

    @property
    def spec_source(self) -> str:
        return self.spec.source

    # ----------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        self._stopping.clear()
        await self._bind(self._port or 0)

    async def stop(self) -> None:
        self._stopping.set()  # release stalled handlers so shutdown is quick
        await self.socket.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> SlackSimulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def refuse_connections(self) -> None:
        """Close the listening socket (and open connections): clients get ECONNREFUSED."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def accept_connections(self) -> None:
        """Listen again on the same port as before."""
        if self._runner is None:
            if self._port is None:
                raise RuntimeError("simulator was never started")
            await self._bind(self._port)

    async def _bind(self, port: int) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._handle_api)
        app.router.add_post("/upload/{file_id}", self._handle_upload)
        app.router.add_get("/files-pri/{ref}/{name}", self._handle_download)
        app.router.add_post("/api/response/{user_id}", self._handle_response_url)
        app.router.add_get(LINK_PATH, self.socket.handle)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", port)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner, self._port = runner, site.port
        self.socket.root_url = self.root_url

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
        self._triggers[trigger_id] = _Trigger(user_id, time.monotonic() + lifetime)
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
        if _USER_ID.match(channel):
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

    async def wait_for(
        self, predicate: Callable[[SlackSimulator], Any], timeout: float = 5.0
    ) -> Any:
        """Poll until ``predicate(sim)`` is truthy and return its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate(self)
            if value:
                return value
            if time.monotonic() >= deadline:
                recent = [f"{c.method}->{c.http_status}" for c in self.calls[-10:]]
                name = getattr(predicate, "__qualname__", repr(predicate))
                raise TimeoutError(
                    f"{name} still false after {timeout}s; last calls: {recent or 'none'}"
                )
            await asyncio.sleep(0.01)

    # ----------------------------------------------------------- fault injection

    def fail(self, method: str, status: int = 500, times: int = 1, retry_after: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` ("*" = any) with HTTP ``status``.

        429 carries ``Retry-After`` and ``{"ok": false, "error": "ratelimited"}``; 5xx a
        plain-text body. The call has no side effect.
        """
        self._failures.append(_Fault(method, times, status=status, retry_after=retry_after))

    def fail_after(
        self, method: str, status: int = 500, error: str | None = None, times: int = 1
    ) -> None:
        """Do the next ``times`` calls of ``method``, then answer them as failed.

        Slack's docs: after ``internal_error``, ``fatal_error`` or an HTTP 5xx "some
        aspect of the operation may have succeeded". ``error`` answers
        ``{"ok": false, "error": error}`` with ``status``; without it, a plain-text body.
        """
        self._after_failures.append(_Fault(method, times, status=status, error=error))

    def stall(self, method: str, seconds: float, times: int = 1) -> None:
        """Delay the answer to the next ``times`` calls of ``method`` ("*" = any).

        The side effect IS applied, immediately on arrival; only the HTTP answer comes
        ``seconds`` late, like Slack having done the work but answering after the client
        gave up. A client that times out and retries therefore posts a duplicate.
        """
        self._stalls.append(_Fault(method, times, seconds=seconds))

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

    @staticmethod
    def _take(rules: list[_Fault], method: str) -> _Fault | None:
        for rule in rules:
            if rule.matches(method):
                rule.remaining -= 1
                return rule
        return None

    # -------------------------------------------------------------------- HTTP

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        arrived = time.monotonic()
        log.debug("simulator call %s", method)
        stall = self._take(self._stalls, method)
        try:
            args = await self._read_args(request)
        except ValueError:
            args, answer = {}, _Answer(200, _error("invalid_json"))
        else:
            answer = self._answer(method, args, self._token_of(request, args))
        response = answer.body if isinstance(answer.body, dict) else _error(f"http_{answer.status}")
        self.calls.append(Call(method, args, arrived, answer.status, response))
        if stall is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), stall.seconds)
        if isinstance(answer.body, str):
            return web.Response(status=answer.status, text=answer.body, headers=answer.headers)
        return web.json_response(answer.body, status=answer.status, headers=answer.headers)

    @staticmethod
    def _token_of(request: web.Request, args: Args) -> str | None:
        body_token = args.pop("token", None)  # legacy clients; never kept in recorded args
        auth = request.headers.get("Authorization", "")
        if auth.startswith("Bearer "):
            return auth.removeprefix("Bearer ").strip()
        return body_token if isinstance(body_token, str) else None

    @staticmethod
    async def _read_args(request: web.Request) -> Args:
        """Merge query string and body (JSON, urlencoded or multipart); body wins."""
        args: Args = dict(request.query)
        # body_exists, not can_read_body: the body may have been read (and cached) already.
        if request.body_exists:
            if request.content_type == "application/json":
                raw = await request.text()
                body = json.loads(raw) if raw.strip() else {}
                if not isinstance(body, dict):
                    raise ValueError("JSON body is not an object")
                args.update(body)
            else:
                form = await request.post()
                args.update({k: v for k, v in form.items() if isinstance(v, str)})
        _decode_json_fields(args)
        return args

    def _answer(self, method: str, args: Args, token: str | None) -> _Answer:
        if self._down:
            return _Answer(503, "Service Unavailable (simulated outage)")
        if not self.spec.is_known(method):
            return _Answer(404, _error("unknown_method", req_method=method))
        fault = self._take(self._failures, method)
        if fault is not None:
            if fault.status == 429:
                return _Answer(429, _error("ratelimited"), {"Retry-After": str(fault.retry_after)})
            return _Answer(fault.status, f"simulated HTTP {fault.status}")
        if method in APP_TOKEN_METHODS:
            refused = self.socket.token_error(token, self.token)
            if refused:
                return _Answer(200, _error(refused))
        elif method not in NO_AUTH_METHODS:
            if token and token.startswith("xapp-"):
                return _Answer(200, _error("not_allowed_token_type"))
            if not token:
                return _Answer(200, _error("not_authed"))
            if token != self.token:
                return _Answer(200, _error("invalid_auth"))
        missing = [a for a in self.spec.required_args(method) if args.get(a) in (None, "")]
        if missing:
            return _Answer(
                200, _invalid_arguments(*(f"[ERROR] missing required field: {a}" for a in missing))
            )
        handler = self._handlers.get(method)
        if handler is None:
            return _Answer(200, {"ok": True})
        try:
            body = handler(args)
        except _RateLimited as limited:
            return _Answer(429, _error("ratelimited"), {"Retry-After": str(limited.retry_after)})
        except _SlackError as exc:
            return _Answer(200, _error(str(exc)))
        after = self._take(self._after_failures, method)
        if after is not None:
            if after.error:
                return _Answer(after.status, _error(after.error))
            return _Answer(after.status, f"simulated HTTP {after.status} after the call was done")
        return _Answer(200, body)

    async def _handle_upload(self, request: web.Request) -> web.StreamResponse:
        file_id = request.match_info["file_id"]
        arrived = time.monotonic()
        if self._down:
            status, text = 503, "Service Unavailable (simulated outage)"
        elif file_id not in self.uploads:
            status, text = 404, "unknown upload url"
        else:
            data = await self._read_upload(request)
            self.uploads[file_id].data = data
            status, text = 200, f"OK - {len(data)}"
        self.calls.append(
            Call(UPLOAD_CALL, {"file_id": file_id}, arrived, status, {"ok": status == 200})
        )
        return web.Response(status=status, text=text, content_type="text/plain")

    async def _handle_download(self, request: web.Request) -> web.StreamResponse:
        """Slack serves url_private(_download) only with a token in Authorization."""
        ref = request.match_info["ref"]
        file_id = ref.removeprefix(f"{TEAM_ID}-")
        hosted = self.hosted.get(file_id)
        authorised = request.headers.get("Authorization") == f"Bearer {self.token}"
        self.downloads.append((file_id, authorised))
        if self._down:
            return web.Response(status=503, text="Service Unavailable (simulated outage)")
        if hosted is None or not authorised or request.match_info["name"] != hosted.name:
            # Slack answers an unauthorised file URL with its sign-in page, never the file.
            return web.Response(status=404 if hosted is None else 403, text="no access")
        return web.Response(body=hosted.data, content_type=hosted.mimetype)

    async def _handle_response_url(self, request: web.Request) -> web.StreamResponse:
        """``respond()`` posts JSON here. Ephemeral (the default) lands in
        :meth:`ephemerals`; ``in_channel`` becomes a message when the channel is known."""
        user_id, channel = request.match_info["user_id"], request.query.get("channel")
        arrived = time.monotonic()
        try:
            args = await self._read_args(request)
        except ValueError:
            args = {}
        fault = None if self._down else self._take(self._failures, RESPONSE_URL_CALL)
        if self._down or fault is not None:
            status = 503 if fault is None else fault.status
            self.calls.append(Call(RESPONSE_URL_CALL, args, arrived, status, {"ok": False}))
            return web.Response(status=status, text=f"simulated HTTP {status}")
        self.responses.append(ResponsePost(user_id, channel, args))
        text, blocks = args.get("text"), args.get("blocks")
        thread_ts = args.get("thread_ts") or None
        if args.get("response_type") == "in_channel" and channel:
            self.all_messages.append(
                Message(channel, self._next_ts(), text, blocks, thread_ts, args.get("metadata"))
            )
        elif not _truthy(args.get("delete_original")):
            eph = Ephemeral(channel or "", user_id, self._next_ts(), text, blocks, thread_ts)
            self.all_ephemerals.append(eph)
        self.calls.append(Call(RESPONSE_URL_CALL, args, arrived, 200, {"ok": True}))
        return web.json_response({"ok": True})

    @staticmethod
    async def _read_upload(request: web.Request) -> bytes:
        if request.content_type == "multipart/form-data":
            form = await request.post()
            for value in form.values():
                if isinstance(value, web.FileField):
                    return value.file.read()
        return await request.read()

    # --------------------------------------------------------------- handlers

    def _build_handlers(self) -> Mapping[str, Callable[[Args], Body]]:
        return {
            "auth.test": self._auth_test,
            "apps.connections.open": lambda _: self.socket.connections_open(),
            "users.info": self._users_info,
            "usergroups.users.list": self._usergroups_users_list,
            "conversations.info": self._conversations_info,
            "conversations.members": self._conversations_members,
            "conversations.open": self._conversations_open,
            "conversations.history": self._conversations_history,
            "conversations.replies": self._conversations_replies,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.getPermalink": self._chat_get_permalink,
            "reactions.add": self._reactions_add,
            "views.open": lambda a: self._views_open(a, "open"),
            "views.push": lambda a: self._views_open(a, "push"),
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "files.info": self._files_info,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
        }

    def _next_ts(self) -> str:
        # Like Slack: a message's ts is the wall-clock time it was posted (so `oldest`
        # and `latest` mean what they mean in Slack), unique and increasing per call.
        self._seq += 1
        micros = max(int(time.time() * 1_000_000), self._last_micros + 100)
        self._last_micros = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _auth_test(self, args: Args) -> Body:
        return {
            "ok": True,
            "url": WORKSPACE_URL,
            "team": "Sim",
            "user": "ch-responder",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            **({"enterprise_id": self.enterprise_id} if self.enterprise_id else {}),
        }

    def _users_info(self, args: Args) -> Body:
        user = self.users.get(str(args["user"]))
        if user is None:
            raise _SlackError("user_not_found")
        out: Body = {
            "id": user.id,
            "team_id": user.team_id,
            "name": user.name,
            "real_name": user.real_name,
            "deleted": False,
            "is_bot": user.is_bot,
            "profile": {"real_name": user.real_name, "display_name": user.name},
        }
        if user.enterprise_id:
            out["enterprise_user"] = {
                "id": user.id, "enterprise_id": user.enterprise_id, "teams": [user.team_id]
            }
        if user.is_stranger:
            out["is_stranger"] = True
        if _truthy(args.get("include_locale")):
            out["locale"] = user.locale
        return {"ok": True, "user": out}

    def _usergroups_users_list(self, args: Args) -> Body:
        users = self.usergroups.get(str(args["usergroup"]))
        if users is None:
            raise _SlackError("no_such_subteam")
        return {"ok": True, "users": list(users)}

    def _channel_members(self, cid: str) -> list[str]:
        if cid in self.channels:
            return list(self.channels[cid].members)
        user = next((u for u, d in self._dm_by_user.items() if d == cid), None)
        if user is not None:
            return [user, BOT_USER_ID]
        if any(m.channel == cid for m in self.all_messages):
            return []
        raise _SlackError("channel_not_found")

    def _conversations_info(self, args: Args) -> Body:
        cid = self.resolve_channel(str(args["channel"]))
        members = self._channel_members(cid)
        if cid in self.channels:
            info: Body = {
                "id": cid,
                "name": self.channels[cid].name,
                "is_channel": True,
                "is_private": self.channels[cid].is_private,
                "is_member": BOT_USER_ID in members,
                "num_members": len(members),
            }
        elif cid.startswith("D") and members:
            info = {"id": cid, "is_im": True, "user": members[0]}
        else:
            info = {"id": cid, "is_channel": True}
        return {"ok": True, "channel": info}

    def _conversations_members(self, args: Args) -> Body:
        members = self._channel_members(self.resolve_channel(str(args["channel"])))
        page, cursor = _paginate(members, args)
        return {"ok": True, "members": page, "response_metadata": {"next_cursor": cursor}}

    def _conversations_open(self, args: Args) -> Body:
        if args.get("channel"):
            return {"ok": True, "channel": {"id": self.resolve_channel(str(args["channel"]))}}
        users = [u.strip() for u in str(args.get("users") or "").split(",") if u.strip()]
        if not users:
            raise _SlackError("users_list_not_supplied")
        if len(users) > 1:
            return {"ok": True, "channel": {"id": "G" + "".join(sorted(users)), "is_mpim": True}}
        return {
            "ok": True,
            "channel": {"id": self.dm_channel(users[0]), "is_im": True, "user": users[0]},
        }

    def _conversations_history(self, args: Args) -> Body:
        cid = self.resolve_channel(str(args["channel"]))
        self._channel_members(cid)  # raises channel_not_found for channels never seen
        found = _in_range(self.messages(cid), args)
        page, cursor = _paginate(list(reversed(found)), args)
        return {
            "ok": True,
            "messages": [m.to_api() for m in page],
            "has_more": bool(cursor),
            "response_metadata": {"next_cursor": cursor},
        }

    def _conversations_replies(self, args: Args) -> Body:
        cid, ts = self.resolve_channel(str(args["channel"])), str(args["ts"])
        parent = self.find_message(cid, ts)
        if parent is None:
            raise _SlackError("thread_not_found")
        # The parent always heads the thread, as in Slack; `oldest`/`latest` narrow
        # the replies after it.
        thread = [parent, *_in_range(self.replies(cid, ts), args)]
        page, cursor = _paginate(thread, args, default_limit=1000)
        out = [m.to_api() for m in page]
        if out and out[0]["ts"] == ts and len(thread) > 1:
            out[0].update(thread_ts=ts, reply_count=len(thread) - 1, latest_reply=thread[-1].ts)
        return {
            "ok": True,
            "messages": out,
            "has_more": bool(cursor),
            "response_metadata": {"next_cursor": cursor},
        }

    def _chat_post_message(self, args: Args) -> Body:
        if not any(args.get(k) for k in ("text", "blocks", "attachments")):
            raise _SlackError("no_text")
        cid = self.resolve_channel(str(args["channel"]))
        if self._rate is not None:
            bucket = self._buckets.setdefault(cid, _Bucket(*self._rate))
            wait = bucket.take()
            if wait:
                raise _RateLimited(wait)
        thread_ts = args.get("thread_ts") or None
        msg = Message(
            cid,
            self._next_ts(),
            args.get("text"),
            args.get("blocks"),
            str(thread_ts) if thread_ts else None,
            args.get("metadata"),
            attachments=args.get("attachments"),
            reply_broadcast=_truthy(args.get("reply_broadcast")),
        )
        self.all_messages.append(msg)
        return {"ok": True, "channel": cid, "ts": msg.ts, "message": msg.to_api()}

    def _chat_update(self, args: Args) -> Body:
        msg = self.find_message(str(args["channel"]), str(args["ts"]))
        if msg is None:
            raise _SlackError("message_not_found")
        if msg.user != BOT_USER_ID:
            raise _SlackError("cant_update_message")
        if len(str(args.get("text") or "")) > 4000:
            raise _SlackError("msg_too_long")
        # Slack keeps fields the update omits (an empty list clears blocks).
        for key in ("text", "blocks", "attachments", "metadata"):
            if key in args:
                setattr(msg, key, args[key])
        msg.update_count += 1
        return {
            "ok": True,
            "channel": msg.channel,
            "ts": msg.ts,
            "text": msg.text or "",
            "message": msg.to_api(),
        }

    def _chat_post_ephemeral(self, args: Args) -> Body:
        if not any(args.get(k) for k in ("text", "blocks", "attachments")):
            raise _SlackError("no_text")
        eph = Ephemeral(
            self.resolve_channel(str(args["channel"])),
            str(args["user"]),
            self._next_ts(),
            args.get("text"),
            args.get("blocks"),
            args.get("thread_ts") or None,
        )
        self.all_ephemerals.append(eph)
        return {"ok": True, "message_ts": eph.ts}

    def _chat_get_permalink(self, args: Args) -> Body:
        msg = self.find_message(str(args["channel"]), str(args["message_ts"]))
        if msg is None:
            raise _SlackError("message_not_found")
        link = f"{WORKSPACE_URL}archives/{msg.channel}/p{msg.ts.replace('.', '')}"
        if msg.is_reply:
            link += f"?thread_ts={msg.thread_ts}&cid={msg.channel}"
        return {"ok": True, "channel": msg.channel, "permalink": link}

    def _reactions_add(self, args: Args) -> Body:
        msg = self.find_message(str(args["channel"]), str(args["timestamp"]))
        if msg is None:
            raise _SlackError("message_not_found")
        name = str(args["name"]).strip(":")
        if name in msg.reactions:
            raise _SlackError("already_reacted")
        msg.reactions.append(name)
        self.reactions.append((msg.channel, msg.ts, name))
        return {"ok": True}

    # -- views

    def _claim_trigger(self, trigger_id: str) -> str | None:
        """Consume a trigger; return its user (None if lax mode accepted an unknown one)."""
        trigger = self._triggers.get(trigger_id)
        if trigger is None:
            if self.strict_triggers:
                raise _SlackError("invalid_trigger_id")
            return None
        if trigger.used or time.monotonic() > trigger.expires_at:
            raise _SlackError("expired_trigger_id")
        trigger.used = True
        return trigger.user_id

    def _store_view(
        self, view_id: str, view: Any, user_id: str | None, via: str, trigger_id: str | None = None
    ) -> SimView:
        content = dict(view) if isinstance(view, dict) else {"raw": view}
        self._seq += 1
        digest = hashlib.sha1(f"{view_id}:{self._seq}".encode()).hexdigest()[:16]
        content.update(id=view_id, hash=f"{self._seq}.{digest}", team_id=TEAM_ID, bot_id=BOT_ID)
        content.setdefault("state", {"values": {}})
        record = SimView(view_id, user_id, content, via, trigger_id)
        self.views[view_id] = record
        return record

    def _new_view_id(self) -> str:
        self._seq += 1
        return f"V{self._seq:08d}"

    def _views_open(self, args: Args, via: str) -> Body:
        trigger_id = str(args["trigger_id"])
        user_id = self._claim_trigger(trigger_id)
        record = self._store_view(self._new_view_id(), args["view"], user_id, via, trigger_id)
        (self.views_opened if via == "open" else self.views_pushed).append(record)
        return {"ok": True, "view": record.view}

    def _views_update(self, args: Args) -> Body:
        view_id = args.get("view_id")
        if not view_id and args.get("external_id"):
            view_id = next(
                (
                    v.id
                    for v in self.views.values()
                    if v.view.get("external_id") == args["external_id"]
                ),
                None,
            )
            if view_id is None:
                raise _SlackError("not_found")
        if not view_id:
            return _invalid_arguments("[ERROR] missing required field: view_id or external_id")
        current = self.views.get(str(view_id))
        if current is None:
            raise _SlackError("not_found")
        if args.get("hash") and args["hash"] != current.view["hash"]:
            raise _SlackError("hash_conflict")
        record = self._store_view(
            current.id, args["view"], current.user_id, current.via, current.trigger_id
        )
        return {"ok": True, "view": record.view}

    def _views_publish(self, args: Args) -> Body:
        user_id = str(args["user_id"])
        current = self.home_views.get(user_id)
        if current is not None and args.get("hash") and args["hash"] != current["hash"]:
            raise _SlackError("hash_conflict")
        view_id = current["id"] if current is not None else self._new_view_id()
        record = self._store_view(view_id, args["view"], user_id, "publish")
        self.home_views[user_id] = record.view
        return {"ok": True, "view": record.view}

    # -- files

    def _files_info(self, args: Args) -> Body:
        hosted = self.hosted.get(str(args["file"]))
        if hosted is None:
            raise _SlackError("file_not_found")
        return {"ok": True, "file": self._file_object(hosted), "comments": []}

    def _files_get_upload_url(self, args: Args) -> Body:
        try:
            length = int(args["length"])
        except (TypeError, ValueError):
            return _invalid_arguments("[ERROR] length must be an integer")
        self._seq += 1
        file_id = f"F{self._seq:08d}"
        self.uploads[file_id] = SimFile(file_id, str(args["filename"]), length)
        return {"ok": True, "upload_url": f"{self.root_url}upload/{file_id}", "file_id": file_id}

    def _files_complete_upload(self, args: Args) -> Body:
        entries = args["files"]
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            return _invalid_arguments("[ERROR] files must be a JSON array of objects")
        channel = args.get("channel_id") or str(args.get("channels") or "").split(",")[0]
        pending = [self.uploads.get(str(e.get("id"))) for e in entries]
        done: list[SimFile] = []
        for entry, upload in zip(entries, pending, strict=True):
            # Slack cannot complete a file whose bytes never arrived.
            if upload is None or upload.data is None:
                raise _SlackError("file_not_found")
            upload.title = entry.get("title") or upload.filename
            upload.channel_id = channel or None
            upload.initial_comment = args.get("initial_comment")
            upload.thread_ts = args.get("thread_ts")
            done.append(upload)
        self.files.extend(done)
        return {
            "ok": True,
            "files": [{"id": f.id, "name": f.filename, "title": f.title} for f in done],
        }
