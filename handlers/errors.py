"""One place where unexpected errors end: logged by type, never with the payload.

The person who pressed the button or typed the command is told, privately and in
their language, that it did not work and that nothing was lost, rather than being
left with a button that silently did nothing.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.context import AppContext
from bot.slack.payloads import Press
from bot.slack.privately import answer_privately

log = logging.getLogger("ch_responder.errors")


def _user_id(body: dict[str, Any]) -> str | None:
    user = body.get("user")
    uid = user.get("id") if isinstance(user, dict) else body.get("user_id")
    return uid if isinstance(uid, str) else None


def register(app: AsyncApp, ctx: AppContext) -> None:
    @app.error
    async def on_error(error: Exception, body: dict[str, Any]) -> None:
        # The body holds report text: log only what kind of request failed.
        kind = body.get("type") or body.get("command") or "unknown"
        log.error("listener failed: request=%s error=%s", kind, type(error).__name__)
        user_id = _user_id(body)
        if user_id is None or kind == "event_callback":
            return
        channel = body.get("channel_id") or (body.get("channel") or {}).get("id")
        try:
            # Best effort: Slack may be the thing that failed; never wait long on it.
            await asyncio.wait_for(
                answer_privately(ctx, Press(user_id, channel), "error.generic"), timeout=5)
        except Exception as e:
            log.warning("could not tell the user about the failure: %s", type(e).__name__)
