"""Thin Slack listeners: translate payloads to flow calls and back. Read these first."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.context import AppContext
from bot.flows.report.intake import Intake
from handlers import (
    actions,
    case_actions,
    commands,
    errors,
    events,
    legal_hold,
    mine,
    shortcuts,
    views,
)
from handlers import home as home_handlers
from handlers import hr as hr_handlers
from handlers import oncall as oncall_handlers
from handlers import reminders as reminder_handlers
from handlers import urgent as urgent_handlers


def register_all(app: AsyncApp, ctx: AppContext, intake: Intake) -> None:
    commands.register(app, ctx)
    shortcuts.register(app, ctx)
    urgent_handlers.register(app, ctx, intake)
    views.register(app, ctx, intake)
    actions.register(app, ctx)
    reminder_handlers.register(app, ctx)
    oncall_handlers.register(app, ctx)
    case_actions.register(app, ctx)
    events.register(app, ctx, intake)
    legal_hold.register(app, ctx)
    hr_handlers.register(app, ctx)
    home_handlers.register(app, ctx)
    mine.register(app, ctx)
    errors.register(app, ctx)
