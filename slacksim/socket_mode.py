"""Socket Mode for the simulator: `apps.connections.open` and the websocket it hands out.

Slack's side of Socket Mode, as far as the bot sees it: `apps.connections.open` (called
with the app-level `xapp-` token, never the bot token) answers a one-use `wss://` URL;
on that socket Slack first sends `hello`, then envelopes (`slash_commands`,
`interactive`, `events_api`), each of which the app acks with `{"envelope_id": ...}`.
Slack may also send `disconnect` or simply drop the socket; the app reconnects with a
fresh URL. Tests use the knobs here to refuse the token, hand out a dead URL or drop
the link.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from typing import Any

from aiohttp import WSMsgType, web

APP_TOKEN = "xapp-1-A0SIM-1-simulated"
APP_ID = "A0SIM"
LINK_PATH = "/link/"


class SocketModeSim:
    """The Socket Mode half of the simulator; `SlackSimulator.socket` holds one."""

    def __init__(self, app_token: str = APP_TOKEN) -> None:
        self.app_token = app_token
        self.root_url = ""  # set by the simulator once it listens
        self.refuse_with: str | None = None  # an error apps.connections.open answers instead
        self.url_override: str | None = None  # a URL handed out instead of ours (e.g. dead)
        self.close_at_once = False  # accept the socket, then close it before hello
        self.sockets: list[web.WebSocketResponse] = []
        self.received: list[dict[str, Any]] = []  # what the app sent (acks), in order
        self._tickets: set[str] = set()
        self._arrived = asyncio.Condition()

    def token_error(self, token: str | None, bot_token: str) -> str | None:
        """Slack's answer to the token of an apps.connections.open call, if it refuses."""
        if not token:
            return "not_authed"
        if token == bot_token or not token.startswith("xapp-"):
            return "not_allowed_token_type"  # a bot or user token where an app token is due
        if token != self.app_token:
            return "invalid_auth"
        return self.refuse_with

    def connections_open(self) -> dict[str, Any]:
        if self.url_override is not None:
            return {"ok": True, "url": self.url_override}
        ticket = secrets.token_hex(8)
        self._tickets.add(ticket)
        ws_root = self.root_url.replace("http://", "ws://", 1).rstrip("/")
        return {"ok": True, "url": f"{ws_root}{LINK_PATH}?ticket={ticket}&app_id={APP_ID}"}

    @property
    def open_sockets(self) -> list[web.WebSocketResponse]:
        return [ws for ws in self.sockets if not ws.closed]

    async def handle(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        if ticket not in self._tickets:
            return web.Response(status=401, text="invalid ticket")  # tickets are one-use
        self._tickets.discard(ticket)
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        if self.close_at_once:
            await ws.close()
            return ws
        self.sockets.append(ws)
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": len(self.open_sockets),
                "debug_info": {"host": "applink-sim", "approximate_connection_time": 18060},
                "connection_info": {"app_id": APP_ID},
            }
        )
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                try:
                    data = json.loads(msg.data)
                except ValueError:
                    data = {"unparsed": msg.data}
                async with self._arrived:
                    self.received.append(data)
                    self._arrived.notify_all()
        return ws

    async def send(self, envelope: dict[str, Any]) -> None:
        """Deliver an envelope on the newest open socket, as Slack does."""
        await self.open_sockets[-1].send_json(envelope)

    async def drop(self) -> None:
        """Close every socket from Slack's side (a deploy or network blip)."""
        for ws in self.open_sockets:
            await ws.close()

    async def ack_for(self, envelope_id: str, timeout: float = 5.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout

        def found() -> dict[str, Any] | None:
            return next((m for m in self.received if m.get("envelope_id") == envelope_id), None)

        async with self._arrived:
            while (ack := found()) is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no ack for envelope {envelope_id}")
                try:
                    await asyncio.wait_for(self._arrived.wait(), left)
                except TimeoutError:
                    continue
            return ack

    async def close_all(self) -> None:
        for ws in self.open_sockets:
            await ws.close()
