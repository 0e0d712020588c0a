"""Shortcuts (manifest.json `features.shortcuts`): ack, then the form at once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.context import AppContext
from bot.flows.report.from_message import open_from_message, open_from_shortcut
from bot.views.ids import Shortcut

ShortcutFlow = Callable[[AppContext, dict[str, Any]], Awaitable[None]]

MESSAGE_SHORTCUTS: dict[Shortcut, ShortcutFlow] = {Shortcut.REPORT_MESSAGE: open_from_message}
GLOBAL_SHORTCUTS: dict[Shortcut, ShortcutFlow] = {Shortcut.REPORT: open_from_shortcut}


def _listener(ctx: AppContext, flow: ShortcutFlow) -> Callable[..., Awaitable[None]]:
    async def listener(ack: AsyncAck, body: dict[str, Any]) -> None:
        # Ack first, then views.open: the trigger expires 3 s after Slack sent it.
        await ack()
        await flow(ctx, body)

    return listener


def register(app: AsyncApp, ctx: AppContext) -> None:
    for callback_id, flow in MESSAGE_SHORTCUTS.items():
        app.message_shortcut(callback_id)(_listener(ctx, flow))
    for callback_id, flow in GLOBAL_SHORTCUTS.items():
        app.global_shortcut(callback_id)(_listener(ctx, flow))
