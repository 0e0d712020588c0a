"""A fake Slack Web API served over loopback, for tests and terminal demos.

Point ``AsyncWebClient(base_url=sim.base_url)`` at it. It keeps just enough state (users,
channels, messages, views, files) to answer the calls ch-responder makes, records every
call, and can inject the failures production will see: 5xx, 429, slow answers, outages
and refused connections. Each Web API area is a mixin in an ``api_*`` module; this
module binds the HTTP routes, checks tokens and required arguments against the spec,
and applies the injected faults before a call reaches its area.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from aiohttp import web

from slacksim.api_chat import ChatApi
from slacksim.api_conversations import ConversationsApi
from slacksim.api_files import FilesApi
from slacksim.api_rooms import RoomsApi
from slacksim.api_views import ViewsApi
from slacksim.model import APP_TOKEN_METHODS, NO_AUTH_METHODS, Args, Body, Call
from slacksim.socket_mode import LINK_PATH
from slacksim.spec import SimulatorSpec
from slacksim.wire import (
    Answer,
    RateLimited,
    SlackError,
    error,
    invalid_arguments,
    read_args,
    take,
)

log = logging.getLogger(__name__)


class SlackSimulator(ConversationsApi, ChatApi, ViewsApi, FilesApi, RoomsApi):
    """Fake Slack Web API on ``127.0.0.1`` (a free port), with state, recording and faults."""

    def __init__(self, spec_path: Path | None = None, token: str = "xoxb-test") -> None:
        super().__init__(token)
        self.spec = SimulatorSpec.load(spec_path)
        self._handlers = self._build_handlers()

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

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        arrived = time.monotonic()
        log.debug("simulator call %s", method)
        stall = take(self._stalls, method)
        try:
            args = await read_args(request)
        except ValueError:
            args, answer = {}, Answer(200, error("invalid_json"))
        else:
            answer = self._answer(method, args, self._token_of(request, args))
        response = answer.body if isinstance(answer.body, dict) else error(f"http_{answer.status}")
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

    def _answer(self, method: str, args: Args, token: str | None) -> Answer:
        if self._down:
            return Answer(503, "Service Unavailable (simulated outage)")
        if not self.spec.is_known(method):
            return Answer(404, error("unknown_method", req_method=method))
        fault = take(self._failures, method)
        if fault is not None:
            if fault.status == 429:
                return Answer(429, error("ratelimited"), {"Retry-After": str(fault.retry_after)})
            return Answer(fault.status, f"simulated HTTP {fault.status}")
        if method in APP_TOKEN_METHODS:
            refused = self.socket.token_error(token, self.token)
            if refused:
                return Answer(200, error(refused))
        elif method not in NO_AUTH_METHODS:
            if token and token.startswith("xapp-"):
                return Answer(200, error("not_allowed_token_type"))
            if not token:
                return Answer(200, error("not_authed"))
            if token != self.token:
                return Answer(200, error("invalid_auth"))
        missing = [a for a in self.spec.required_args(method) if args.get(a) in (None, "")]
        if missing:
            return Answer(
                200, invalid_arguments(*(f"[ERROR] missing required field: {a}" for a in missing))
            )
        handler = self._handlers.get(method)
        if handler is None:
            return Answer(200, {"ok": True})
        try:
            body = handler(args)
        except RateLimited as limited:
            return Answer(429, error("ratelimited"), {"Retry-After": str(limited.retry_after)})
        except SlackError as exc:
            return Answer(200, error(str(exc)))
        after = take(self._after_failures, method)
        if after is not None:
            if after.error:
                return Answer(after.status, error(after.error))
            return Answer(after.status, f"simulated HTTP {after.status} after the call was done")
        return Answer(200, body)

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
            "conversations.create": self._conversations_create,
            "conversations.invite": self._conversations_invite,
            "conversations.archive": self._conversations_archive,
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
            "files.delete": self._files_delete,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
        }
