"""Socket Mode, driven by us so that every state is visible and every state stops.

Bolt's AsyncSocketModeHandler hands the whole link to slack-sdk's client, whose
`connect()` retries forever (a logged traceback every few seconds, even when Slack
refuses the app token), cannot be interrupted by SIGTERM, and tells nobody whether it
is connected. Here the SDK client keeps what it does well (the websocket, pings, the
message queue, acks) and loses reconnecting; `SocketMode.run()` does that instead:

- every attempt starts with `apps.connections.open`: if Slack refuses the token
  (invalid_auth, not_allowed_token_type, ...) `AppTokenRejected` ends the process with
  one line, because no retry can fix a wrong token;
- anything else (Slack unreachable, 5xx, a dead websocket URL, a dropped link) is
  retried with capped exponential backoff, logged as one WARNING line per attempt;
- `status()` says "connected" only once Slack's `hello` arrived on a live socket, so
  /healthz reports the truth;
- the runner is a task: cancelling it stops it wherever it is waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from typing import Any

import aiohttp
from slack_bolt.adapter.socket_mode.async_internals import (
    run_async_bolt_app,
    send_async_response,
)
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.settings import SettingsError

log = logging.getLogger(__name__)

# Answers of apps.connections.open that no retry can fix: the token or the app is wrong.
TOKEN_REJECTED = frozenset(
    {
        "not_authed",
        "invalid_auth",
        "not_allowed_token_type",
        "token_revoked",
        "token_expired",
        "account_inactive",
        "missing_scope",
        "no_permission",
        "access_denied",
    }
)
PING_INTERVAL = 10.0  # Bolt's default; a link without a pong for 4 pings is stale
HELLO_TIMEOUT = 10.0  # Slack says hello right after the socket opens
CONNECT_TIMEOUT = 10.0  # opening the websocket (TCP, TLS, upgrade)
BACKOFF_FIRST, BACKOFF_CAP = 1.0, 30.0
ASKED = "Slack asked for a new link"
WATCH_EVERY = 0.5  # how soon a dead link is noticed (and /healthz turns 503)


class AppTokenRejected(SettingsError):
    """Slack refused SLACK_APP_TOKEN; the message is the one line an operator needs."""


class _Client(SocketModeClient):
    """slack-sdk's client minus its own reconnecting: one attempt per `connect()`, and a
    `disconnect` message from Slack only asks the runner for a new link."""

    def __init__(self, app_token: str, web_client: AsyncWebClient) -> None:
        super().__init__(
            app_token=app_token,
            logger=logging.getLogger("slack_sdk.socket_mode"),
            web_client=web_client,
            auto_reconnect_enabled=False,
            ping_interval=PING_INTERVAL,
        )
        self.renew = asyncio.Event()
        self.hello = False
        self.message_listeners.append(_on_message)

    async def connect(self) -> None:
        old, self.current_session = self.current_session, None
        if old is not None:
            with contextlib.suppress(Exception):  # a broken socket may fail to close
                await old.close()
        self.hello = False
        self.renew.clear()
        assert self.wss_uri is not None
        session = await self.aiohttp_client_session.ws_connect(
            self.wss_uri,
            autoping=False,
            heartbeat=self.ping_interval,
            proxy=self.proxy,
            ssl=self.web_client.ssl if self.web_client.ssl is not None else True,
            # Closing waits for Slack's close frame; SIGTERM must not wait 10 s for it.
            timeout=aiohttp.ClientWSTimeout(ws_close=1.0),
        )
        self.current_session, self.stale, self.last_ping_pong_time = session, False, None
        await session.ping(f"sdk-ping-pong:{time.time()}".encode())
        for task in (self.current_session_monitor, self.message_receiver):
            if task is not None:
                task.cancel()
        self.current_session_monitor = asyncio.ensure_future(self.monitor_current_session())
        self.message_receiver = asyncio.ensure_future(self.receive_messages())

    async def connect_to_new_endpoint(self, force: bool = False) -> None:
        self.renew.set()  # the runner opens the new link, with its backoff and checks


async def _on_message(client: Any, message: dict[str, Any], _raw: str | None) -> None:
    if message.get("type") == "hello" and isinstance(client, _Client):
        client.hello = True


class SocketMode:
    """Keeps one Socket Mode link to Slack open for `app` until cancelled."""

    def __init__(self, app: AsyncApp, app_token: str, api_url: str, timeout: float) -> None:
        self._app = app
        # Our own client for apps.connections.open: no in-client retries (the runner
        # backs off itself) and the app token, which no other Web API call accepts.
        web_client = AsyncWebClient(
            base_url=api_url,
            timeout=timeout,  # type: ignore[arg-type]  # aiohttp takes float seconds
            retry_handlers=[],
        )
        self._token = app_token
        self._web = web_client
        self._client: _Client | None = None
        self.connected_once = False

    def status(self) -> str:
        c = self._client
        if c is None or not c.hello or c.stale or c.renew.is_set():
            return "disconnected"
        session = c.current_session
        return "connected" if session is not None and not session.closed else "disconnected"

    async def _on_request(self, client: Any, req: SocketModeRequest) -> None:
        started = time.time()
        response = await run_async_bolt_app(self._app, req)
        await send_async_response(client, req, response, started)

    async def _open_url(self) -> str:
        try:
            response = await self._web.apps_connections_open(app_token=self._token)
        except SlackApiError as e:
            data = e.response.data if isinstance(e.response.data, dict) else {}
            error = str(data.get("error") or f"HTTP {e.response.status_code}")
            if error in TOKEN_REJECTED:
                raise AppTokenRejected(
                    f"SLACK_APP_TOKEN: Slack refused it ({error}); use the app-level token "
                    "(xapp-...) from the app's Basic Information page, with the "
                    "connections:write scope"
                ) from None
            raise ConnectionError(f"apps.connections.open: {error}") from None
        return str(response["url"])

    async def _connect_once(self) -> None:
        url = await self._open_url()
        if self._client is None:
            self._client = _Client(self._token, self._web)
            self._client.socket_mode_request_listeners.append(self._on_request)
        client = self._client
        client.wss_uri = url
        await asyncio.wait_for(client.connect(), CONNECT_TIMEOUT)
        deadline = time.monotonic() + HELLO_TIMEOUT
        while not client.hello:
            if time.monotonic() > deadline or self.status_socket_closed():
                raise ConnectionError("the socket opened but Slack never said hello")
            await asyncio.sleep(0.05)

    def status_socket_closed(self) -> bool:
        session = self._client.current_session if self._client else None
        return session is None or session.closed

    async def run(self) -> None:
        """Connect, watch, reconnect; returns only by raising AppTokenRejected."""
        failures = 0
        while True:
            try:
                await self._connect_once()
            except AppTokenRejected:
                raise
            except Exception as e:  # every other failure is retried: say why, no traceback
                failures += 1
                delay = _backoff(failures)
                log.warning(
                    "Socket Mode: could not connect (%s: %s); retry %d in %.1f s",
                    type(e).__name__,
                    str(e) or "no detail",
                    failures,
                    delay,
                )
                await asyncio.sleep(delay)
                continue
            if self.connected_once:
                log.info("Socket Mode: reconnected to Slack")
            else:
                log.info("Socket Mode: connected to Slack")
            self.connected_once, failures = True, 0
            reason = await self._watch()
            # Slack asks for a new link routinely (refresh_requested): INFO, not a warning.
            routine = reason == ASKED
            log.log(
                logging.INFO if routine else logging.WARNING,
                "Socket Mode: %s; reconnecting",
                reason,
            )

    async def _watch(self) -> str:
        """Wait until the link is gone; return why."""
        client = self._client
        assert client is not None
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(client.renew.wait(), WATCH_EVERY)
            if client.renew.is_set():
                return ASKED
            if self.status_socket_closed():
                return "link lost (the socket was closed)"
            if client.stale or await client.is_ping_pong_failing():
                return "link lost (no pong from Slack)"

    async def close(self) -> None:
        """Release the socket and its HTTP session; bounded, for a prompt SIGTERM."""
        if self._client is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._client.close(), 2.0)  # type: ignore[no-untyped-call]
        with contextlib.suppress(Exception):
            session = getattr(self._web, "session", None)
            if session is not None:
                await session.close()


def _backoff(failures: int) -> float:
    """1, 2, 4 ... 30 s, with jitter so many bots do not reconnect in step."""
    base = min(BACKOFF_CAP, BACKOFF_FIRST * 2 ** min(failures - 1, 10))
    return float(base * random.uniform(0.8, 1.0))
