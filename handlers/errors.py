"""One place where unexpected errors end: logged by type, never with the payload."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.context import AppContext

log = logging.getLogger("ch_responder.errors")


def register(app: AsyncApp, ctx: AppContext) -> None:
    @app.error
    async def on_error(error: Exception, body: dict[str, Any]) -> None:
        # The body holds report text: log only what kind of request failed.
        kind = body.get("type") or body.get("command") or "unknown"
        log.error("listener failed: request=%s error=%s", kind, type(error).__name__)
