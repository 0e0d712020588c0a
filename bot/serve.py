"""Serving Slack for real: HTTP on PORT, or Socket Mode when SLACK_APP_TOKEN is set."""

from __future__ import annotations

import asyncio
import logging
import signal

from aiohttp import web

from bot.app import build
from bot.config import Config
from bot.settings import Settings

log = logging.getLogger(__name__)


async def serve(settings: Settings, config: Config) -> None:
    bot = build(settings, config)
    web_app = bot.web_app()  # /healthz is served in both modes
    runner = web.AppRunner(web_app, handle_signals=False)
    await runner.setup()  # runs the cleanup context: store, workspace, delivery loop
    site = web.TCPSite(runner, port=settings.port)
    await site.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    socket_handler = None
    if settings.app_token:
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        socket_handler = AsyncSocketModeHandler(bot.app, settings.app_token)
        await socket_handler.connect_async()  # type: ignore[no-untyped-call]
        log.info("connected in Socket Mode; /healthz on port %s", settings.port)
    else:
        log.info("serving HTTP on port %s: POST /slack/events, GET /healthz", settings.port)
    await stop.wait()
    log.info("shutting down: finishing in-flight deliveries")
    if socket_handler is not None:
        await socket_handler.close_async()  # type: ignore[no-untyped-call]
    # Stop taking requests first, then let the cleanup context drain the delivery loop.
    await runner.cleanup()
