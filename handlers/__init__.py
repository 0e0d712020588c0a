"""Thin Slack listeners: translate payloads to flow calls and back. Read these first."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.context import AppContext
from handlers import actions, commands, errors, views


def register_all(app: AsyncApp, ctx: AppContext) -> None:
    commands.register(app, ctx)
    views.register(app, ctx)
    actions.register(app, ctx)
    errors.register(app, ctx)
