"""The screen a responder's modal turns into when saving outlasts Slack's ack window."""

from __future__ import annotations

from typing import Any

from bot.i18n import t
from bot.views.common import modal, section
from bot.views.ids import Callback


def still_saving_view(lang: str) -> dict[str, Any]:
    """No submit button: pressing again cannot act twice; the outcome follows privately."""
    return modal(
        Callback.CASE_SAVING,
        t(lang, "act.late.title"),
        [section(t(lang, "act.late.saving"))],
        close=t(lang, "close"),
    )
