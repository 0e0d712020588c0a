"""Serving Slack for real: HTTP on PORT, or Socket Mode when SLACK_APP_TOKEN is set."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from aiohttp import web

from bot.app import build
from bot.config import Config
from bot.settings import Settings

log = logging.getLogger(__name__)


async def serve(settings: Settings, config: Config) -> None:
    """Until SIGTERM/SIGINT. Raises AppTokenRejected (a SettingsError: one line, exit 2)
    when Slack refuses SLACK_APP_TOKEN, after shutting down cleanly."""
    bot = build(settings, config)
    web_app = bot.web_app()  # /healthz is served in both modes
    runner = web.AppRunner(web_app, handle_signals=False)
    await runner.setup()  # runs the cleanup context: store, workspace, delivery loop
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    socket_mode = None
    link: asyncio.Task[None] | None = None
    try:
        site = web.TCPSite(runner, port=settings.port)
        await site.start()
        if settings.app_token:
            from bot.socket_mode import SocketMode

            socket_mode = SocketMode(
                bot.app, settings.app_token, settings.api_url, settings.slack_timeout
            )
            bot.link_status = socket_mode.status  # /healthz is 503 while the link is down
            link = asyncio.create_task(socket_mode.run())
            log.info("Socket Mode: connecting; /healthz on port %s", settings.port)
        else:
            log.info("serving HTTP on port %s: POST /slack/events, GET /healthz", settings.port)
        stopping = asyncio.create_task(stop.wait())
        # The link task ends only when Slack refuses the token; SIGTERM wins in any state.
        await asyncio.wait([t for t in (stopping, link) if t], return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        log.info("shutting down: finishing in-flight deliveries")
    finally:
        if link is not None and not link.done():
            link.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await link
        if socket_mode is not None:
            await socket_mode.close()
        # Stop taking requests first, then let the cleanup context drain the delivery loop.
        await runner.cleanup()
    failure = link.exception() if link is not None and not link.cancelled() else None
    if failure is not None:
        raise failure
